import { ConfigurationError } from "./errors";
import { DEFAULT_FILE_NAME, FILE_NAME_PLACEHOLDERS, fileNameTemplateProblem } from "./file-names";
import { LEG_IDLE_SECONDS, MAX_PIPELINE_ATTEMPTS } from "./leg-timing";
import { LOG_LEVELS, type LogLevel } from "./logger";
import { RECORD_INDEX } from "./record-index";
import type { RecordingFormat } from "./recording-check";

export interface Config {
  callTable: string;
  recordingBucket: string;
  /** Without leading, trailing or repeated slashes; "" puts recordings at the bucket root. */
  recordingPrefix: string;
  pipelineConfigurationArn: string;
  /** ARN partition of the pipeline configuration, reused for the S3 destination ARN. */
  partition: string;
  /** The voice connectors whose calls are recorded (VOICE_CONNECTOR_IDS, comma-separated); events of others are dropped. */
  voiceConnectorIds: string[];
  logLevel: LogLevel;
  callTtlDays: number;
  legWaitSeconds: number;
  /** The sweep's wait before it tries a failed call again, doubled after each failure up to an hour. */
  sweepRetrySeconds: number;
  metricsNamespace: string;
  /** Where a refused call's event goes at once (the recorder queue's dead-letter queue). */
  deadLetterQueueUrl: string;
  /** How long Kinesis Video Streams keeps a call's audio (the connector's data_retention_hours). */
  dataRetentionHours: number;
  /** Wav or Opus (recording_format). */
  recordingFormat: RecordingFormat;
  /** SSM parameter holding the do-not-record list; "" lists nobody. */
  doNotRecordParameter: string;
  /** How long an instance keeps the list before reading it again. */
  doNotRecordCacheSeconds: number;
  /** recording_file_name: the template each recording and its record are named from. */
  recordingFileName: string;
  /** Where the per-call records go, normalised; "" puts each beside its recording. */
  metadataPrefix: string;
  /** Where the records by day go (record-index.ts), normalised; never "". */
  recordIndexPrefix: string;
  /**
   * Seconds after a pipeline's start at which its recording is checked; null: the call's duration
   * (at most 8 hours) plus 15 minutes (recording-check.ts).
   */
  recordingCheckDelaySeconds: number | null;
  /** A leg whose ENDED never came ended before the first quiet stretch this long on its stream (leg-timing.ts). */
  legIdleSeconds: number;
  /** Attempts at one recording, the first included, before the call is dead-lettered. */
  maxPipelineAttempts: number;
}

type Env = Record<string, string | undefined>;

// The bucket and prefix become part of a destination ARN, which must match ^arn[\/\:\-\_\.a-zA-Z0-9]+$.
const BUCKET = /^[A-Za-z0-9._-]{1,255}$/;
const PREFIX = /^[A-Za-z0-9._:/-]*$/;
// The API's own pattern for the configuration ARN; its second field is the partition.
const PIPELINE_CONFIGURATION_ARN = /^arn:[a-z-]+:[/:\-_.a-zA-Z0-9]+$/;

function required(env: Env, name: string, pattern: RegExp, accepted: string): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new ConfigurationError({ field: name, value, problem: "is not set", accepted });
  }
  if (!pattern.test(value)) {
    throw new ConfigurationError({ field: name, value, problem: "is invalid", accepted });
  }
  return value;
}

/** A voice connector id as AWS shows them (22 lowercase letters and digits), as the stack validates them. */
const VOICE_CONNECTOR_ID = /^[a-z0-9]{22}$/;

function voiceConnectorIds(env: Env): string[] {
  const value = env.VOICE_CONNECTOR_IDS;
  const ids = (value ?? "").split(",").filter((id) => id !== "");
  if (ids.length === 0 || !ids.every((id) => VOICE_CONNECTOR_ID.test(id))) {
    throw new ConfigurationError({
      field: "VOICE_CONNECTOR_IDS",
      value,
      problem: ids.length === 0 ? "is not set" : "is invalid",
      accepted: "the recorded voice connectors' ids, comma-separated, each 22 lowercase letters and digits",
    });
  }
  return ids;
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  if (!/^[1-9][0-9]{0,8}$/.test(value)) {
    throw new ConfigurationError({ field: name, value, problem: "is invalid", accepted: "a whole number of at least 1" });
  }
  return Number(value);
}

function logLevel(env: Env): LogLevel {
  const value = env.LOG_LEVEL;
  if (value === undefined || value === "") return "INFO";
  const level = LOG_LEVELS.find((candidate) => candidate === value.toUpperCase());
  if (level === undefined) {
    throw new ConfigurationError({ field: "LOG_LEVEL", value, problem: "is invalid", accepted: LOG_LEVELS.join(", ") });
  }
  return level;
}

export function normalisePrefix(prefix: string): string {
  return prefix
    .split("/")
    .filter((segment) => segment !== "")
    .join("/");
}

/** A key prefix from `name`, normalised; `problem` says why other characters are refused. */
function keyPrefix(
  env: Env,
  name: "RECORDING_BUCKET_PREFIX" | "METADATA_PREFIX" | "RECORD_INDEX_PREFIX",
  problem: string,
): string {
  const value = env[name] ?? "";
  if (!PREFIX.test(value)) {
    throw new ConfigurationError({ field: name, value, problem, accepted: "letters, digits and . _ : / - (may be empty)" });
  }
  return normalisePrefix(value);
}

function recordingFileName(env: Env): string {
  const value = env.RECORDING_FILE_NAME || DEFAULT_FILE_NAME;
  const problem = fileNameTemplateProblem(value);
  if (problem !== null) {
    throw new ConfigurationError({
      field: "RECORDING_FILE_NAME",
      value,
      problem,
      accepted: `text of letters, digits and . _ : / - with the placeholders ${FILE_NAME_PLACEHOLDERS.map((name) => `{${name}}`).join(", ")}, naming {callId} or {transactionId}`,
    });
  }
  return value;
}

function recordingCheckDelaySeconds(env: Env): number | null {
  const value = env.RECORDING_CHECK_DELAY_SECONDS;
  if (value === undefined || value === "") return null;
  if (!/^[0-9]{1,6}$/.test(value)) {
    throw new ConfigurationError({
      field: "RECORDING_CHECK_DELAY_SECONDS",
      value,
      problem: "is invalid",
      accepted: "a whole number of seconds from 0 to 999999, or unset for the call's duration plus 15 minutes",
    });
  }
  return Number(value);
}

const RECORDING_FORMATS: readonly RecordingFormat[] = ["Wav", "Opus"];

function recordingFormat(env: Env): RecordingFormat {
  const value = env.RECORDING_FORMAT;
  if (value === undefined || value === "") return "Wav";
  const format = RECORDING_FORMATS.find((candidate) => candidate === value);
  if (format === undefined) {
    throw new ConfigurationError({
      field: "RECORDING_FORMAT",
      value,
      problem: "is invalid",
      accepted: RECORDING_FORMATS.join(" or "),
    });
  }
  return format;
}

/** Reads and validates the environment once, at module load. */
export function readConfig(env: Env): Config {
  const pipelineConfigurationArn = required(
    env,
    "MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN",
    PIPELINE_CONFIGURATION_ARN,
    "an ARN such as arn:aws:chime:<region>:<account>:media-insights-pipeline-configuration/<name>",
  );
  return {
    callTable: required(env, "CALL_TABLE", /^[A-Za-z0-9_.-]{3,255}$/, "a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)"),
    recordingBucket: required(env, "RECORDING_BUCKET", BUCKET, "an S3 bucket name (a-z 0-9 . -)"),
    recordingPrefix: keyPrefix(env, "RECORDING_BUCKET_PREFIX", "contains characters an S3 destination ARN cannot hold"),
    pipelineConfigurationArn,
    partition: pipelineConfigurationArn.split(":")[1],
    voiceConnectorIds: voiceConnectorIds(env),
    logLevel: logLevel(env),
    callTtlDays: positiveInteger(env, "CALL_TTL_DAYS", 7),
    // The stack sets it from the queue's timing (stacks/recorder/recorder-queue.ts); this default matches it.
    legWaitSeconds: positiveInteger(env, "LEG_WAIT_SECONDS", 900),
    sweepRetrySeconds: positiveInteger(env, "SWEEP_RETRY_SECONDS", 300),
    metricsNamespace: env.METRICS_NAMESPACE || "ChimeCallRecorder",
    deadLetterQueueUrl: required(
      env,
      "DEAD_LETTER_QUEUE_URL",
      /^https?:\/\/\S+$/,
      "an SQS queue URL such as https://sqs.<region>.amazonaws.com/<account>/<name>",
    ),
    dataRetentionHours: positiveInteger(env, "DATA_RETENTION_HOURS", 24),
    recordingFormat: recordingFormat(env),
    doNotRecordParameter: env.DO_NOT_RECORD_PARAMETER ?? "",
    doNotRecordCacheSeconds: positiveInteger(env, "DO_NOT_RECORD_CACHE_SECONDS", 60),
    recordingFileName: recordingFileName(env),
    metadataPrefix: keyPrefix(env, "METADATA_PREFIX", "contains characters an S3 key prefix here cannot hold"),
    recordIndexPrefix:
      keyPrefix(env, "RECORD_INDEX_PREFIX", "contains characters an S3 key prefix here cannot hold") ||
      RECORD_INDEX.defaultPrefix,
    recordingCheckDelaySeconds: recordingCheckDelaySeconds(env),
    legIdleSeconds: positiveInteger(env, "LEG_IDLE_SECONDS", LEG_IDLE_SECONDS),
    maxPipelineAttempts: positiveInteger(env, "MAX_PIPELINE_ATTEMPTS", MAX_PIPELINE_ATTEMPTS),
  };
}
