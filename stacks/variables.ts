import { Construct } from "constructs";
import { ConnectorVariables } from "./connector/connector-variables";
import { TrunkVariables } from "./connector/trunk-variables";
import { DeploymentVariables } from "./deployment-variables";
import { AlarmVariables } from "./observability/alarm-variables";
import { PbxVariables } from "./pbx/pbx-variables";
import { ReconciliationVariables } from "./reconciliation/reconciliation-variables";
import { RecorderVariables } from "./recorder/recorder-variables";
import { LayoutVariables } from "./storage/layout-variables";
import { StorageVariables } from "./storage/storage-variables";

/**
 * Every setting a user changes per environment, by concern, read from tfvars at plan time so that one
 * synthesized configuration serves every environment. Validation happens in `terraform plan`; each
 * variable is declared at the stack root under its tfvars name (see `rootVariable`).
 */
export class Variables extends Construct {
  readonly deployment: DeploymentVariables;
  readonly storage: StorageVariables;
  readonly layout: LayoutVariables;
  readonly recorder: RecorderVariables;
  readonly trunk: TrunkVariables;
  readonly pbx: PbxVariables;
  readonly connectors: ConnectorVariables;
  readonly alarms: AlarmVariables;
  readonly reconciliation: ReconciliationVariables;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.deployment = new DeploymentVariables(this, "deployment");
    this.storage = new StorageVariables(this, "storage");
    this.layout = new LayoutVariables(this, "layout");
    this.recorder = new RecorderVariables(this, "recorder");
    this.trunk = new TrunkVariables(this, "trunk");
    this.pbx = new PbxVariables(this, "pbx");
    this.connectors = new ConnectorVariables(this, "connectors", {
      buildAsterisk: this.pbx.buildAsterisk,
      siprecCidrs: this.trunk.siprecCidrs,
      softphoneCidrs: this.pbx.softphoneCidrs,
      dataRetentionHours: this.recorder.dataRetentionHours,
    });
    this.alarms = new AlarmVariables(this, "alarms");
    this.reconciliation = new ReconciliationVariables(this, "reconciliation");
  }
}
