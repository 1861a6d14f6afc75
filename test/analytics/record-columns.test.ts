/**
 * The table's columns are the record's members, recursively: the expected shape is what callRecord()
 * writes for a call with every member known (no null hides a nested member), so a member added to the
 * record and not to RECORD_COLUMNS fails here.
 */
import { callRecord } from "../../lambda/recorder/call-record";
import { type Column, type ColumnType, glueType, RECORD_COLUMNS } from "../../stacks/analytics/record-columns";
import { duckdbType } from "./support/duckdb-types";

const START = Date.parse("2026-12-06T14:05:00.250Z");
const stream = (side: string) => `arn:aws:kinesisvideo:us-east-1:111122223333:stream/ChimeVoiceConnector-vc-${side}/1`;
const verification = {
  status: "verified" as const,
  bytes: 274_000,
  channels: 2,
  sampleRateHz: 8000,
  durationSeconds: 17,
  reason: null,
  checkedAtMs: START + 900_000,
};

/** A SIPREC call with a retried pipeline, an inferred end, a failed leg event and a late leg's own recording. */
const FULL_RECORD = callRecord({
  callId: "call-1",
  voiceConnectorId: "vc1",
  details: {
    transactionId: "tx-1",
    direction: "Inbound",
    fromNumber: "+12065550100",
    toNumber: "+19285557777",
    siprecMetadata: "<recording xmlns='urn:ietf:params:xml:ns:recording:1'/>",
    inviteHeaders: { "x-customer-id": "42" },
  },
  decided: "recorded",
  channels: [
    { role: "caller", streamArn: stream("caller"), startMs: START, endMs: START + 15_000 },
    { role: "callee", streamArn: stream("callee"), startMs: START + 500, endMs: START + 15_500, endInferred: true },
  ],
  recording: {
    bucket: "recordings",
    key: "calls/call-1.wav",
    format: "Wav",
    pipelineArn: "arn:aws:chime:us-east-1:111122223333:media-insights-pipeline/2",
    requestedAtMs: START + 16_000,
  },
  verification,
  failedLegEvents: 1,
  attempts: [
    {
      attempt: 1,
      pipelineArn: "arn:aws:chime:us-east-1:111122223333:media-insights-pipeline/1",
      requestedAtMs: START + 15_600,
      failureReason: "Access denied when assuming resource access role",
    },
  ],
  lateRecordings: [
    {
      key: "calls/call-1-late.wav",
      pipelineArn: "arn:aws:chime:us-east-1:111122223333:media-insights-pipeline/3",
      requestedAtMs: START + 20_000,
      channels: [{ role: "callee", streamArn: stream("late"), startMs: START + 18_000, endMs: START + 19_000 }],
      verification,
    },
  ],
});

/** Where `value` and `type` disagree, by path: a member one side has and the other lacks, or another kind. */
function problems(type: ColumnType, value: unknown, path: string): string[] {
  if (value === null || value === undefined) return [`${path} is null in the record: populate it so its shape is checked`];
  if (typeof type === "string") {
    const fits = {
      string: typeof value === "string",
      int: Number.isInteger(value),
      bigint: Number.isInteger(value),
      double: typeof value === "number",
      boolean: typeof value === "boolean",
    }[type];
    return fits ? [] : [`${path} is ${JSON.stringify(value)}, not ${type}`];
  }
  if ("array" in type) {
    if (!Array.isArray(value) || value.length === 0) return [`${path} is not a non-empty array`];
    return value.flatMap((element, index) => problems(type.array, element, `${path}[${index}]`));
  }
  if (typeof value !== "object" || Array.isArray(value)) return [`${path} is not an object`];
  const entries = Object.entries(value);
  if ("map" in type) return entries.filter(([, v]) => typeof v !== "string").map(([k]) => `${path}.${k} is not a string`);
  return [...structProblems(type.struct, value as Record<string, unknown>, path)];
}

function structProblems(members: readonly Column[], value: Record<string, unknown>, path: string): string[] {
  const declared = new Set(members.map((m) => m.name));
  return [
    ...Object.keys(value)
      .filter((key) => !declared.has(key))
      .map((key) => `${path}.${key} is in the record, not in the table`),
    ...members.flatMap((m) =>
      m.name in value
        ? problems(m.type, value[m.name], `${path}.${m.name}`)
        : [`${path}.${m.name} is in the table, not in the record`],
    ),
  ];
}

describe("the call_records columns", () => {
  it("are the record's members, at every level, with their kinds", () => {
    expect(structProblems(RECORD_COLUMNS, FULL_RECORD, "record")).toEqual([]);
  });

  it("would tell a member the record gained and the table lacks, however deep", () => {
    const grown = { ...FULL_RECORD, region: "us-east-1", recording: { ...FULL_RECORD.recording, etag: "x" } };
    expect(structProblems(RECORD_COLUMNS, grown, "record")).toEqual([
      "record.region is in the record, not in the table",
      "record.recording.etag is in the record, not in the table",
    ]);
  });

  it("render for Glue in lower case, the case Athena and the OpenX SerDe (case.insensitive) both use", () => {
    expect(glueType({ struct: [{ name: "pipelineArn", type: "string" }] })).toBe("struct<pipelinearn:string>");
    expect(glueType({ array: { struct: [{ name: "end", type: "string" }] } })).toBe("array<struct<end:string>>");
    expect(glueType({ map: "string" })).toBe("map<string,string>");
  });

  it("render for DuckDB as the JSON spells them, since its reader matches keys exactly", () => {
    expect(duckdbType({ struct: [{ name: "pipelineArn", type: "bigint" }] })).toBe('STRUCT("pipelineArn" BIGINT)');
    expect(duckdbType({ array: "int" })).toBe("INTEGER[]");
  });
});
