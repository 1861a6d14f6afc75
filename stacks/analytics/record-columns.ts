/**
 * The call record's members as table columns: one list that the Glue table (Athena) and the tests'
 * DuckDB view both render, so the two read a record the same way. Loads nothing of the stack, so tests
 * and scripts can import it.
 *
 * Names are the record's own camelCase members. Glue gets them lower-cased (Athena lower-cases every
 * column name) and the OpenX JSON SerDe, with `case.insensitive`, lower-cases the JSON keys at every
 * level to match; DuckDB reads the camelCase keys as they are and resolves identifiers without regard
 * to case. Either way a query says `callid`, `recording.pipelinearn` and gets the same member, with no
 * per-column mapping to keep in step.
 */
import { RECORD_INDEX } from "../../lambda/recorder/record-index";

export type ScalarType = "string" | "int" | "bigint" | "double" | "boolean";
export type ColumnType =
  | ScalarType
  | { readonly struct: readonly Column[] }
  | { readonly array: ColumnType }
  /** An object whose members are not known in advance (SIPREC INVITE headers). */
  | { readonly map: "string" };

export interface Column {
  /** As the record spells it. */
  readonly name: string;
  readonly type: ColumnType;
  readonly comment?: string;
}

export const RECORDS_TABLE = {
  name: "call_records",
  /** The day folder's name in the records by day's keys. */
  partitionColumn: RECORD_INDEX.partitionColumn,
  /** The day's format in the key and the projection (Java's SimpleDateFormat letters). */
  dayFormat: "yyyy-MM-dd",
  /**
   * The projection's first day: records are filed by day from this version (2026) on. A range close to the
   * data keeps a query without a day condition from looking under days that cannot hold any.
   */
  firstDay: "2026-01-01",
} as const;

const struct = (...members: Column[]): ColumnType => ({ struct: members });
const array = (element: ColumnType): ColumnType => ({ array: element });
const col = (name: string, type: ColumnType, comment?: string): Column =>
  comment === undefined ? { name, type } : { name, type, comment };

/** ISO 8601 in UTC, kept as text: Trino and DuckDB order such strings alike, and neither parses them differently. */
const time = "string";

const channel = struct(
  col("channel", "int"),
  col("role", "string"),
  col("isCaller", "boolean"),
  col("streamArn", "string"),
  col("startTime", time),
  col("endTime", time),
  col("endInferred", "boolean"),
);

const verification = struct(
  col("status", "string"),
  col("checkedAt", time),
  col("bytes", "bigint"),
  col("channels", "int"),
  col("sampleRateHz", "int"),
  col("durationSeconds", "double"),
);

/** Where a recording is and the request that made it: the call's recording and each late leg's. */
const recordingFile: Column[] = [
  col("bucket", "string"),
  col("key", "string"),
  col("format", "string"),
  col("pipelineArn", "string"),
  col("requestedAt", time),
];

export const RECORD_COLUMNS: readonly Column[] = [
  col("schemaVersion", "int", "the record's schema version: 2"),
  col("callId", "string"),
  col("transactionId", "string"),
  col("voiceConnectorId", "string"),
  col("direction", "string"),
  col("fromNumber", "string", "E.164 with its +"),
  col("toNumber", "string", "E.164 with its +"),
  col("startTime", time, "earliest leg's start, ISO 8601 UTC"),
  col("endTime", time, "latest leg's end, ISO 8601 UTC"),
  col("durationSeconds", "double"),
  col("outcome", "string", "recorded, single_leg, short, empty, malformed, missing, no_audio, audio_expired, not_recorded"),
  col("split", "boolean"),
  col("channels", array(channel)),
  col(
    "legs",
    array(
      struct(
        col("role", "string"),
        col("streamArn", "string"),
        col("startTime", time),
        col("endTime", time),
        // A reserved word in both engines: a query writes leg."end".
        col("end", "string"),
        col("recorded", "boolean"),
      ),
    ),
  ),
  col("failedLegEvents", "int"),
  col(
    "recording",
    struct(
      ...recordingFile,
      col(
        "attempts",
        array(
          struct(col("attempt", "int"), col("pipelineArn", "string"), col("requestedAt", time), col("failureReason", "string")),
        ),
      ),
    ),
  ),
  col("verification", verification),
  col("lateRecordings", array(struct(...recordingFile, col("channels", array(channel)), col("verification", verification)))),
  col("siprec", struct(col("metadata", "string"), col("inviteHeaders", { map: "string" }))),
];

const GLUE_SCALARS: Record<ScalarType, string> = {
  string: "string",
  int: "int",
  bigint: "bigint",
  double: "double",
  boolean: "boolean",
};

/** The Hive type string Glue stores, names lower-cased. */
export function glueType(type: ColumnType): string {
  if (typeof type === "string") return GLUE_SCALARS[type];
  if ("struct" in type) return `struct<${type.struct.map((m) => `${m.name.toLowerCase()}:${glueType(m.type)}`).join(",")}>`;
  if ("array" in type) return `array<${glueType(type.array)}>`;
  return "map<string,string>";
}
