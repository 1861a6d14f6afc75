import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { RECONCILIATION_METRICS } from "../../lambda/reconciler/report-metrics";
import { hclNumber, varRef } from "../hcl";
import { RECORDER_METRICS_NAMESPACE } from "../recorder/recorder-function";

export interface ReconciliationAlarmsProps {
  readonly namePrefix: string;
  /** call_detail_records_bucket: "" creates no alarm. */
  readonly callDetailRecordsBucket: TerraformVariable;
  readonly topic: SnsTopic;
}

/**
 * The job reports once a day. Hourly periods, as a day-long period would be evaluated against the
 * day under way: CloudWatch allows up to 7 days of periods of an hour or more (Period x
 * EvaluationPeriods <= 604,800 s), and under an hour only up to 1 day.
 */
const HOUR = 3_600;
/** A run's count stays in the last 24 hours until the next run's replaces it. */
const DAY_OF_HOURS = 24;
/** A day between runs, plus two hours for a late or slow run. */
const RUN_OVERDUE_HOURS = 26;

/** Alarms on the daily reconciliation: calls no record accounts for, and the job not running. */
export class ReconciliationAlarms extends Construct {
  readonly callsWithoutRecord: CloudwatchMetricAlarm;
  readonly notRun: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: ReconciliationAlarmsProps) {
    super(scope, id);
    const common = {
      count: hclNumber(`${varRef(props.callDetailRecordsBucket)} == "" ? 0 : 1`),
      namespace: RECORDER_METRICS_NAMESPACE,
      statistic: "Sum",
      period: HOUR,
      alarmActions: [props.topic.arn],
      okActions: [props.topic.arn],
    };

    // The total across the recorded connectors (the dimension set without VoiceConnectorId).
    this.callsWithoutRecord = new CloudwatchMetricAlarm(this, "calls-without-record", {
      ...common,
      alarmName: `${props.namePrefix}-calls-without-record`,
      alarmDescription: `Yesterday's reconciliation found calls the connector carried that have no record and are not pending (${RECONCILIATION_METRICS.callsWithoutRecord}): the recorder never heard of them, or they are in the dead-letter queue. The report (<records_by_day_prefix>/reconciliation/<day>.json in the records' bucket) lists each with its transaction id, connector and detail record. Stays in alarm until a day's run finds none.`,
      metricName: RECONCILIATION_METRICS.callsWithoutRecord,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: DAY_OF_HOURS,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
    });
    this.callsWithoutRecord.overrideLogicalId("calls_without_record");

    this.notRun = new CloudwatchMetricAlarm(this, "not-run", {
      ...common,
      alarmName: `${props.namePrefix}-reconciliation-not-run`,
      alarmDescription: `No reconciliation completed in ${RUN_OVERDUE_HOURS} hours (${RECONCILIATION_METRICS.completed}): the schedule, the function or its permissions are broken, and no report says whether calls were missed. The reconciler's logs say which request failed; after a fix, run it for the missed day with aws lambda invoke --function-name <name_prefix>-reconciler --payload '{"day":"YYYY-MM-DD"}' --cli-binary-format raw-in-base64-out out.json. Also in alarm after deploying, until the first run.`,
      metricName: RECONCILIATION_METRICS.completed,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      evaluationPeriods: RUN_OVERDUE_HOURS,
      datapointsToAlarm: RUN_OVERDUE_HOURS,
      treatMissingData: "breaching",
    });
    this.notRun.overrideLogicalId("reconciliation_not_run");
  }
}
