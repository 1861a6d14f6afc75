import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { hclList, rootVariable, type VariableSpec } from "../root-variable";

/** Retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** What the recorder records, what it leaves out, and how it runs and keeps its state and logs. */
export class RecorderVariables extends Construct {
  readonly recordingFormat: TerraformVariable;
  readonly doNotRecordNumbers: TerraformVariable;
  readonly dataRetentionHours: TerraformVariable;
  readonly logRetentionDays: TerraformVariable;
  readonly callTtlDays: TerraformVariable;
  readonly recorderMaxConcurrency: TerraformVariable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const variable = (name: string, spec: VariableSpec): TerraformVariable => rootVariable(this, name, spec);

    this.recordingFormat = variable("recording_format", {
      type: "string",
      default: "Wav",
      description:
        "Audio format of the recordings: Wav (uncompressed, what most analytics tools take) or Opus (far smaller; see docs/recordings-and-records.md for which tools accept it).",
      rules: [
        {
          condition: `contains(["Wav", "Opus"], var.recording_format)`,
          errorMessage: 'recording_format: "${var.recording_format}" is not a format; use Wav or Opus (as the API spells them).',
        },
      ],
    });

    this.doNotRecordNumbers = variable("do_not_record_numbers", {
      type: "list(string)",
      default: [],
      description:
        "Phone numbers (E.164, e.g. +12065550100) whose calls are never recorded, as caller or callee. Kept in an SSM parameter the recorder rereads within a minute, so a change needs no new function code.",
      rules: [
        {
          condition: `length(var.do_not_record_numbers) <= 200`,
          errorMessage:
            "do_not_record_numbers: ${length(var.do_not_record_numbers)} numbers given; at most 200 fit in the parameter (4 KB).",
        },
        {
          condition: `length([for n in var.do_not_record_numbers : n if !can(regex("^[+][1-9][0-9]{1,14}$", n))]) == 0`,
          errorMessage:
            'do_not_record_numbers: ${jsonencode([for n in var.do_not_record_numbers : n if !can(regex("^[+][1-9][0-9]{1,14}$", n))])} are not E.164 numbers; write each as "+" and 2 to 15 digits without spaces, e.g. "+12065550100".',
        },
        {
          condition: `length(distinct(var.do_not_record_numbers)) == length(var.do_not_record_numbers)`,
          errorMessage:
            "do_not_record_numbers: ${jsonencode(distinct([for i, n in var.do_not_record_numbers : n if index(var.do_not_record_numbers, n) != i]))} are listed more than once; list each number once.",
        },
      ],
    });

    this.dataRetentionHours = variable("data_retention_hours", {
      type: "number",
      default: 24,
      description:
        "Hours Kinesis Video Streams keeps call audio. Recordings are made from this audio and retried for up to 7 hours when the pipeline quota is full, so at least 8.",
      rules: [
        {
          condition: `var.data_retention_hours == floor(var.data_retention_hours) && var.data_retention_hours >= 8 && var.data_retention_hours <= 87600`,
          errorMessage:
            "data_retention_hours: ${var.data_retention_hours} is out of range; use a whole number of hours from 8 (recordings are retried for up to 7 hours) to 87600.",
        },
      ],
    });

    this.logRetentionDays = variable("log_retention_days", {
      type: "number",
      default: 30,
      description: "Days CloudWatch keeps the recorder function's logs.",
      rules: [
        {
          condition: `contains(${hclList(LOG_RETENTION_DAYS)}, var.log_retention_days)`,
          errorMessage: `log_retention_days: \${var.log_retention_days} is not a CloudWatch retention period; use one of ${LOG_RETENTION_DAYS.join(", ")}.`,
        },
      ],
    });

    this.callTtlDays = variable("call_ttl_days", {
      type: "number",
      default: 7,
      description: "Days a call's pairing record stays in the call table before DynamoDB expires it.",
      rules: [
        {
          condition: `var.call_ttl_days == floor(var.call_ttl_days) && var.call_ttl_days >= 1 && var.call_ttl_days <= 365`,
          errorMessage: "call_ttl_days: ${var.call_ttl_days} is out of range; use a whole number of days from 1 to 365.",
        },
      ],
    });

    this.recorderMaxConcurrency = variable("recorder_max_concurrency", {
      type: "number",
      default: 5,
      description:
        "Most recorder function instances the queue runs at once. Pipelines are limited to 20 running per Region, so more rarely helps.",
      rules: [
        {
          condition: `var.recorder_max_concurrency == floor(var.recorder_max_concurrency) && var.recorder_max_concurrency >= 2 && var.recorder_max_concurrency <= 1000`,
          errorMessage:
            "recorder_max_concurrency: ${var.recorder_max_concurrency} is out of range; use a whole number from 2 to 1000 (the SQS event source's limits).",
        },
      ],
    });
  }
}
