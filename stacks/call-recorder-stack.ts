import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { CallRecordsTable } from "./analytics/call-records-table";
import { QueryWorkgroup } from "./analytics/query-workgroup";
import { PhoneNumber } from "./connector/phone-number";
import { RecordedConnectors } from "./connector/recorded-connectors";
import { SipTrunk } from "./connector/sip-trunk";
import { hclMap, varRef } from "./hcl";
import { Observability } from "./observability/observability";
import { declareOutputs } from "./outputs";
import { AsteriskPbx } from "./pbx/asterisk-pbx";
import { PbxNetwork } from "./pbx/pbx-network";
import { Reconciliation } from "./reconciliation/reconciliation";
import { CallRecorder } from "./recorder/call-recorder";
import { RecordingStorage } from "./storage/recording-storage";
import { Variables } from "./variables";

export interface CallRecorderStackProps {
  /** Folder holding the built recorder bundle (`dist/recorder`). */
  readonly recorderBundleDir: string;
  /** Folder holding the built reconciler bundle (`dist/reconciler`). */
  readonly reconcilerBundleDir: string;
}

/** The whole recorder in one Terraform configuration; every per-environment choice is a variable. */
export class CallRecorderStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: CallRecorderStackProps) {
    super(scope, id);
    this.addOverride("terraform.required_version", ">= 1.9");
    const vars = new Variables(this, "variables");
    const { deployment, pbx: pbxVars } = vars;

    new AwsProvider(this, "aws", {
      region: deployment.region.stringValue,
      defaultTags: [
        {
          tags: hclMap(`merge({ Application = "chime-call-recorder", ManagedBy = "terraform" }, ${varRef(deployment.tags)})`),
        },
      ],
    });
    // Runs the phone number script (local-exec); no settings.
    new NullProvider(this, "null");
    const account = new DataAwsCallerIdentity(this, "account");
    account.overrideLogicalId("current");
    const where = {
      accountId: account.accountId,
      region: deployment.region.stringValue,
      namePrefix: deployment.namePrefix.stringValue,
    };

    const storage = new RecordingStorage(this, "storage", { vars: vars.storage, layout: vars.layout, ...where });

    const connectors = new RecordedConnectors(this, "connectors", {
      connectors: vars.connectors,
      trunk: vars.trunk,
      recorder: vars.recorder,
      ...where,
    });
    const phoneNumber = new PhoneNumber(this, "phone-number", {
      buildAsterisk: pbxVars.buildAsterisk,
      region: deployment.region,
      areaCode: pbxVars.phoneNumberAreaCode,
      state: pbxVars.phoneNumberState,
      voiceConnectorId: connectors.createdId,
      parameterName: `/${where.namePrefix}/pbx/phone-number`,
    });
    const pbx = new AsteriskPbx(this, "asterisk-pbx", {
      buildAsterisk: pbxVars.buildAsterisk,
      instanceType: pbxVars.asteriskInstanceType,
      logLevel: deployment.logLevel,
      namePrefix: where.namePrefix,
      network: new PbxNetwork(this, "pbx-network", {
        buildAsterisk: pbxVars.buildAsterisk,
        region: deployment.region,
        instanceType: pbxVars.asteriskInstanceType,
        softphoneCidrs: pbxVars.softphoneCidrs,
        namePrefix: where.namePrefix,
      }),
      voiceConnectorHost: connectors.createdHost,
      phoneNumber: phoneNumber.number,
    });
    const trunk = new SipTrunk(this, "sip-trunk", {
      voiceConnector: connectors.created,
      requireEncryption: vars.trunk.requireEncryption,
      buildAsterisk: pbxVars.buildAsterisk,
      siprecCidrs: vars.trunk.siprecCidrs,
      callingRegions: vars.trunk.callingRegions,
      pbxPublicIp: pbx.publicIp,
    });

    // Id "Default": cdktf leaves it out of generated names, so the bundle's asset folder, which the function's
    // filename names, is assets/recorder-function_bundle_<hash> as for a construct at the root: no plan change.
    const recorder = new CallRecorder(this, "Default", {
      vars: vars.recorder,
      logLevel: deployment.logLevel,
      recordingFileName: vars.layout.recordingFileName,
      storage,
      voiceConnectorIds: connectors.recordedIds,
      bundleDir: props.recorderBundleDir,
      ...where,
    });
    const records = new CallRecordsTable(this, "call-records-table", {
      bucketName: storage.bucket.bucketName,
      recordIndexPrefix: storage.recordIndexPrefix,
      namePrefix: where.namePrefix,
    });
    const queries = new QueryWorkgroup(this, "query-workgroup", {
      namePrefix: where.namePrefix,
      kmsKeyArn: storage.key.keyArn,
      table: `${records.databaseName}.${records.tableName}`,
    });

    const { dashboard, topic } = new Observability(this, "observability", {
      vars: vars.alarms,
      recorder,
      kmsKeyArn: storage.key.keyArn,
      ...where,
    });
    const reconciliation = new Reconciliation(this, "reconciliation", {
      vars: vars.reconciliation,
      storage,
      voiceConnectorIds: connectors.recordedIds,
      bundleDir: props.reconcilerBundleDir,
      logLevel: deployment.logLevel.stringValue,
      logRetentionDays: vars.recorder.logRetentionDays.numberValue,
      topic,
      ...where,
    });
    // The workgroup names the key for its results.
    storage.allowKeyUsers({ ...recorder.keyUsers, ...reconciliation.keyUsers }, [
      ...recorder.keyUsersOnCreation,
      ...reconciliation.keyUsersOnCreation,
      queries.workgroup,
    ]);

    declareOutputs(this, {
      connectors,
      trunk,
      phoneNumber: phoneNumber.number,
      pbx,
      buildAsterisk: pbxVars.buildAsterisk,
      region: where.region,
      storage,
      recorder,
      dashboard,
      records,
      queries,
    });
  }
}
