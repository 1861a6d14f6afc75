import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { DETAIL_RECORD_MODES } from "../../lambda/reconciler/settings";
import { hclList, rootVariable } from "../root-variable";

/**
 * The default hour (UTC) the day before is reconciled. A call settles up to about 7 hours after it
 * ends (its recording is retried that long while the pipeline quota is full) plus the 15-minute leg
 * wait, so a call that ended by midnight has its record by about 07:15; 08:00 leaves 45 minutes more.
 * A call still waiting then is in the call table's pending index, and is reported pending, not missing.
 */
export const DEFAULT_RECONCILIATION_HOUR = 8;

/** The command that turns detail records on for the account, which the stack does not do. */
export const CDR_BUCKET_COMMAND = "aws chime-sdk-voice update-global-settings --voice-connector CdrBucket=<bucket>";

/** The variables of the daily reconciliation, declared at the stack root like every other variable. */
export class ReconciliationVariables extends Construct {
  readonly callDetailRecordsBucket: TerraformVariable;
  readonly reconciliationHour: TerraformVariable;
  readonly detailRecords: TerraformVariable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const bucket = "var.call_detail_records_bucket";
    this.callDetailRecordsBucket = rootVariable(this, "call_detail_records_bucket", {
      type: "string",
      default: "",
      description: `The account's call detail records bucket, where Chime writes each voice connector's detail records: set, a job compares each day's calls with their records every morning and writes a report beside the records by day (see docs/finding-calls.md, "Was anything missed?"). "" runs no job. Turning detail records on is account-wide and this stack does not do it: ${CDR_BUCKET_COMMAND}`,
      rules: [
        {
          condition: `${bucket} == "" || (can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", ${bucket})) && !strcontains(${bucket}, ".."))`,
          errorMessage: `call_detail_records_bucket: "\${${bucket}}" is not an S3 bucket name; give the name the account's detail records go to (3 to 63 lower-case letters, digits, "." and "-", starting and ending with a letter or digit; no "s3://" or "/"), or "" to run no reconciliation.`,
        },
      ],
    });

    const hour = "var.reconciliation_hour";
    this.reconciliationHour = rootVariable(this, "reconciliation_hour", {
      type: "number",
      default: DEFAULT_RECONCILIATION_HOUR,
      description: `Hour of the day (UTC, 0 to 23) the day before is reconciled. The default ${DEFAULT_RECONCILIATION_HOUR} comes after the last call of the day can have settled (up to about 7 hours after it ends while the pipeline quota is full, plus the 15-minute leg wait); earlier, more of its calls are reported pending.`,
      rules: [
        {
          condition: `${hour} == floor(${hour}) && ${hour} >= 0 && ${hour} <= 23`,
          errorMessage: `reconciliation_hour: \${${hour}} is not an hour of the day; set a whole number from 0 to 23 (UTC).`,
        },
      ],
    });

    const mode = "var.reconciliation_detail_records";
    this.detailRecords = rootVariable(this, "reconciliation_detail_records", {
      type: "string",
      default: "streaming",
      description:
        'Which of the connector\'s detail records stand for the calls it carried. "streaming": streaming detail records, compared by their keys alone; "streaming_and_call": those, and call detail records with Streaming true of calls without one (each read); "call": call detail records with Streaming true only (each read). Whether every call produces a streaming detail record is unconfirmed: if the report lists calls you know were recorded, or none at all, switch here.',
      rules: [
        {
          condition: `contains(${hclList(DETAIL_RECORD_MODES)}, ${mode})`,
          errorMessage: `reconciliation_detail_records: "\${${mode}}" is not a choice; set "streaming", "streaming_and_call" or "call".`,
        },
      ],
    });
  }
}
