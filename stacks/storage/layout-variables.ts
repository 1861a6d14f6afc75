import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { DEFAULT_FILE_NAME, FILE_NAME_PLACEHOLDERS } from "../../lambda/recorder/file-names";
import { RECORD_INDEX } from "../../lambda/recorder/record-index";
import { hclList, rootVariable, type VariableSpec } from "../root-variable";

/** Where in the bucket recordings and their records land: key prefixes and the file name. */
export class LayoutVariables extends Construct {
  readonly recordingBucketPrefix: TerraformVariable;
  readonly recordingFileName: TerraformVariable;
  readonly metadataPrefix: TerraformVariable;
  readonly recordIndexPrefix: TerraformVariable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const variable = (name: string, spec: VariableSpec): TerraformVariable => rootVariable(this, name, spec);

    this.recordingBucketPrefix = variable("recording_bucket_prefix", {
      type: "string",
      default: "",
      description:
        'Key prefix of the recordings, e.g. "originalAudio" for Post Call Analytics. Leading and trailing slashes are ignored; "" writes to the bucket root.',
      rules: [
        {
          condition: `can(regex("^/*([A-Za-z0-9_.-]+(/+[A-Za-z0-9_.-]+)*)?/*$", var.recording_bucket_prefix)) && length(var.recording_bucket_prefix) <= 200`,
          errorMessage:
            'recording_bucket_prefix: "${var.recording_bucket_prefix}" cannot be used in a recording destination; use at most 200 characters of path segments made of letters, digits, "_", "." and "-", separated by "/".',
        },
      ],
    });

    // A template's placeholders, literal text and PCA mode; character classes instead of \{ keep the HCL free of escapes.
    const placeholders = `[for p in regexall("[{]([^{}]*)[}]", var.recording_file_name) : p[0]]`;
    const unknownPlaceholders = `[for p in ${placeholders} : "{\${p}}" if !contains(${hclList(FILE_NAME_PLACEHOLDERS)}, p)]`;
    const literalText = `replace(var.recording_file_name, "/[{][^{}]*[}]/", "")`;
    const pcaMode = `length(regexall("_(GUID|AGENT|CUST)_", var.recording_file_name)) > 0`;
    const normalised = (name: string): string => `join("/", compact(split("/", var.${name})))`;

    this.recordingFileName = variable("recording_file_name", {
      type: "string",
      default: DEFAULT_FILE_NAME,
      description: `File name of each recording (and its record), without extension, under recording_bucket_prefix: text and the placeholders ${FILE_NAME_PLACEHOLDERS.map((name) => `{${name}}`).join(", ")} ({date} YYYY-MM-DD and {time} HH-MM-SS of the call's start in UTC; numbers without their +). "/" makes folders. A name with PCA's _GUID_, _AGENT_ or _CUST_ fields is for Post Call Analytics (see the preset in docs/recordings-and-records.md): no "/", and metadata_prefix outside recording_bucket_prefix.`,
      rules: [
        {
          condition: `length(${unknownPlaceholders}) == 0`,
          errorMessage: `recording_file_name: "\${var.recording_file_name}" has unknown placeholders \${join(", ", ${unknownPlaceholders})}; use ${FILE_NAME_PLACEHOLDERS.map((name) => `{${name}}`).join(", ")} (case matters).`,
        },
        {
          condition: `can(regex("^[A-Za-z0-9._:/-]*$", ${literalText})) && length(var.recording_file_name) <= 200`,
          errorMessage:
            'recording_file_name: "${var.recording_file_name}" cannot be part of a recording destination, whose pattern admits only letters, digits and / : - _ .; outside placeholders use only those (no spaces, no +), at most 200 characters.',
        },
        {
          condition: `strcontains(var.recording_file_name, "{callId}") || strcontains(var.recording_file_name, "{transactionId}")`,
          errorMessage:
            'recording_file_name: "${var.recording_file_name}" names no {callId} or {transactionId}, so every call would write the same file; include one of them.',
        },
        {
          condition: `!startswith(var.recording_file_name, "/") && !endswith(var.recording_file_name, "/") && !strcontains(var.recording_file_name, "//")`,
          errorMessage:
            'recording_file_name: "${var.recording_file_name}" has an empty folder (a leading, trailing or doubled "/"); put folders between names, e.g. "{date}/{callId}".',
        },
        {
          condition: `!(${pcaMode}) || !strcontains(var.recording_file_name, "/")`,
          errorMessage:
            'recording_file_name: "${var.recording_file_name}" carries Post Call Analytics fields (_GUID_, _AGENT_, _CUST_) and a "/": PCA names each job after the key without its first folder, and a job name cannot hold "/"; drop the folders.',
        },
      ],
    });

    this.metadataPrefix = variable("metadata_prefix", {
      type: "string",
      default: "",
      description:
        'Key prefix of the per-call records (JSON). "" writes each beside its recording (<recording>.json). Post Call Analytics starts a job for every object under its input prefix, so PCA users set a prefix outside it, e.g. "callRecords". In the created bucket, recording_retention_days expires the records under it too.',
      rules: [
        {
          condition: `can(regex("^/*([A-Za-z0-9_.-]+(/+[A-Za-z0-9_.-]+)*)?/*$", var.metadata_prefix)) && length(var.metadata_prefix) <= 200`,
          errorMessage:
            'metadata_prefix: "${var.metadata_prefix}" is not a key prefix; use at most 200 characters of path segments made of letters, digits, "_", "." and "-", separated by "/", or "" to write records beside the recordings.',
        },
        {
          condition: `!(${pcaMode}) || (${normalised("metadata_prefix")} != "" && !startswith("\${${normalised("metadata_prefix")}}/", "\${${normalised("recording_bucket_prefix")}}/"))`,
          errorMessage: `metadata_prefix: "\${var.metadata_prefix}" puts the records under recording_bucket_prefix "\${var.recording_bucket_prefix}", and recording_file_name "\${var.recording_file_name}" is for Post Call Analytics, which would start a job for each record; set metadata_prefix to a prefix outside it, e.g. "callRecords".`,
        },
      ],
    });

    this.recordIndexPrefix = variable("record_index_prefix", {
      type: "string",
      default: RECORD_INDEX.defaultPrefix,
      description: `Key prefix of the records by day: a second copy of every call's record under <prefix>/${RECORD_INDEX.partitionColumn}=YYYY-MM-DD/ (the call's start in UTC), which the Athena table reads and the daily reconciliation lists. In the created bucket, recording_retention_days expires it too.`,
      rules: [
        {
          condition: `can(regex("^/*[A-Za-z0-9_.-]+(/+[A-Za-z0-9_.-]+)*/*$", var.record_index_prefix)) && length(var.record_index_prefix) <= 200`,
          errorMessage:
            'record_index_prefix: "${var.record_index_prefix}" is not a key prefix; use at most 200 characters of path segments made of letters, digits, "_", "." and "-", separated by "/" (not empty), e.g. "call-records-by-day".',
        },
        {
          condition: `!(${pcaMode}) || !startswith("\${${normalised("record_index_prefix")}}/", "\${${normalised("recording_bucket_prefix")}}/")`,
          errorMessage: `record_index_prefix: "\${var.record_index_prefix}" puts the records by day under recording_bucket_prefix "\${var.recording_bucket_prefix}", and recording_file_name "\${var.recording_file_name}" is for Post Call Analytics, which would start a job for each of them; set record_index_prefix to a prefix outside it, e.g. "call-records-by-day".`,
        },
      ],
    });
  }
}
