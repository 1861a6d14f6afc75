import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Construct } from "constructs";
import { RECORDER_METRICS_NAMESPACE } from "../recorder/recorder-function";

/** The checks' statuses that mean audio was lost or damaged, each counted as `Recordings<Status>`. */
export const FAILED_CHECK_METRICS = ["RecordingsShort", "RecordingsEmpty", "RecordingsMalformed", "RecordingsMissing"] as const;

/**
 * A healthy queue's oldest message is seconds old (a 5 s batching window) or, after one retry, a
 * visibility timeout (6 min). Half an hour means retries keep failing against the 20-pipeline
 * quota or throttling; it leaves at least 7.5 hours of the shortest data_retention_hours (8) to
 * raise the quota before Kinesis Video Streams drops audio.
 */
export const QUEUE_AGE_ALARM_SECONDS = 1800;

export interface RecordingAlarmsProps {
  readonly namePrefix: string;
  /** The recorder's work queue. */
  readonly queue: SqsQueue;
  /** Where the alarms notify (and say OK again). */
  readonly topic: SnsTopic;
}

/** Alarms on what the recordings' checks found, and on a backlog that threatens audio still in Kinesis Video Streams. */
export class RecordingAlarms extends Construct {
  readonly failedChecks: CloudwatchMetricAlarm;
  readonly checksNotDone: CloudwatchMetricAlarm;
  readonly queueAge: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: RecordingAlarmsProps) {
    super(scope, id);
    const notify = { alarmActions: [props.topic.arn], okActions: [props.topic.arn] };

    // One alarm on the sum of the four: a missing metric (no such status in the period) counts 0.
    this.failedChecks = new CloudwatchMetricAlarm(this, "failed-checks", {
      ...notify,
      alarmName: `${props.namePrefix}-recordings-failed-check`,
      alarmDescription:
        "A recording was short, empty, malformed or missing when the recorder checked it (RecordingsShort, RecordingsEmpty, RecordingsMalformed, RecordingsMissing). The call's record (JSON beside the recording, or under metadata_prefix) and the recorder's logs name the call and what the check found.",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metricQuery: [
        ...FAILED_CHECK_METRICS.map((name, index) => ({
          id: `m${index}`,
          returnData: false,
          metric: {
            namespace: RECORDER_METRICS_NAMESPACE,
            metricName: name,
            period: 300,
            stat: "Sum",
          },
        })),
        {
          id: "failed",
          label: "Recordings that failed their check",
          returnData: true,
          expression: FAILED_CHECK_METRICS.map((_, index) => `FILL(m${index}, 0)`).join(" + "),
        },
      ],
    });
    this.failedChecks.overrideLogicalId("recordings_failed_check");

    // Any: a check that cannot run leaves its call without a record, and a refusal (the bucket, the role) needs a person.
    this.checksNotDone = new CloudwatchMetricAlarm(this, "checks-not-done", {
      ...notify,
      alarmName: `${props.namePrefix}-recording-checks-failed`,
      alarmDescription:
        "The recorder could not check a recording or write its call's record (RecordingChecksFailed): S3 refused or failed the read or the write. The check is retried with a doubling delay up to an hour; the recorder's logs name the call, the operation and the error (AccessDenied or NoSuchBucket: fix the bucket or the role).",
      namespace: RECORDER_METRICS_NAMESPACE,
      metricName: "RecordingChecksFailed",
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      treatMissingData: "notBreaching",
    });
    this.checksNotDone.overrideLogicalId("recording_checks_failed");

    this.queueAge = new CloudwatchMetricAlarm(this, "queue-age", {
      ...notify,
      alarmName: `${props.namePrefix}-recorder-backlog`,
      alarmDescription: `The oldest event in the recorder's queue is more than ${QUEUE_AGE_ALARM_SECONDS / 60} minutes old: recordings keep failing to start (the 20 running pipelines quota, or throttling). Audio stays in Kinesis Video Streams for data_retention_hours from each call's start; raise the quota (Service Quotas, Chime SDK media pipelines) before it runs out.`,
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: props.queue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanThreshold",
      threshold: QUEUE_AGE_ALARM_SECONDS,
      treatMissingData: "notBreaching",
    });
    this.queueAge.overrideLogicalId("recorder_backlog");
  }
}
