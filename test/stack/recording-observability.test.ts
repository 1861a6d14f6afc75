import { LOSS_METRICS } from "../../lambda/recorder/leg-timing";
import { RECORDING_STATUS_METRICS } from "../../stacks/observability/operations-dashboard";
import { FAILED_CHECK_METRICS, QUEUE_AGE_ALARM_SECONDS } from "../../stacks/observability/recording-alarms";
import { parseJsonLiteral, resource, synthesizeStack } from "../support/synth";

const config = synthesizeStack();
const topic = "${aws_sns_topic.recorder_alarms.arn}";

describe("the alarm on recordings that failed their check", () => {
  const alarm = resource(config, "aws_cloudwatch_metric_alarm", "recordings_failed_check");
  const queries: any[] = alarm.metric_query;

  it("sums RecordingsShort, RecordingsEmpty, RecordingsMalformed and RecordingsMissing in total across the recorded connectors", () => {
    const metrics = queries.filter((query) => query.metric !== undefined).map((query) => query.metric);
    // No dimensions: the total the function counts beside each connector's own (VoiceConnectorId).
    expect(metrics).toEqual(
      FAILED_CHECK_METRICS.map((name) => ({ namespace: "ChimeCallRecorder", metric_name: name, stat: "Sum", period: 300 })),
    );
    expect(queries.find((query) => query.return_data === true).expression).toBe(
      "FILL(m0, 0) + FILL(m1, 0) + FILL(m2, 0) + FILL(m3, 0)",
    );
  });

  it("fires on one such recording, and notifies the alarm topic", () => {
    expect(alarm).toMatchObject({
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      alarm_actions: [topic],
      treat_missing_data: "notBreaching",
    });
  });

  it("does not alarm on verified recordings", () => {
    expect(JSON.stringify(queries)).not.toContain("RecordingsVerified");
  });
});

describe("the backlog alarm on the recorder queue", () => {
  const alarm = resource(config, "aws_cloudwatch_metric_alarm", "recorder_backlog");

  it("watches the age of the oldest message in the recorder's queue", () => {
    expect(alarm).toMatchObject({
      namespace: "AWS/SQS",
      metric_name: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: "${aws_sqs_queue.recorder.name}" },
      statistic: "Maximum",
      alarm_actions: [topic],
    });
  });

  it("fires after 30 minutes, far inside the shortest data_retention_hours (8)", () => {
    expect(alarm.threshold).toBe(QUEUE_AGE_ALARM_SECONDS);
    expect(QUEUE_AGE_ALARM_SECONDS).toBeLessThanOrEqual(8 * 3600 * 0.1);
  });
});

describe("the recorder dashboard", () => {
  const dashboard = resource(config, "aws_cloudwatch_dashboard", "recorder");
  const widgets: any[] = parseJsonLiteral(dashboard.dashboard_body).widgets;
  const byTitle = (title: string) => {
    const widget = widgets.find((candidate) => candidate.properties.title === title);
    if (widget === undefined) throw new Error(`no widget titled ${title}: ${widgets.map((w) => w.properties.title).join(", ")}`);
    return widget.properties;
  };

  it("is named after the prefix, and its name is an output", () => {
    expect(dashboard.dashboard_name).toBe("${var.name_prefix}-recorder");
    expect(config.output.dashboard_name.value).toBe("${aws_cloudwatch_dashboard.recorder.dashboard_name}");
  });

  it("shows calls by outcome in total across the recorded connectors, whatever outcomes the records report", () => {
    expect(byTitle("Calls by outcome").metrics).toEqual([
      [{ expression: `SEARCH('{ChimeCallRecorder,Outcome} MetricName="Calls"', 'Sum', 300)`, id: "outcomes", label: "" }],
    ]);
  });

  it("breaks calls down by connector and outcome, whatever connectors are recorded", () => {
    expect(byTitle("Calls by connector and outcome").metrics).toEqual([
      [
        {
          expression: `SEARCH('{ChimeCallRecorder,Outcome,VoiceConnectorId} MetricName="Calls"', 'Sum', 300)`,
          id: "connectors",
          label: "",
        },
      ],
    ]);
  });

  it("names no voice connector: the connectors come from the metrics, so one dashboard serves any voice_connector_ids", () => {
    expect(dashboard.dashboard_body).not.toContain("aws_chime_voice_connector");
    expect(dashboard.dashboard_body).not.toContain("voice_connector_ids");
  });

  it("shows every check status", () => {
    expect(byTitle("Recordings by check status").metrics.map((metric: string[]) => metric[1])).toEqual([
      ...RECORDING_STATUS_METRICS,
    ]);
  });

  it("shows pipeline requests refused by the quota or throttling, from the recorder's logs", () => {
    expect(byTitle("Pipeline requests refused by the quota or throttled").query).toBe(
      `SOURCE '\${aws_cloudwatch_log_group.recorder.name}' | parse @message /(?<refusal>ResourceLimitExceededException|ThrottledClientException)/ | filter ispresent(refusal) | stats count(*) as refused by refusal, bin(5m)`,
    );
  });

  it("shows late legs, inferred ends, pipeline retries and exhausted retries in total across the recorded connectors", () => {
    expect(byTitle("Legs that reported late or without ENDED, and pipeline retries").metrics).toEqual(
      ["LateLegs", "InferredEnds", "PipelineRetries", "PipelineRetriesExhausted"].map((name) => ["ChimeCallRecorder", name]),
    );
    expect(Object.values(LOSS_METRICS)).toEqual(["LateLegs", "InferredEnds", "PipelineRetries", "PipelineRetriesExhausted"]);
  });

  it("shows the queue's depth and the age of its oldest message", () => {
    const names = byTitle("Recorder queue: depth and age of the oldest event").metrics.map((metric: string[]) => metric[1]);
    expect(names).toEqual([
      "ApproximateNumberOfMessagesVisible",
      "ApproximateNumberOfMessagesNotVisible",
      "ApproximateAgeOfOldestMessage",
    ]);
  });

  it("shows the dead letters", () => {
    expect(byTitle("Dead letters: calls that need a redrive").metrics[0]).toEqual(
      expect.arrayContaining(["AWS/SQS", "ApproximateNumberOfMessagesVisible", "${aws_sqs_queue.recorder_dead_letter.name}"]),
    );
  });

  it("shows the function's errors and duration", () => {
    const names = byTitle("Recorder function: errors and duration").metrics.map(
      (metric: string[]) => `${metric[0]} ${metric[1]}`,
    );
    expect(names).toEqual(["AWS/Lambda Errors", "AWS/Lambda Throttles", "AWS/Lambda Duration", "AWS/Lambda Duration"]);
  });

  it("gives every metric widget the deployment's region", () => {
    expect(new Set(widgets.map((widget) => widget.properties.region))).toEqual(new Set(["${var.region}"]));
  });
});
