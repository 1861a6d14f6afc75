import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { Construct } from "constructs";
import { LEG_IDLE_SECONDS, LOSS_METRICS, MAX_PIPELINE_ATTEMPTS } from "../../lambda/recorder/leg-timing";
import { RECORDER_METRICS_NAMESPACE } from "../recorder/recorder-function";

export interface LossAlarmsProps {
  readonly namePrefix: string;
  /** Where the alarms notify (and say OK again). */
  readonly topic: SnsTopic;
}

/**
 * Alarms on calls whose events did not all arrive, or whose recording failed every attempt: each
 * such call is recorded in part, late, from an inferred end, or not at all, and a person should look.
 */
export class LossAlarms extends Construct {
  readonly callsWithoutAudio: CloudwatchMetricAlarm;
  readonly lateLegs: CloudwatchMetricAlarm;
  readonly inferredEnds: CloudwatchMetricAlarm;
  readonly retriesExhausted: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: LossAlarmsProps) {
    super(scope, id);
    // Any one such call: each is a call not recorded as it happened.
    const onAny = {
      namespace: RECORDER_METRICS_NAMESPACE,
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      treatMissingData: "notBreaching",
      alarmActions: [props.topic.arn],
      okActions: [props.topic.arn],
    };

    // Calls is counted by Outcome in total across the recorded connectors ([Outcome]) and by connector: the alarm watches the total.
    this.callsWithoutAudio = new CloudwatchMetricAlarm(this, "calls-without-audio", {
      ...onAny,
      alarmName: `${props.namePrefix}-calls-without-audio`,
      alarmDescription:
        "Calls were closed without a recording because no leg of theirs had audio to record (Calls with Outcome no_audio). The call's record and the recorder's logs name each call. If such calls were answered, check the connector's streaming to Kinesis Video Streams and its media metrics log, and look for a late-legs alarm: a leg with audio may have reported after its call was closed.",
      metricName: "Calls",
      dimensions: { Outcome: "no_audio" },
    });
    this.callsWithoutAudio.overrideLogicalId("calls_without_audio");

    this.lateLegs = new CloudwatchMetricAlarm(this, "late-legs", {
      ...onAny,
      alarmName: `${props.namePrefix}-late-legs`,
      alarmDescription: `A leg reported after its call's recording was claimed (${LOSS_METRICS.lateLegs}): it was recorded on its own, and the call's record says the call was split: analytics see its legs as separate calls. The recorder's logs name the call. More than a few: events reach the recorder late (check the recorder-backlog alarm and the function's errors).`,
      metricName: LOSS_METRICS.lateLegs,
    });
    this.lateLegs.overrideLogicalId("recorder_late_legs");

    this.inferredEnds = new CloudwatchMetricAlarm(this, "inferred-ends", {
      ...onAny,
      alarmName: `${props.namePrefix}-leg-ends-inferred`,
      alarmDescription: `A leg's ENDED event never arrived (${LOSS_METRICS.inferredEnds}): its end was inferred from its Kinesis Video stream, as the last fragment before a gap of ${LEG_IDLE_SECONDS} s or more. A call on hold without media for longer than that may have been cut at the hold: the recorder's logs name the call; listen to the end of its recording. More than a few: streaming events are being lost.`,
      metricName: LOSS_METRICS.inferredEnds,
    });
    this.inferredEnds.overrideLogicalId("recorder_inferred_leg_ends");

    this.retriesExhausted = new CloudwatchMetricAlarm(this, "retries-exhausted", {
      ...onAny,
      alarmName: `${props.namePrefix}-recording-retries-exhausted`,
      alarmDescription: `The last of ${MAX_PIPELINE_ATTEMPTS} attempts at a call's recording failed (${LOSS_METRICS.pipelineRetriesExhausted}): the call is in the dead-letter queue, with a calls-not-recorded alarm. The recorder's logs name the call and why its pipelines failed; fix the cause (the bucket, its key or policy, the pipeline access role), then redrive the dead-letter queue before data_retention_hours have passed since the call.`,
      metricName: LOSS_METRICS.pipelineRetriesExhausted,
    });
    this.retriesExhausted.overrideLogicalId("recording_retries_exhausted");
  }
}
