import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { countedAttribute, hcl, hclNumber, varRef } from "../hcl";

export interface ReconciliationScheduleProps {
  readonly namePrefix: string;
  /** call_detail_records_bucket: "" schedules nothing. */
  readonly callDetailRecordsBucket: TerraformVariable;
  /** reconciliation_hour: the hour (UTC) of each day's run. */
  readonly hour: TerraformVariable;
  readonly reconciler: LambdaFunction;
}

/** Runs the reconciliation of the day before once a day; the event names no day, so the function takes yesterday. */
export class ReconciliationSchedule extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: ReconciliationScheduleProps) {
    super(scope, id);
    const count = hclNumber(`${varRef(props.callDetailRecordsBucket)} == "" ? 0 : 1`);
    this.rule = new CloudwatchEventRule(this, "rule", {
      count,
      name: `${props.namePrefix}-reconciliation`,
      description: "Reconciles the day before: its detail records against the call records",
      scheduleExpression: `cron(0 ${hcl(varRef(props.hour))} * * ? *)`,
    });
    this.rule.overrideLogicalId("reconciliation");
    const functionArn = hcl(countedAttribute(props.reconciler, "arn"));

    new CloudwatchEventTarget(this, "target", {
      count,
      rule: hcl(countedAttribute(this.rule, "name")),
      arn: functionArn,
    }).overrideLogicalId("reconciliation");

    new LambdaPermission(this, "invoke", {
      count,
      statementId: "DailyReconciliation",
      action: "lambda:InvokeFunction",
      functionName: functionArn,
      principal: "events.amazonaws.com",
      sourceArn: hcl(countedAttribute(this.rule, "arn")),
    }).overrideLogicalId("reconciliation");
  }
}
