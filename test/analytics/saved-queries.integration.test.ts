/**
 * The saved queries, run in DuckDB over records the recorder wrote: the built bundle against the loopback
 * fakes records calls of two connectors across two days, with every outcome but audio_expired (its audio would
 * have to outlive the stream's retention), and the records are laid out by day as the recorder files them in S3
 * (recordIndexKey). The SQL is the prepared statements' own text.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SWEEP_EVENT } from "../../lambda/recorder/sweep";
import { RECORD_COLUMNS } from "../../stacks/analytics/record-columns";
import { SAVED_QUERIES, type SavedQuery, UNRECORDED_REASONS } from "../../stacks/analytics/saved-queries";
import {
  type Call,
  callEvents,
  makeCall,
  permanentFailureEvent,
  streamingEvent,
  VOICE_CONNECTOR_ID,
} from "../recorder/support/events";
import { type Harness, type RecorderProcess, sqsEvent, startHarness } from "../recorder/support/harness";
import { startParameterStore } from "../recorder/support/parameter-store";
import { RECORDING_BUCKET } from "../recorder/support/recorder-env";
import { type RecordsDatabase, recordsInDuckDb } from "./support/records-in-duckdb";

const SECOND = "secondconnector0123456";
const NUMBER = "+12065550100";
const OFFICE = "+19285557777";
const OTHER = "+13125550199";
const ACCESS_DENIED = "Access denied when assuming resource access role";
const MINUTE = 60_000;
/** When the records were written: the day a record without a start is filed under. */
const WRITTEN = Date.parse("2023-04-06T12:00:00Z");

// The first call starts 2023-04-05T22:14:02.238Z (its callee's stream); the others by their offset.
const wanted = makeCall("wanted", { offsetMs: 0 });
const otherNumber = makeCall("other-number", { offsetMs: 2 * MINUTE });
const calledBack = makeCall("called-back", { offsetMs: 4 * MINUTE });
const later = makeCall("later", { offsetMs: 30 * MINUTE });
const singleLeg = makeCall("single-leg", { offsetMs: 60 * MINUTE });
const nextDay = makeCall("next-day", { offsetMs: 3 * 60 * MINUTE, voiceConnectorId: SECOND });
const noAudio = makeCall("no-audio", { offsetMs: 310 * MINUTE });
const short = makeCall("short", { offsetMs: 300 * MINUTE });
const missing = makeCall("missing", { offsetMs: 320 * MINUTE });
const notRecorded = makeCall("not-recorded", { offsetMs: 330 * MINUTE });
const empty = makeCall("empty", { offsetMs: 340 * MINUTE });
const malformed = makeCall("malformed", { offsetMs: 350 * MINUTE });

const numbered = (events: object[], fromNumber: string, toNumber: string) =>
  events.map((event: any) => ({ ...event, detail: { ...event.detail, fromNumber, toNumber } }));
const ended = (call: Call) => [streamingEvent(call, "caller", "ENDED"), streamingEvent(call, "callee", "ENDED")];

let harness: Harness;
let db: RecordsDatabase;

async function settle(recorder: RecorderProcess, events: object[]): Promise<void> {
  for (const event of events) expect((await recorder.handler(sqsEvent(event))).batchItemFailures).toEqual([]);
  await sleep(150);
  expect((await recorder.handler(sqsEvent(SWEEP_EVENT))).batchItemFailures).toEqual([]);
}

async function recorder(overrides: Record<string, string> = {}): Promise<RecorderProcess> {
  await harness.stopRecorders();
  return harness.startRecorder({
    VOICE_CONNECTOR_IDS: `${VOICE_CONNECTOR_ID},${SECOND}`,
    RECORDING_CHECK_DELAY_SECONDS: "0",
    ...overrides,
  });
}

beforeAll(async () => {
  harness = await startHarness(VOICE_CONNECTOR_ID);
  harness.pipelines.reset({ runMs: 20, recordingOutcome: () => "verified" });
  await settle(await recorder(), [
    ...numbered(ended(wanted), NUMBER, OFFICE),
    ...numbered(ended(otherNumber), OTHER, OFFICE),
    ...numbered(ended(calledBack), OTHER, NUMBER),
    ...numbered(ended(later), NUMBER, OFFICE),
    ...numbered([streamingEvent(singleLeg, "caller", "ENDED"), streamingEvent(singleLeg, "callee", "FAILED")], NUMBER, OFFICE),
    ...numbered(ended(nextDay), NUMBER, OFFICE),
    streamingEvent(noAudio, "caller", "FAILED"),
    streamingEvent(noAudio, "callee", "FAILED"),
  ]);

  for (const [call, outcome] of [
    [short, "short"],
    [empty, "empty"],
    [malformed, "malformed"],
  ] as const) {
    harness.pipelines.reset({ runMs: 20, recordingOutcome: () => outcome });
    await settle(await recorder(), ended(call));
  }

  // The one attempt allowed fails for good: nothing is written, and the check finds the recording missing.
  harness.pipelines.reset({ runMs: 20, pipelineFails: () => true });
  const failing = await recorder({ MAX_PIPELINE_ATTEMPTS: "1" });
  for (const event of callEvents(missing)) await failing.handler(sqsEvent(event));
  const [pipeline] = harness.pipelines.pipelinesFor(missing.callId);
  await settle(failing, [
    permanentFailureEvent({
      pipelineArn: pipeline.arn,
      failureReason: ACCESS_DENIED,
      metadata: { callId: missing.callId, voiceConnectorId: VOICE_CONNECTOR_ID, recording: "call", attempt: "1" },
    }),
  ]);

  const NAME = "/call-recorder/recorder/do-not-record-numbers";
  const parameters = await startParameterStore();
  parameters.put(NAME, JSON.stringify([OTHER]));
  try {
    harness.pipelines.reset({ runMs: 20, recordingOutcome: () => "verified" });
    await settle(
      await recorder({ AWS_ENDPOINT_URL_SSM: parameters.url, DO_NOT_RECORD_PARAMETER: NAME }),
      numbered(ended(notRecorded), OTHER, OFFICE),
    );
    await harness.stopRecorders();
  } finally {
    await parameters.close();
  }

  const records = [...harness.s3.objects]
    .filter(([id]) => id.startsWith(`${RECORDING_BUCKET}/recordings/`) && id.endsWith(".json"))
    .map(([, object]) => JSON.parse(object.body.toString("utf8")));
  expect(records.map((record) => record.callId).sort()).toEqual(
    [wanted, otherNumber, calledBack, later, singleLeg, nextDay, noAudio, short, empty, malformed, missing, notRecorded]
      .map((c) => c.callId)
      .sort(),
  );
  db = await recordsInDuckDb(records, WRITTEN);
}, 120_000);

afterAll(async () => {
  db?.close();
  await harness.close();
});

const query = (name: string): SavedQuery => {
  const found = SAVED_QUERIES.find((q) => q.name === name);
  if (found === undefined) throw new Error(`no saved query ${name}`);
  return found;
};

describe("the records in DuckDB", () => {
  it("have the table's columns, named as Athena names them, and the start_day partition", async () => {
    const columns = await db.describe();
    expect(columns.map((c) => c.name.toLowerCase())).toEqual([...RECORD_COLUMNS.map((c) => c.name.toLowerCase()), "start_day"]);
    expect(columns.at(-1)?.type).toBe("VARCHAR");
  });
});

describe("find_call", () => {
  /** The number, the days of the window and the window: as `npm run calls -- find` sends them. */
  const find = (firstDay: string, lastDay: string, from: string, to: string) =>
    db.run(query("find_call"), [NUMBER, firstDay, lastDay, from, to]);

  it("finds the calls from or to the number that started in the window, not a neighbour of another number or time", async () => {
    const rows = await find("2023-04-05", "2023-04-05", "2023-04-05T22:10:00.000Z", "2023-04-05T22:20:00.000Z");
    expect(rows.map((row) => [row.call_id, row.from_number, row.to_number])).toEqual([
      [wanted.callId, NUMBER, OFFICE],
      [calledBack.callId, OTHER, NUMBER],
    ]);
  });

  it("names the recording, its outcome, its check and the call's ids", async () => {
    const [row] = await find("2023-04-05", "2023-04-05", "2023-04-05T22:14:00.000Z", "2023-04-05T22:15:00.000Z");
    expect(row).toEqual({
      start_time: "2023-04-05T22:14:02.238Z",
      end_time: new Date(wanted.caller.endMs).toISOString(),
      from_number: NUMBER,
      to_number: OFFICE,
      direction: "Inbound",
      outcome: "recorded",
      verification_status: "verified",
      recording: `s3://${RECORDING_BUCKET}/recordings/${wanted.callId}.wav`,
      call_id: wanted.callId,
      transaction_id: `tx-${wanted.callId}`,
      voice_connector_id: VOICE_CONNECTOR_ID,
    });
  });

  it("finds a call across midnight: the window and its days run into the next day", async () => {
    const rows = await find("2023-04-05", "2023-04-06", "2023-04-05T23:30:00.000Z", "2023-04-06T01:30:00.000Z");
    expect(rows.map((row) => [row.call_id, row.start_time, row.voice_connector_id])).toEqual([
      [nextDay.callId, "2023-04-06T01:14:02.238Z", SECOND],
    ]);
  });

  it("does not find the neighbour across midnight: the last call of the day before starts before the window", async () => {
    const before = await find("2023-04-05", "2023-04-06", "2023-04-05T23:30:00.000Z", "2023-04-06T01:30:00.000Z");
    const wider = await find("2023-04-05", "2023-04-06", "2023-04-05T23:00:00.000Z", "2023-04-06T01:30:00.000Z");
    expect(before.map((row) => row.call_id)).not.toContain(singleLeg.callId);
    expect(wider.map((row) => row.call_id)).toEqual([singleLeg.callId, nextDay.callId]);
  });

  it("reads only the days it is given: the same window over its first day alone misses the next day's call", async () => {
    expect(await find("2023-04-05", "2023-04-05", "2023-04-05T23:30:00.000Z", "2023-04-06T01:30:00.000Z")).toEqual([]);
  });

  it("takes the window's end as exclusive, to the millisecond", async () => {
    const [from, start] = ["2023-04-05T22:00:00.000Z", "2023-04-05T22:14:02.238Z"];
    expect(await find("2023-04-05", "2023-04-05", from, start)).toEqual([]);
    const [row] = await find("2023-04-05", "2023-04-05", from, "2023-04-05T22:14:02.239Z");
    expect(row.call_id).toBe(wanted.callId);
  });
});

describe("unrecorded_calls", () => {
  let rows: Record<string, any>[];
  beforeAll(async () => {
    rows = await db.run(query("unrecorded_calls"), ["2023-04-05", "2023-04-06"]);
  });

  it("lists each call without a verified recording, with its outcome in words, and no recorded call", () => {
    expect(rows.map((row) => [row.call_id, row.outcome, row.reason])).toEqual([
      [short.callId, "short", UNRECORDED_REASONS.short],
      [missing.callId, "missing", UNRECORDED_REASONS.missing],
      [notRecorded.callId, "not_recorded", UNRECORDED_REASONS.not_recorded],
      [empty.callId, "empty", UNRECORDED_REASONS.empty],
      [malformed.callId, "malformed", UNRECORDED_REASONS.malformed],
      // No leg started: filed under the day its record was written, listed after the calls with a start.
      [noAudio.callId, "no_audio", UNRECORDED_REASONS.no_audio],
    ]);
  });

  it("gives the check's status, each attempt's failure reason and the legs", () => {
    const byCall = Object.fromEntries(rows.map((row) => [row.call_id, row]));
    expect([short, empty, malformed, missing].map((call) => byCall[call.callId].verification_status)).toEqual([
      "short",
      "empty",
      "malformed",
      "missing",
    ]);
    expect(byCall[missing.callId].attempts).toEqual([expect.objectContaining({ attempt: 1, failureReason: ACCESS_DENIED })]);
    expect([byCall[noAudio.callId].failed_leg_events, byCall[noAudio.callId].legs, byCall[noAudio.callId].start_time]).toEqual([
      2,
      [],
      null,
    ]);
    // Listed at its first ENDED: the call closed with that leg, and the other's ENDED was absorbed.
    expect(byCall[notRecorded.callId].legs.map((leg: any) => [leg.role, leg.streamArn])).toEqual([
      ["caller", notRecorded.caller.streamArn],
    ]);
  });

  it("keeps to the period's days", async () => {
    expect((await db.run(query("unrecorded_calls"), ["2023-04-05", "2023-04-05"])).map((row) => row.call_id)).toEqual([]);
  });
});

describe("calls_per_day", () => {
  it("counts each day's calls by connector and outcome", async () => {
    const rows = await db.run(query("calls_per_day"), ["2023-04-05", "2023-04-06"]);
    expect(rows.map((row) => [row.start_day, row.voice_connector_id, row.outcome, Number(row.calls)])).toEqual([
      ["2023-04-05", VOICE_CONNECTOR_ID, "recorded", 4],
      ["2023-04-05", VOICE_CONNECTOR_ID, "single_leg", 1],
      ["2023-04-06", VOICE_CONNECTOR_ID, "empty", 1],
      ["2023-04-06", VOICE_CONNECTOR_ID, "malformed", 1],
      ["2023-04-06", VOICE_CONNECTOR_ID, "missing", 1],
      ["2023-04-06", VOICE_CONNECTOR_ID, "no_audio", 1],
      ["2023-04-06", VOICE_CONNECTOR_ID, "not_recorded", 1],
      ["2023-04-06", VOICE_CONNECTOR_ID, "short", 1],
      ["2023-04-06", SECOND, "recorded", 1],
    ]);
  });
});
