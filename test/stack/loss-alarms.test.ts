import { LOSS_METRICS, MAX_PIPELINE_ATTEMPTS } from "../../lambda/recorder/leg-timing";
import { resource, synthesizeStack } from "../support/synth";

const config = synthesizeStack();
const topic = "${aws_sns_topic.recorder_alarms.arn}";

/** One such event in five minutes alarms, and the alarm clears when none follow. */
const onAnyInFiveMinutes = {
  namespace: "ChimeCallRecorder",
  statistic: "Sum",
  period: 300,
  evaluation_periods: 1,
  comparison_operator: "GreaterThanOrEqualToThreshold",
  threshold: 1,
  treat_missing_data: "notBreaching",
  alarm_actions: [topic],
  ok_actions: [topic],
};

describe("the alarms on calls whose events did not all arrive", () => {
  // The function counts each of these in total across the recorded connectors (an EMF dimension set without
  // VoiceConnectorId, lambda/recorder/metrics.ts connectorCount) and by connector. The alarms watch the total: one
  // alarm for any number of connectors. CloudWatch matches a metric only by all its dimensions, so each alarm names
  // exactly the total's dimension set: Outcome for Calls, none for the others.
  it.each([
    ["calls_without_audio", "${var.name_prefix}-calls-without-audio", "Calls", { Outcome: "no_audio" }],
    ["recorder_late_legs", "${var.name_prefix}-late-legs", "LateLegs", undefined],
    ["recorder_inferred_leg_ends", "${var.name_prefix}-leg-ends-inferred", "InferredEnds", undefined],
    ["recording_retries_exhausted", "${var.name_prefix}-recording-retries-exhausted", "PipelineRetriesExhausted", undefined],
  ])("%s (%s) fires on one %s of any recorded connector, notifying the alarm topic", (address, name, metric, dimensions) => {
    const alarm = resource(config, "aws_cloudwatch_metric_alarm", address);
    expect(alarm).toMatchObject({ ...onAnyInFiveMinutes, alarm_name: name, metric_name: metric });
    expect(alarm.dimensions).toEqual(dimensions);
  });

  it("name no voice connector, so they total every connector recorded", () => {
    const alarms = ["calls_without_audio", "recorder_late_legs", "recorder_inferred_leg_ends", "recording_retries_exhausted"];
    expect(
      alarms.filter((address) =>
        JSON.stringify(resource(config, "aws_cloudwatch_metric_alarm", address)).includes("VoiceConnector"),
      ),
    ).toEqual([]);
  });

  it("alarm on the names the function counts under", () => {
    const names = ["recorder_late_legs", "recorder_inferred_leg_ends", "recording_retries_exhausted"].map(
      (address) => resource(config, "aws_cloudwatch_metric_alarm", address).metric_name,
    );
    expect(names).toEqual([LOSS_METRICS.lateLegs, LOSS_METRICS.inferredEnds, LOSS_METRICS.pipelineRetriesExhausted]);
  });

  it("tell the operator what happened and what to do", () => {
    const description = (address: string): string => resource(config, "aws_cloudwatch_metric_alarm", address).alarm_description;
    expect(description("calls_without_audio")).toMatch(/no_audio.*check the connector's streaming/s);
    expect(description("recorder_late_legs")).toMatch(/recorded on its own.*split/s);
    expect(description("recorder_inferred_leg_ends")).toMatch(/ENDED event never arrived.*on hold without media/s);
    expect(description("recording_retries_exhausted")).toContain(`The last of ${MAX_PIPELINE_ATTEMPTS} attempts`);
    expect(description("recording_retries_exhausted")).toMatch(/dead-letter queue.*redrive/s);
  });
});
