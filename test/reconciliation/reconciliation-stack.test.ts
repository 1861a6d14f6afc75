import { appliedStackTwin, blocksOf } from "../offline/terraform";
import { resource, synthesizeStack } from "../support/synth";
import { expectAccepted, planVariables } from "../support/terraform-variables";

const config = synthesizeStack();
const on = '${var.call_detail_records_bucket == "" ? 0 : 1}';
const topic = "${aws_sns_topic.recorder_alarms.arn}";
const A = "aaaaco08s5m5esgxfskzks";
const B = "bfggco08s5m5esgxfskzks";

describe("the daily reconciliation's variables", () => {
  it("are off by default, run at 08:00 UTC and compare streaming detail records", () => {
    expect(config.variable.call_detail_records_bucket.default).toBe("");
    expect(config.variable.reconciliation_hour.default).toBe(8);
    expect(config.variable.reconciliation_detail_records.default).toBe("streaming");
  });

  it("say turning detail records on is account-wide, and how", () => {
    expect(config.variable.call_detail_records_bucket.description).toContain(
      "account-wide and this stack does not do it: aws chime-sdk-voice update-global-settings --voice-connector CdrBucket=<bucket>",
    );
  });

  it("accept a bucket, an hour and each comparison", () => {
    for (const mode of ["streaming", "streaming_and_call", "call"]) {
      expectAccepted({
        call_detail_records_bucket: "chime-cdrs.example-111122223333",
        reconciliation_hour: 0,
        reconciliation_detail_records: mode,
      });
    }
  });

  it("refuse what they cannot use, naming the value and the accepted form", () => {
    const plan = planVariables({
      call_detail_records_bucket: "s3://Chime-CDRs/",
      reconciliation_hour: 24,
      reconciliation_detail_records: "sdr",
    });
    expect(plan.ok).toBe(false);
    expect(plan.output).toContain('call_detail_records_bucket: "s3://Chime-CDRs/" is not an S3 bucket name;');
    expect(plan.output).toContain("reconciliation_hour: 24 is not an hour of the day; set a whole number from 0 to 23 (UTC).");
    expect(plan.output).toContain(
      'reconciliation_detail_records: "sdr" is not a choice; set "streaming", "streaming_and_call" or "call".',
    );
    expect(planVariables({ call_detail_records_bucket: "a..b", reconciliation_hour: 7.5 }).output).toMatch(
      /"a\.\.b" is not an S3 bucket name.*7\.5 is not an hour of the day/,
    );
  });
});

describe("the reconciler", () => {
  it("is scheduled daily at reconciliation_hour, only with a detail records bucket", () => {
    expect(resource(config, "aws_cloudwatch_event_rule", "reconciliation")).toMatchObject({
      count: on,
      schedule_expression: "cron(0 ${var.reconciliation_hour} * * ? *)",
    });
    expect(resource(config, "aws_cloudwatch_event_target", "reconciliation")).toMatchObject({
      count: on,
      arn: "${one(aws_lambda_function.reconciler[*].arn)}",
    });
    expect(resource(config, "aws_lambda_permission", "reconciliation")).toMatchObject({
      count: on,
      principal: "events.amazonaws.com",
      source_arn: "${one(aws_cloudwatch_event_rule.reconciliation[*].arn)}",
    });
  });

  it("is a function of its own, with its own memory and time, its logs encrypted with the deployment's key", () => {
    expect(resource(config, "aws_lambda_function", "reconciler")).toMatchObject({
      count: on,
      function_name: "${var.name_prefix}-reconciler",
      memory_size: 1769,
      timeout: 900,
      role: "${aws_iam_role.reconciler.arn}",
    });
    expect(resource(config, "aws_cloudwatch_log_group", "reconciler")).toMatchObject({
      count: on,
      name: "/aws/lambda/${var.name_prefix}-reconciler",
      kms_key_id: "${local.kms_key_arn}",
    });
  });

  it("reads the records by day under the prefix the records are written to", () => {
    const variables = resource(config, "aws_lambda_function", "reconciler").environment.variables;
    expect(variables).toMatchObject({
      RECORDS_BY_DAY_PREFIX: "${local.records_by_day_prefix}",
      CALL_DETAIL_RECORDS_BUCKET: "${var.call_detail_records_bucket}",
      DETAIL_RECORDS: "${var.reconciliation_detail_records}",
      VOICE_CONNECTOR_IDS: '${join(",", local.recorded_connector_ids)}',
      METRICS_NAMESPACE: "ChimeCallRecorder",
    });
  });
});

describe("the reconciliation's alarms", () => {
  it("fire on any call without a record in the last day's run, in total across connectors, until the next run is overdue", () => {
    expect(resource(config, "aws_cloudwatch_metric_alarm", "calls_without_record")).toMatchObject({
      count: on,
      alarm_name: "${var.name_prefix}-calls-without-record",
      namespace: "ChimeCallRecorder",
      metric_name: "CallsWithoutRecord",
      statistic: "Sum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      period: 3600,
      evaluation_periods: 26,
      datapoints_to_alarm: 1,
      treat_missing_data: "notBreaching",
      alarm_actions: [topic],
      ok_actions: [topic],
    });
    expect(resource(config, "aws_cloudwatch_metric_alarm", "calls_without_record").dimensions).toBeUndefined();
    expect(resource(config, "aws_cloudwatch_metric_alarm", "calls_without_record").alarm_description).toContain("26 hours");
  });

  it("fire when the last day's run left anything uncompared: the sum of what it could not compare, in total", () => {
    const alarm = resource(config, "aws_cloudwatch_metric_alarm", "reconciliation_incomplete");
    expect(alarm).toMatchObject({
      count: on,
      alarm_name: "${var.name_prefix}-reconciliation-incomplete",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
      evaluation_periods: 26,
      datapoints_to_alarm: 1,
      treat_missing_data: "notBreaching",
      alarm_actions: [topic],
      ok_actions: [topic],
    });
    const metrics = alarm.metric_query.filter((query: { metric?: unknown }) => query.metric !== undefined);
    expect(metrics.map((query: { metric: Record<string, unknown> }) => query.metric)).toEqual(
      ["UnexpectedKeys", "UnreadCallDetailRecords", "UnreadRecords", "DetailRecordsMissing"].map((name) => ({
        namespace: "ChimeCallRecorder",
        metric_name: name,
        period: 3600,
        stat: "Sum",
      })),
    );
    const sum = alarm.metric_query.find((query: { return_data?: boolean }) => query.return_data === true);
    expect(sum.expression).toBe("FILL(m0, 0) + FILL(m1, 0) + FILL(m2, 0) + FILL(m3, 0)");
  });

  it("describe themselves within CloudWatch's 1,024 characters (AlarmDescription)", () => {
    for (const name of ["calls_without_record", "reconciliation_incomplete", "reconciliation_not_run"]) {
      expect(resource(config, "aws_cloudwatch_metric_alarm", name).alarm_description.length).toBeLessThanOrEqual(1024);
    }
  });

  it("fire when no run completed in 26 hours, missing data breaching, within CloudWatch's 7 days for hourly periods", () => {
    const alarm = resource(config, "aws_cloudwatch_metric_alarm", "reconciliation_not_run");
    expect(alarm).toMatchObject({
      count: on,
      metric_name: "ReconciliationsCompleted",
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      period: 3600,
      evaluation_periods: 26,
      datapoints_to_alarm: 26,
      treat_missing_data: "breaching",
      alarm_actions: [topic],
    });
    expect(alarm.period * alarm.evaluation_periods).toBeLessThanOrEqual(604_800);
    expect(alarm.alarm_description).toContain(`--payload '{"day":"YYYY-MM-DD"}'`);
  });
});

describe("the reconciliation as Terraform applies it", () => {
  const reconciliation = [
    "aws_cloudwatch_event_rule.reconciliation",
    "aws_cloudwatch_event_target.reconciliation",
    "aws_cloudwatch_log_group.reconciler",
    "aws_cloudwatch_metric_alarm.calls_without_record",
    "aws_cloudwatch_metric_alarm.reconciliation_incomplete",
    "aws_cloudwatch_metric_alarm.reconciliation_not_run",
    "aws_iam_role_policy.reconciler",
    "aws_lambda_function.reconciler",
    "aws_lambda_permission.reconciliation",
  ];

  it("creates nothing but the reconciler's role when call_detail_records_bucket is empty", () => {
    const blocks = blocksOf(appliedStackTwin({ voice_connector_ids: [A], build_asterisk: false }));
    expect(blocks.filter((block) => /reconcil|calls_without_record/.test(block))).toEqual(["aws_iam_role.reconciler"]);
  });

  it("creates the job, its schedule and its alarms with a bucket, and reads call detail records only when compared", () => {
    const streaming = blocksOf(
      appliedStackTwin({ voice_connector_ids: [A, B], build_asterisk: false, call_detail_records_bucket: "chime-cdrs" }),
    );
    expect(streaming).toEqual(expect.arrayContaining(reconciliation));
    expect(streaming).not.toContain("aws_iam_role_policy.reconciler_call_detail_reads");
  });
});
