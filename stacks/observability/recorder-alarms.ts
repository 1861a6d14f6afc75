import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { hclNumber, varRef } from "../hcl";
import { RECORDER_METRICS_NAMESPACE } from "../recorder/recorder-function";

export interface RecorderAlarmsProps {
  /** Prefix of the alarm and topic names. */
  readonly namePrefix: string;
  /** Holds the calls that could not be recorded. */
  readonly deadLetterQueue: SqsQueue;
  /** Address to notify; "" notifies nobody. */
  readonly alarmEmail: TerraformVariable;
  /** The customer-managed key the topic is encrypted with; its policy lets CloudWatch use it. */
  readonly kmsKeyArn: string;
}

/** Tells a person when a call was not recorded (dead-lettered calls, failed pipelines, dropped events) or waits too long. */
export class RecorderAlarms extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: RecorderAlarmsProps) {
    super(scope, id);
    // The recorder's own key: CloudWatch cannot publish to a topic under the AWS managed key.
    this.topic = new SnsTopic(this, "topic", { name: `${props.namePrefix}-recorder-alarms`, kmsMasterKeyId: props.kmsKeyArn });
    this.topic.overrideLogicalId("recorder_alarms");

    new SnsTopicSubscription(this, "email", {
      count: hclNumber(`${varRef(props.alarmEmail)} == "" ? 0 : 1`),
      topicArn: this.topic.arn,
      protocol: "email",
      endpoint: props.alarmEmail.stringValue,
    }).overrideLogicalId("alarm_email");

    const common = {
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      period: 300,
      treatMissingData: "notBreaching",
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
    };

    new CloudwatchMetricAlarm(this, "dead-letters", {
      ...common,
      alarmName: `${props.namePrefix}-calls-not-recorded`,
      alarmDescription:
        "Calls whose recording could not be started after every retry are in the dead-letter queue. Fix the cause (see the recorder's logs), then redrive the queue.",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: props.deadLetterQueue.name },
      statistic: "Maximum",
    }).overrideLogicalId("calls_not_recorded");

    new CloudwatchMetricAlarm(this, "permanent-failures", {
      ...common,
      alarmName: `${props.namePrefix}-recording-pipelines-failed`,
      alarmDescription:
        "Media insights pipelines failed for good (chime:MediaInsightsPermanentFailure); the recorder's logs name each call and the reason.",
      namespace: RECORDER_METRICS_NAMESPACE,
      metricName: "PermanentPipelineFailures",
      statistic: "Sum",
    }).overrideLogicalId("recording_pipelines_failed");

    new CloudwatchMetricAlarm(this, "dropped-events", {
      ...common,
      alarmName: `${props.namePrefix}-events-dropped`,
      alarmDescription:
        "The recorder dropped events it could not act on (DroppedEvents, broken down by Reason: malformed, foreign_connector). An event shape we did not expect means calls go unrecorded: the recorder's logs name the field and value.",
      namespace: RECORDER_METRICS_NAMESPACE,
      metricName: "DroppedEvents",
      statistic: "Sum",
    }).overrideLogicalId("recorder_events_dropped");

    new CloudwatchMetricAlarm(this, "audio-expired", {
      ...common,
      alarmName: `${props.namePrefix}-audio-expired`,
      alarmDescription:
        "Calls could not be recorded because Kinesis Video Streams no longer held their audio (data_retention_hours) when the recording was requested: a redrive or a long outage came too late. The recorder's logs name each call.",
      namespace: RECORDER_METRICS_NAMESPACE,
      metricName: "AudioExpired",
      statistic: "Sum",
    }).overrideLogicalId("recorder_audio_expired");

    // The sweep reports the backlog every 5 minutes, so a 15-minute period holds about three values.
    // Over an hour means a call has failed every try for about 45 minutes (tries 5, 10, 20 minutes
    // apart after its 15-minute wait). No value in 15 minutes means no sweep ran to its query:
    // the schedule, the function or the table is broken, and calls wait unseen, so it breaches.
    new CloudwatchMetricAlarm(this, "backlog-age", {
      ...common,
      alarmName: `${props.namePrefix}-calls-waiting`,
      alarmDescription:
        "A call has been pending for over an hour (OldestPendingCallAge), or no sweep has reported the backlog for 15 minutes. The recorder's WARN logs name the calls the sweep keeps putting off and why; no data: check the sweep schedule and the function's errors.",
      namespace: RECORDER_METRICS_NAMESPACE,
      metricName: "OldestPendingCallAge",
      statistic: "Maximum",
      period: 900,
      threshold: 3_600,
      treatMissingData: "breaching",
    }).overrideLogicalId("recorder_calls_waiting");

    // One failed sweep costs five minutes (the next one retries); two in 15 minutes is not a blip.
    new CloudwatchMetricAlarm(this, "sweep-failures", {
      ...common,
      alarmName: `${props.namePrefix}-sweeps-failing`,
      alarmDescription:
        "Sweeps failed or ran out of time (SweepFailures) at least twice in 15 minutes: lone legs, failed tries and recording checks wait. The recorder's ERROR and WARN logs say which request failed.",
      namespace: RECORDER_METRICS_NAMESPACE,
      metricName: "SweepFailures",
      statistic: "Sum",
      period: 900,
      threshold: 1,
    }).overrideLogicalId("recorder_sweeps_failing");
  }
}
