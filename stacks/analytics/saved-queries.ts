/**
 * The saved queries operators run against the call records: the stack makes each an Athena prepared
 * statement, the tests run each in DuckDB, and the docs and recipe show how to execute them.
 *
 * One SQL text for both engines, so it keeps to what Trino (Athena engine 3) and DuckDB read alike:
 * - times are ISO 8601 strings compared as strings (same order in both), never parsed, so a time given
 *   must be in the records' own form (INSTANT_FORM);
 * - `?` only in WHERE (Athena's rule for parameters), each used once, in the order of `parameters`;
 * - no UNNEST of arrays of rows (Trino expands the row's fields into columns, DuckDB keeps one struct
 *   column), no array or map subscripts (Trino fails on a missing index or key, DuckDB answers NULL),
 *   no concat() (DuckDB skips a NULL argument, Trino returns NULL: `||` is NULL in both), no lambdas;
 * - every ORDER BY says where NULLs go, and every output column is aliased (Athena lower-cases names,
 *   DuckDB keeps the member's case).
 * Nested arrays are returned whole: Athena prints them as text, DuckDB as lists.
 */
import type { RecordOutcome } from "../../lambda/recorder/call-record";

export interface QueryParameter {
  readonly name: string;
  readonly description: string;
  /** A value as `EXECUTE ... USING` takes it, quoted. */
  readonly example: string;
}

export interface SavedQuery {
  /** The prepared statement's name in the workgroup. */
  readonly name: string;
  readonly description: string;
  readonly parameters: readonly QueryParameter[];
  /** The statement over `table` (`database.table`). */
  sql(table: string): string;
}

const firstDay: QueryParameter = { name: "first_day", description: "first day (UTC), YYYY-MM-DD", example: "'2026-12-06'" };
const lastDay: QueryParameter = {
  name: "last_day",
  description: "last day (UTC), YYYY-MM-DD, inclusive",
  example: "'2026-12-06'",
};

/**
 * An instant as the records write theirs, so that comparing strings compares times: UTC, with the
 * milliseconds and the Z, every field zero-padded (24 characters; JavaScript's toISOString()). Another
 * form misorders: `2026-12-06T14:10:00Z` sorts after `2026-12-06T14:10:00.500Z`, and an offset is not UTC.
 */
const INSTANT_FORM = "UTC as the records write it, YYYY-MM-DDTHH:MM:SS.sssZ (all 24 characters, e.g. 2026-12-06T13:50:00.000Z)";

/** Why a call has no verified recording, by its outcome; docs/recordings-and-records.md says more. */
export const UNRECORDED_REASONS: Record<Exclude<RecordOutcome, "recorded" | "single_leg">, string> = {
  short: "the recording holds less audio than the call lasted",
  empty: "the recording holds no audio",
  malformed: "the recording is not a readable file of the requested format, or holds far more audio than the call",
  missing: "no recording at its key when checked; see attempts for the pipeline's failure reason",
  no_audio: "no leg streamed audio: every leg failed (see legs and failed_leg_events)",
  audio_expired: "the audio left Kinesis Video Streams before a recording could be made",
  not_recorded: "the caller or callee is on the do-not-record list",
};

const reasonCase = (): string =>
  [
    "CASE outcome",
    ...Object.entries(UNRECORDED_REASONS).map(
      ([outcome, reason]) => `    WHEN '${outcome}' THEN '${reason.replaceAll("'", "''")}'`,
    ),
    "    ELSE 'recording ' || coalesce(verification.status, 'not checked')",
    "  END",
  ].join("\n");

export const SAVED_QUERIES: readonly SavedQuery[] = [
  {
    name: "find_call",
    description:
      "Calls from or to a number that started between two instants (UTC), over the days that hold them: the recording's location, the outcome and the ids.",
    parameters: [
      { name: "number", description: "caller's or callee's number, E.164 with its +", example: "'+12065550100'" },
      {
        ...firstDay,
        description: "the day (UTC) of from_time, YYYY-MM-DD: the first day whose records are read",
        example: "'2026-12-06'",
      },
      {
        ...lastDay,
        description: "the day (UTC) of the last instant before to_time, YYYY-MM-DD: the last day whose records are read",
        example: "'2026-12-06'",
      },
      { name: "from_time", description: `earliest start, included: ${INSTANT_FORM}`, example: "'2026-12-06T13:50:00.000Z'" },
      {
        name: "to_time",
        description: `end, excluded (the call started before it): ${INSTANT_FORM}`,
        example: "'2026-12-06T14:20:00.000Z'",
      },
    ],
    // The days are compared with the partition column, so Athena reads their folders only; the instants
    // may lie on different days, so a window may cross midnight.
    sql: (table) => `SELECT
  starttime AS start_time,
  endtime AS end_time,
  fromnumber AS from_number,
  tonumber AS to_number,
  direction,
  outcome,
  verification.status AS verification_status,
  's3://' || recording.bucket || '/' || recording.key AS recording,
  callid AS call_id,
  transactionid AS transaction_id,
  voiceconnectorid AS voice_connector_id
FROM ${table}
WHERE ? IN (fromnumber, tonumber)
  AND start_day BETWEEN ? AND ?
  AND starttime >= ?
  AND starttime < ?
ORDER BY starttime NULLS LAST, callid`,
  },
  {
    name: "unrecorded_calls",
    description:
      "Calls that started in a period (UTC days) without a verified recording, and why: the outcome in words, the check's status, each attempt's failure reason, the legs.",
    parameters: [firstDay, lastDay],
    sql: (table) => `SELECT
  start_day,
  starttime AS start_time,
  callid AS call_id,
  voiceconnectorid AS voice_connector_id,
  fromnumber AS from_number,
  tonumber AS to_number,
  outcome,
  ${reasonCase()} AS reason,
  verification.status AS verification_status,
  failedlegevents AS failed_leg_events,
  split,
  recording.attempts AS attempts,
  legs
FROM ${table}
WHERE start_day BETWEEN ? AND ?
  AND (outcome NOT IN ('recorded', 'single_leg') OR verification.status IS DISTINCT FROM 'verified')
ORDER BY start_day, starttime NULLS LAST, callid`,
  },
  {
    name: "calls_per_day",
    description: "How many calls started each day (UTC) of a period, by voice connector and outcome.",
    parameters: [
      { ...firstDay, example: "'2026-12-01'" },
      { ...lastDay, example: "'2026-12-07'" },
    ],
    sql: (table) => `SELECT
  start_day,
  voiceconnectorid AS voice_connector_id,
  outcome,
  count(*) AS calls
FROM ${table}
WHERE start_day BETWEEN ? AND ?
GROUP BY start_day, voiceconnectorid, outcome
ORDER BY start_day, voice_connector_id, outcome`,
  },
];

/** The `EXECUTE` statement with each parameter's example, for the docs and the recipe. */
export const executeExample = (query: SavedQuery): string =>
  `EXECUTE ${query.name} USING ${query.parameters.map((p) => p.example).join(", ")}`;
