import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { RECONCILIATION_METRICS, UNCOMPARED_METRICS } from "../../lambda/reconciler/report-metrics";
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
/**
 * A day between runs, plus two hours for a late or slow run: how long a run's count is evaluated,
 * so an alarm holds until the next run's count arrives, or until the not-run alarm fires instead.
 */
const RUN_OVERDUE_HOURS = 26;
const UNCOMPARED = Object.values(UNCOMPARED_METRICS);

/** Alarms on the daily reconciliation: calls no record accounts for, a day not fully compared, and the job not running. */
export class ReconciliationAlarms extends Construct {
  readonly callsWithoutRecord: CloudwatchMetricAlarm;
  readonly incomplete: CloudwatchMetricAlarm;
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
      alarmDescription: `Yesterday's reconciliation found calls the connector carried that have no record and are not pending (${RECONCILIATION_METRICS.callsWithoutRecord}): the recorder never heard of them, or they are in the dead-letter queue. The report (<records_by_day_prefix>/reconciliation/<day>.json in the records' bucket) lists each with its transaction id, connector and detail record. Each run's count is evaluated for ${RUN_OVERDUE_HOURS} hours (a day between runs plus two): the alarm clears ${RUN_OVERDUE_HOURS - 24} hours after a run that finds none, or, if the next run fails, as reconciliation-not-run fires.`,
      metricName: RECONCILIATION_METRICS.callsWithoutRecord,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: RUN_OVERDUE_HOURS,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
    });
    this.callsWithoutRecord.overrideLogicalId("calls_without_record");

    // One alarm on the sum, in total across connectors: a metric missing in a period counts 0.
    const { namespace, period, statistic, ...notify } = common;
    this.incomplete = new CloudwatchMetricAlarm(this, "incomplete", {
      ...notify,
      alarmName: `${props.namePrefix}-reconciliation-incomplete`,
      alarmDescription: `Yesterday's reconciliation left calls uncompared, so its CallsWithoutRecord may be short (the sum of ${UNCOMPARED.join(", ")}): keys of a shape it does not read, call detail records or records past the run's bound, or a connector whose day has records but no detail record. The report (<records_by_day_prefix>/reconciliation/<day>.json) says complete false and lists them (unexpectedKeys, unreadCallDetailRecords, unreadRecords, connectorsWithoutDetailRecords). Evaluated for ${RUN_OVERDUE_HOURS} hours per run, like calls-without-record.`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: RUN_OVERDUE_HOURS,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
      metricQuery: [
        ...UNCOMPARED.map((metricName, index) => ({
          id: `m${index}`,
          returnData: false,
          metric: { namespace, metricName, period, stat: statistic },
        })),
        {
          id: "uncompared",
          label: "What the reconciliation could not compare",
          returnData: true,
          expression: UNCOMPARED.map((_, index) => `FILL(m${index}, 0)`).join(" + "),
        },
      ],
    });
    this.incomplete.overrideLogicalId("reconciliation_incomplete");

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
