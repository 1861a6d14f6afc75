import { normalisePrefix } from "../recorder/config";
import { ConfigurationError } from "../recorder/errors";
import { LOG_LEVELS, type LogLevel } from "../recorder/logger";
import { DETAIL_RECORD_MODES, type ReconcilerSettings } from "./settings";

export interface ReconcilerConfig extends ReconcilerSettings {
  callTable: string;
  metricsNamespace: string;
  logLevel: LogLevel;
}

type Env = Record<string, string | undefined>;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const VOICE_CONNECTOR_ID = /^[a-z0-9]{22}$/;

function required(env: Env, name: string, valid: (value: string) => boolean, accepted: string): string {
  const value = env[name];
  if (value === undefined || value === "" || !valid(value)) {
    throw new ConfigurationError({ field: name, value, problem: value ? "is invalid" : "is not set", accepted });
  }
  return value;
}

function whole(env: Env, name: string, fallback: number, max: number): number {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  if (!/^[1-9][0-9]{0,8}$/.test(value) || Number(value) > max) {
    throw new ConfigurationError({ field: name, value, problem: "is invalid", accepted: `a whole number from 1 to ${max}` });
  }
  return Number(value);
}

/** Reads and validates the environment once, at module load. */
export function readReconcilerConfig(env: Env): ReconcilerConfig {
  const mode = env.DETAIL_RECORDS || "streaming";
  const detailRecords = DETAIL_RECORD_MODES.find((candidate) => candidate === mode);
  if (detailRecords === undefined) {
    throw new ConfigurationError({
      field: "DETAIL_RECORDS",
      value: mode,
      problem: "is invalid",
      accepted: DETAIL_RECORD_MODES.join(", "),
    });
  }
  const level = (env.LOG_LEVEL || "INFO").toUpperCase();
  const logLevel = LOG_LEVELS.find((candidate) => candidate === level);
  if (logLevel === undefined) {
    throw new ConfigurationError({
      field: "LOG_LEVEL",
      value: env.LOG_LEVEL,
      problem: "is invalid",
      accepted: LOG_LEVELS.join(", "),
    });
  }
  const ids = (env.VOICE_CONNECTOR_IDS ?? "").split(",").filter((id) => id !== "");
  const idsAccepted = "the recorded voice connectors' ids, comma-separated, each 22 lowercase letters and digits";
  required(env, "VOICE_CONNECTOR_IDS", () => ids.length > 0 && ids.every((id) => VOICE_CONNECTOR_ID.test(id)), idsAccepted);
  const prefix = normalisePrefix(
    required(
      env,
      "RECORDS_BY_DAY_PREFIX",
      (value) => /^[A-Za-z0-9._:/-]+$/.test(value) && normalisePrefix(value) !== "",
      "a key prefix of letters, digits and . _ : / -",
    ),
  );
  return {
    detailRecords,
    callDetailRecordsBucket: required(
      env,
      "CALL_DETAIL_RECORDS_BUCKET",
      (v) => BUCKET.test(v),
      "an S3 bucket name (a-z 0-9 . -)",
    ),
    recordsBucket: required(env, "RECORDS_BUCKET", (v) => /^[A-Za-z0-9._-]{1,255}$/.test(v), "an S3 bucket name (a-z 0-9 . -)"),
    recordsByDayPrefix: prefix,
    voiceConnectorIds: ids,
    // Both bounds together, 250,000 GETs at the 1.3 to 1.6 ms of CPU each measured, keep a run under half its timeout.
    maxCallDetailReads: whole(env, "MAX_CALL_DETAIL_READS", 100_000, 1_000_000),
    maxRecordReads: whole(env, "MAX_RECORD_READS", 150_000, 1_000_000),
    readConcurrency: whole(env, "READ_CONCURRENCY", 32, 256),
    callTable: required(
      env,
      "CALL_TABLE",
      (v) => /^[A-Za-z0-9_.-]{3,255}$/.test(v),
      "a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)",
    ),
    metricsNamespace: env.METRICS_NAMESPACE || "ChimeCallRecorder",
    logLevel,
  };
}
