import { LEG_IDLE_SECONDS, MAX_PIPELINE_ATTEMPTS } from "../../lambda/recorder/leg-timing";
import { SWEEP_EVENT } from "../../lambda/recorder/sweep";
import { RECORDER_RETRY } from "../../stacks/recorder/recorder-queue";
import { evaluate } from "../pbx/support/terraform-expressions";
import { parseJsonLiteral, resource, synthesizeStack } from "../support/synth";

const config = synthesizeStack();

// Voice connector ids as AWS documents them: 22 lower-case letters and digits.
const ONE = ["bfggco08s5m5esgxfskzks"];
const THREE = ["aaaaco08s5m5esgxfskzks", "bfggco08s5m5esgxfskzks", "cccccccccc0123456789cc"];

describe("the rules feeding the recorder", () => {
  const pattern = (rule: string): string => resource(config, "aws_cloudwatch_event_rule", rule).event_pattern;
  /**
   * Both rules' patterns as the real terraform renders them for a list of recorded connectors: the provider-free
   * twin (test/offline/given-connectors.test.ts) renders them from voice_connector_ids end to end.
   */
  const rendered = (recorded: string[]): Record<string, any> => {
    const patterns = evaluate(
      config,
      { streams: pattern("call_streams_ended"), failures: pattern("pipeline_permanent_failure") },
      {},
      { recorded_connector_ids: recorded },
    );
    return Object.fromEntries(Object.entries(patterns).map(([rule, json]) => [rule, JSON.parse(String(json))]));
  };
  const CASES: [string, string[]][] = [
    ["one connector", ONE],
    ["three connectors", THREE],
  ];
  const renderedFor: Record<string, Record<string, any>> = {};
  beforeAll(() => {
    for (const [name, recorded] of CASES) renderedFor[name] = rendered(recorded);
  }, 60_000);

  it("match the recorded connectors: the given voice_connector_ids, or else the one the stack creates", () => {
    expect(config.locals.recorded_connector_ids).toBe(
      "${length(var.voice_connector_ids) > 0 ? var.voice_connector_ids : aws_chime_voice_connector.recorded[*].id}",
    );
  });

  it("render the streaming pattern from that list with jsonencode, so one synthesized JSON serves any voice_connector_ids", () => {
    expect(pattern("call_streams_ended")).toBe(
      '${jsonencode({ source = ["aws.chime"], "detail-type" = ["Chime VoiceConnector Streaming Status"], detail = { voiceConnectorId = local.recorded_connector_ids, streamingStatus = ["STARTED", "ENDED", "FAILED"] } })}',
    );
  });

  it.each(CASES)(
    "forward only the STARTED, ENDED and FAILED streaming events of the recorded connectors: %s",
    (name, recorded) => {
      expect(renderedFor[name].streams).toEqual({
        source: ["aws.chime"],
        "detail-type": ["Chime VoiceConnector Streaming Status"],
        detail: { voiceConnectorId: recorded, streamingStatus: ["STARTED", "ENDED", "FAILED"] },
      });
    },
  );

  it("keep the streaming rule's name and address from when it forwarded ENDED only, so it is updated in place", () => {
    expect(resource(config, "aws_cloudwatch_event_rule", "call_streams_ended")).toMatchObject({
      name: "${var.name_prefix}-call-streams-ended",
      description: "Streaming STARTED, ENDED and FAILED events of the recorded voice connector",
    });
  });

  it("render the pipeline failure pattern from the same list", () => {
    expect(pattern("pipeline_permanent_failure")).toBe(
      '${jsonencode({ source = ["aws.chime"], "detail-type" = ["Media Insights State Change"], detail = { eventType = ["chime:MediaInsightsPermanentFailure"], voiceConnectorId = local.recorded_connector_ids } })}',
    );
  });

  it.each(CASES)(
    "forward permanent failures of the recorded connectors' pipelines only, through a second rule: %s",
    (name, recorded) => {
      expect(renderedFor[name].failures).toEqual({
        source: ["aws.chime"],
        "detail-type": ["Media Insights State Change"],
        detail: { eventType: ["chime:MediaInsightsPermanentFailure"], voiceConnectorId: recorded },
      });
    },
  );

  it("sweep pending calls every five minutes with the message the function expects", () => {
    expect(resource(config, "aws_cloudwatch_event_rule", "sweep_pending_calls").schedule_expression).toBe("rate(5 minutes)");
    expect(parseJsonLiteral(resource(config, "aws_cloudwatch_event_target", "sweep_pending_calls").input)).toEqual(SWEEP_EVENT);
  });

  it.each(["call_streams_ended", "pipeline_permanent_failure", "sweep_pending_calls"])(
    "%s targets the recorder queue",
    (rule) => {
      expect(resource(config, "aws_cloudwatch_event_target", rule)).toMatchObject({
        rule: `\${aws_cloudwatch_event_rule.${rule}.name}`,
        arn: "${aws_sqs_queue.recorder.arn}",
      });
    },
  );
});

describe("the recorder queue", () => {
  const queue = resource(config, "aws_sqs_queue", "recorder");

  it("is encrypted, and so is its dead-letter queue", () => {
    expect(queue.kms_master_key_id).toBe("${local.kms_key_arn}");
    expect(resource(config, "aws_sqs_queue", "recorder_dead_letter").kms_master_key_id).toBe("${local.kms_key_arn}");
  });

  it("moves a message to the dead-letter queue after maxReceiveCount receives", () => {
    expect(parseJsonLiteral(queue.redrive_policy)).toEqual({
      deadLetterTargetArn: "${aws_sqs_queue.recorder_dead_letter.arn}",
      maxReceiveCount: RECORDER_RETRY.maxReceiveCount,
    });
  });

  it("retries a call for at least 6 hours, inside the shortest allowed stream retention of 8 hours", () => {
    const retrySeconds = (RECORDER_RETRY.maxReceiveCount - 1) * queue.visibility_timeout_seconds;
    expect(retrySeconds).toBeGreaterThanOrEqual(6 * 3600);
    expect(retrySeconds).toBeLessThan(8 * 3600);
  });

  it("keeps the lone-leg wait plus the retry window inside the 8-hour minimum retention", () => {
    const windowSeconds = RECORDER_RETRY.legWaitSeconds + (RECORDER_RETRY.maxReceiveCount - 1) * queue.visibility_timeout_seconds;
    expect(windowSeconds).toBeLessThan(8 * 3600);
  });

  it("lets a second leg whose event failed two receives arrive before the sweep records its call alone", () => {
    const twoFailedReceives = 2 * queue.visibility_timeout_seconds + resource(config, "aws_lambda_function", "recorder").timeout;
    expect(RECORDER_RETRY.legWaitSeconds).toBeGreaterThan(twoFailedReceives);
  });

  it("keeps messages longer than the retry window", () => {
    expect(queue.message_retention_seconds).toBeGreaterThan(RECORDER_RETRY.maxReceiveCount * queue.visibility_timeout_seconds);
  });

  it("hides a message for longer than the function may run", () => {
    expect(queue.visibility_timeout_seconds).toBeGreaterThanOrEqual(
      6 * resource(config, "aws_lambda_function", "recorder").timeout,
    );
  });

  it("accepts messages only from the three recorder rules", () => {
    const [statement, ...others] = parseJsonLiteral(resource(config, "aws_sqs_queue_policy", "recorder").policy).Statement;
    expect(others).toEqual([]);
    expect(statement).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: "${aws_sqs_queue.recorder.arn}",
      Condition: {
        ArnEquals: {
          "aws:SourceArn": [
            "${aws_cloudwatch_event_rule.call_streams_ended.arn}",
            "${aws_cloudwatch_event_rule.pipeline_permanent_failure.arn}",
            "${aws_cloudwatch_event_rule.sweep_pending_calls.arn}",
          ],
        },
      },
    });
  });
});

describe("the recorder function", () => {
  const fn = resource(config, "aws_lambda_function", "recorder");

  it("runs the bundle on Node.js 22 on arm64", () => {
    expect(fn).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], handler: "index.handler" });
  });

  it("ships the bundle as an asset whose content hash triggers updates", () => {
    expect(fn.filename).toMatch(/^assets\/.+\/archive\.zip$/);
    expect(fn.source_code_hash).toMatch(/^[0-9A-F]{32}$/);
  });

  it("gets its whole configuration from the environment contract", () => {
    expect(fn.environment.variables).toEqual({
      CALL_TABLE: "${aws_dynamodb_table.calls.name}",
      RECORDING_BUCKET: "${local.recording_bucket_name}",
      RECORDING_BUCKET_PREFIX: "${local.recording_prefix}",
      MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN:
        "${aws_chimesdkmediapipelines_media_insights_pipeline_configuration.recording.arn}",
      VOICE_CONNECTOR_IDS: '${join(",", local.recorded_connector_ids)}',
      LOG_LEVEL: "${var.log_level}",
      CALL_TTL_DAYS: "${var.call_ttl_days}",
      LEG_WAIT_SECONDS: "900",
      LEG_IDLE_SECONDS: "30",
      MAX_PIPELINE_ATTEMPTS: "3",
      METRICS_NAMESPACE: "ChimeCallRecorder",
      DEAD_LETTER_QUEUE_URL: "${aws_sqs_queue.recorder_dead_letter.url}",
      DATA_RETENTION_HOURS: "${var.data_retention_hours}",
      RECORDING_FORMAT: "${var.recording_format}",
      RECORD_INDEX_PREFIX: "${local.records_by_day_prefix}",
      DO_NOT_RECORD_PARAMETER: "${aws_ssm_parameter.do_not_record_numbers.name}",
      RECORDING_FILE_NAME: "${var.recording_file_name}",
      METADATA_PREFIX: "${local.record_prefix}",
    });
  });

  it("is told the recorded connectors as one comma-separated list, which Terraform renders from the list", () => {
    const rendered = (recorded: string[]) =>
      evaluate(config, { ids: fn.environment.variables.VOICE_CONNECTOR_IDS }, {}, { recorded_connector_ids: recorded }).ids;
    expect(rendered(ONE)).toBe("bfggco08s5m5esgxfskzks");
    expect(rendered(THREE)).toBe("aaaaco08s5m5esgxfskzks,bfggco08s5m5esgxfskzks,cccccccccc0123456789cc");
  });

  it("gets the lost-event settings from the module the function reads its defaults from", () => {
    expect(fn.environment.variables).toMatchObject({
      LEG_IDLE_SECONDS: String(LEG_IDLE_SECONDS),
      MAX_PIPELINE_ATTEMPTS: String(MAX_PIPELINE_ATTEMPTS),
    });
  });

  it("logs to its own log group with a retention period", () => {
    expect(resource(config, "aws_cloudwatch_log_group", "recorder")).toMatchObject({
      name: "/aws/lambda/${var.name_prefix}-recorder",
      retention_in_days: "${var.log_retention_days}",
    });
    expect(fn.depends_on).toContain("aws_cloudwatch_log_group.recorder");
  });

  it("consumes the queue in batches, reporting failed items, with bounded concurrency", () => {
    expect(resource(config, "aws_lambda_event_source_mapping", "recorder")).toMatchObject({
      event_source_arn: "${aws_sqs_queue.recorder.arn}",
      function_name: "${aws_lambda_function.recorder.arn}",
      batch_size: 10,
      function_response_types: ["ReportBatchItemFailures"],
      scaling_config: { maximum_concurrency: "${var.recorder_max_concurrency}" },
    });
  });
});

describe("the recorder's permissions", () => {
  const statements = parseJsonLiteral(resource(config, "aws_iam_role_policy", "recorder").policy).Statement;
  const actions = statements.flatMap((s: { Action: string | string[] }) => s.Action);

  it("allow only starting pipelines and reading their state, reading the call streams' fragment lists, the table's item actions, consuming the queue, dead-lettering, checking recordings (listing their prefix), writing records and its logs", () => {
    expect(actions.sort()).toEqual(
      [
        "chime:CreateMediaInsightsPipeline",
        "chime:GetMediaPipeline",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
        "kinesisvideo:DescribeStream",
        "kinesisvideo:GetDataEndpoint",
        "kinesisvideo:ListFragments",
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:PutObject",
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
        "sqs:SendMessage",
        "ssm:GetParameter",
      ].sort(),
    );
  });

  it("start pipelines only from the recording configuration", () => {
    const start = statements.find((s: { Action: string }) => s.Action === "chime:CreateMediaInsightsPipeline");
    expect(start.Resource).toContain("${aws_chimesdkmediapipelines_media_insights_pipeline_configuration.recording.arn}");
  });

  it("read the state of this account's pipelines in the Region only, to find a failed one", () => {
    const get = statements.filter((s: { Action: string | string[] }) => [s.Action].flat().includes("chime:GetMediaPipeline"));
    expect(get).toEqual([
      {
        Sid: "FindFailedRecordingPipelines",
        Effect: "Allow",
        Action: "chime:GetMediaPipeline",
        Resource: "arn:aws:chime:${var.region}:${data.aws_caller_identity.current.account_id}:media-pipeline/*",
      },
    ]);
  });

  it("send messages only to the dead-letter queue, for refused calls", () => {
    const send = statements.find((s: { Action: string }) => s.Action === "sqs:SendMessage");
    expect(send.Resource).toBe("${aws_sqs_queue.recorder_dead_letter.arn}");
  });

  it("read only the recordings, under their prefix", () => {
    const read = statements.find((s: { Sid: string }) => s.Sid === "CheckTheRecordings");
    expect([read.Action, read.Resource]).toEqual([
      "s3:GetObject",
      "arn:aws:s3:::${local.recording_bucket_name}/${local.recording_key_prefix}*",
    ]);
  });

  it("may list the bucket only under the recordings' prefix (a recording's own key is one), so that a missing recording is told from a refused read", () => {
    const list = statements.find((s: { Sid: string }) => s.Sid === "TellMissingRecordingsFromRefusedReads");
    expect([list.Action, list.Resource, list.Condition]).toEqual([
      "s3:ListBucket",
      "arn:aws:s3:::${local.recording_bucket_name}",
      { StringLike: { "s3:prefix": "${local.recording_key_prefix}*" } },
    ]);
  });

  it("write only JSON records, under metadata_prefix or beside the recordings, and the records by day", () => {
    const write = statements.find((s: { Sid: string }) => s.Sid === "WriteTheCallRecords");
    expect([write.Action, write.Resource]).toEqual([
      "s3:PutObject",
      [
        "arn:aws:s3:::${local.recording_bucket_name}/${local.record_key_prefix}*.json",
        "arn:aws:s3:::${local.recording_bucket_name}/${local.records_by_day_prefix}/start_day=*",
      ],
    ]);
    expect(config.locals.record_key_prefix).toBe(
      '${local.record_prefix == "" ? local.recording_key_prefix : "${local.record_prefix}/"}',
    );
  });

  it("touch the call table and its index only", () => {
    const table = statements.find((s: { Sid: string }) => s.Sid === "PairCallLegs");
    expect(table.Resource).toEqual(["${aws_dynamodb_table.calls.arn}", "${aws_dynamodb_table.calls.arn}/index/*"]);
  });

  it("trust only Lambda of this account", () => {
    const [trust] = parseJsonLiteral(resource(config, "aws_iam_role", "recorder").assume_role_policy).Statement;
    expect(trust).toMatchObject({ Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
  });
});

describe("the recorder's alarms", () => {
  // The function counts each metric in total across the recorded connectors (an EMF dimension set without
  // dimensions) and by VoiceConnectorId: the alarms watch the total, which has no dimensions.
  const totalAlarm = (name: string) => {
    const alarm = resource(config, "aws_cloudwatch_metric_alarm", name);
    expect(alarm).not.toHaveProperty("dimensions");
    return alarm;
  };

  it("fire when a call lands in the dead-letter queue", () => {
    expect(resource(config, "aws_cloudwatch_metric_alarm", "calls_not_recorded")).toMatchObject({
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "${aws_sqs_queue.recorder_dead_letter.name}" },
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      alarm_actions: ["${aws_sns_topic.recorder_alarms.arn}"],
    });
  });

  it("fire on permanent pipeline failures counted by the function, in total across the recorded connectors", () => {
    expect(totalAlarm("recording_pipelines_failed")).toMatchObject({
      namespace: "ChimeCallRecorder",
      metric_name: "PermanentPipelineFailures",
      statistic: "Sum",
      threshold: 0,
    });
  });

  it("fire on any recording check that could not be done (RecordingChecksFailed), so its call is not left without a record", () => {
    expect(totalAlarm("recording_checks_failed")).toMatchObject({
      namespace: "ChimeCallRecorder",
      metric_name: "RecordingChecksFailed",
      statistic: "Sum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      alarm_actions: ["${aws_sns_topic.recorder_alarms.arn}"],
    });
  });

  it("have their failed checks graphed too: the dashboard shows RecordingChecksFailed", () => {
    const widgets = parseJsonLiteral(resource(config, "aws_cloudwatch_dashboard", "recorder").dashboard_body).widgets;
    expect(widgets.flatMap((widget: { properties: { metrics?: string[][] } }) => widget.properties.metrics ?? [])).toContainEqual(
      ["ChimeCallRecorder", "RecordingChecksFailed"],
    );
  });

  it("fire on any event the function dropped, whatever the reason", () => {
    expect(totalAlarm("recorder_events_dropped")).toMatchObject({
      namespace: "ChimeCallRecorder",
      metric_name: "DroppedEvents",
      statistic: "Sum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      period: 300,
      alarm_actions: ["${aws_sns_topic.recorder_alarms.arn}"],
    });
  });

  it("fire on calls whose audio had expired before they could be recorded", () => {
    expect(totalAlarm("recorder_audio_expired")).toMatchObject({
      namespace: "ChimeCallRecorder",
      metric_name: "AudioExpired",
      statistic: "Sum",
      threshold: 0,
      alarm_actions: ["${aws_sns_topic.recorder_alarms.arn}"],
    });
  });

  it("fire when a call has been pending for over an hour, or when no sweep reports the backlog for 15 minutes", () => {
    expect(totalAlarm("recorder_calls_waiting")).toMatchObject({
      namespace: "ChimeCallRecorder",
      metric_name: "OldestPendingCallAge",
      statistic: "Maximum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 3600,
      period: 900,
      treat_missing_data: "breaching",
      alarm_actions: ["${aws_sns_topic.recorder_alarms.arn}"],
    });
  });

  it("fire when sweeps fail twice in 15 minutes", () => {
    expect(totalAlarm("recorder_sweeps_failing")).toMatchObject({
      namespace: "ChimeCallRecorder",
      metric_name: "SweepFailures",
      statistic: "Sum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 1,
      period: 900,
      treat_missing_data: "notBreaching",
      alarm_actions: ["${aws_sns_topic.recorder_alarms.arn}"],
    });
  });

  it("e-mail alarm_email only when it is set", () => {
    expect(resource(config, "aws_sns_topic_subscription", "alarm_email")).toMatchObject({
      count: '${var.alarm_email == "" ? 0 : 1}',
      protocol: "email",
      endpoint: "${var.alarm_email}",
    });
  });
});
