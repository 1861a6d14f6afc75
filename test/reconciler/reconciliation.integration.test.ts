import type { ReconciliationReport } from "../../lambda/reconciler/reconciliation";
import { runReconciliation } from "../../lambda/reconciler/run";
import type { DetailRecordMode, ReconcilerSettings } from "../../lambda/reconciler/settings";
import { recordIndexKey } from "../../lambda/recorder/record-index";
import { type CallTableServer, startCallTable } from "../recorder/support/call-table-server";
import { type S3Server, startS3Server } from "../support/s3-server";
import { loopbackDependencies } from "./loopback";

/**
 * The reconciliation of 2026-12-06 against the loopback S3 and call table: detail records in the
 * documented layout (both separators), calls across midnight, pending calls, more than 1,000 keys
 * in one folder, and keys of shapes the job does not expect.
 */
const DAY = "2026-12-06";
const A = "abcdef1234567890abcdef";
const B = "bbbbbb1234567890bbbbbb";
const PREFIX = "call-records-by-day";
const CDRS = "chime-cdrs-111122223333";
const RECORDS = "call-recordings-111122223333";
const RUN_AT = Date.parse("2026-12-07T08:00:00Z");

const sdr = (connector: string, day: string, name: string): string =>
  `Amazon-Chime-Voice-Connector-SDRs/json/${connector}/${day.replaceAll("-", "/")}/${name}`;
const cdr = (connector: string, day: string, name: string): string =>
  `Amazon-Chime-Voice-Connector-CDRs/json/${connector}/${day.replaceAll("-", "/")}/${name}`;

let s3: S3Server;
let table: CallTableServer;

function settings(overrides: Partial<ReconcilerSettings> = {}): ReconcilerSettings {
  return {
    detailRecords: "streaming",
    callDetailRecordsBucket: CDRS,
    recordsBucket: RECORDS,
    recordsByDayPrefix: PREFIX,
    voiceConnectorIds: [A, B],
    maxCallDetailReads: 100,
    maxRecordReads: 100,
    readConcurrency: 8,
    ...overrides,
  };
}

function putRecord(connector: string, transactionId: string | null, callId: string, startTime: string, outcome = "recorded") {
  const key = recordIndexKey(PREFIX, { voiceConnectorId: connector, transactionId, callId, startTime }, RUN_AT);
  s3.put(RECORDS, key, JSON.stringify({ callId, transactionId, outcome }));
  return key;
}

async function putPending(
  callId: string,
  partition: "1" | "check",
  details: Record<string, unknown>,
  attribute = "call_details",
) {
  await table.putItem({
    call_id: { S: callId },
    pending: { S: partition },
    pending_since: { N: String(RUN_AT) },
    [attribute]: { S: JSON.stringify(details) },
  });
}

async function run(overrides: Partial<ReconcilerSettings> = {}) {
  const deps = loopbackDependencies(
    { s3Url: s3.url, tableEndpoint: table.endpoint, tableName: table.tableName },
    settings(overrides),
    RUN_AT,
  );
  const report = await runReconciliation(DAY, deps);
  const stored = JSON.parse(s3.get(RECORDS, `${PREFIX}/reconciliation/${DAY}.json`)?.toString("utf8") ?? "null");
  return { report, stored: stored as ReconciliationReport, deps };
}

beforeAll(async () => {
  [s3, table] = await Promise.all([startS3Server({ buckets: [RECORDS, CDRS], canList: true }), startCallTable()]);
});
afterAll(async () => Promise.all([s3.close(), table.close()]));

beforeEach(async () => {
  s3.reset();
  // The same day's calls, shaped as each case needs.
  s3.put(CDRS, sdr(A, DAY, "10.00.00.000_tx-recorded"), "{}");
  putRecord(A, "tx-recorded", "call-recorded", `${DAY}T10:00:00Z`);
  // Guide's pattern line: "-" before the transaction id. Started the day before, ended after midnight.
  s3.put(CDRS, sdr(A, DAY, "00.01.00.000-tx-from-yesterday"), "{}");
  putRecord(A, "tx-from-yesterday", "call-from-yesterday", "2026-12-05T23:58:00Z");
  s3.put(CDRS, sdr(A, DAY, "11.00.00.000_tx-pending"), "{}");
  await putPending("call-pending", "1", { transactionId: "tx-pending" });
  s3.put(CDRS, sdr(A, DAY, "12.00.00.000_tx-unchecked"), "{}");
  await putPending("call-unchecked", "check", { transactionId: "tx-unchecked" });
  s3.put(CDRS, sdr(A, DAY, "13.00.00.000_tx-failed"), "{}");
  await putPending("call-failed", "1", { transactionId: "tx-failed" }, "failed_details");
  s3.put(CDRS, sdr(A, DAY, "14.00.00.000_tx-missing"), "{}");
  // Its record is filed under the next day (its start, a clock apart from the detail record's).
  s3.put(CDRS, sdr(B, DAY, "23.59.59.900_tx-b-next-day"), "{}");
  putRecord(B, "tx-b-next-day", "call-b", "2026-12-07T00:00:00.100Z", "short");
  // Started on the day, its detail record filed under the next.
  putRecord(A, "tx-late-night", "call-late-night", `${DAY}T23:59:00Z`, "single_leg");
  s3.put(CDRS, sdr(A, "2026-12-07", "00.30.00.000_tx-late-night"), "{}");
  putRecord(A, "tx-no-detail", "call-no-detail", `${DAY}T15:00:00Z`, "no_audio");
  putRecord(B, null, "call-no-transaction", `${DAY}T16:00:00Z`, "not_recorded");
  // Tomorrow's business.
  s3.put(CDRS, sdr(A, "2026-12-07", "01.00.00.000_tx-tomorrow"), "{}");
  s3.put(CDRS, sdr(A, DAY, "notes.txt"), "");
  s3.put(RECORDS, `${PREFIX}/start_day=${DAY}/stray.json`, "{}");
});

describe("the daily reconciliation against the loopback S3 and call table", () => {
  it("reports each call of the day with no record, the pending ones apart, and writes the report it returns", async () => {
    const { report, stored } = await run();
    expect(stored).toEqual(report);
    expect(report.callsWithoutRecord).toEqual([
      { transactionId: "tx-missing", voiceConnectorId: A, detailRecordKey: sdr(A, DAY, "14.00.00.000_tx-missing") },
    ]);
    expect(report.pending.map((call) => call.transactionId).sort()).toEqual(["tx-failed", "tx-pending", "tx-unchecked"]);
    expect(report.totals).toMatchObject({ detailRecords: 7, callsWithoutRecord: 1, pending: 3 });
  });

  it("matches calls across midnight both ways, and reads the transaction id after _ and after -", async () => {
    const { report } = await run();
    const unmatched = [...report.callsWithoutRecord, ...report.pending].map((call) => call.transactionId);
    expect(unmatched).not.toEqual(expect.arrayContaining(["tx-from-yesterday"]));
    expect(unmatched).not.toContain("tx-b-next-day");
    expect(report.recordsWithoutDetailRecord.map((record) => record.transactionId)).not.toContain("tx-late-night");
    expect(unmatched).not.toContain("tx-tomorrow");
  });

  it("lists the day's records with no detail record, a record without a transaction id among them", async () => {
    const { report } = await run();
    expect(report.recordsWithoutDetailRecord).toEqual([
      expect.objectContaining({ transactionId: "tx-no-detail", voiceConnectorId: A, outcome: "no_audio" }),
      expect.objectContaining({
        transactionId: null,
        callId: "call-no-transaction",
        voiceConnectorId: B,
        outcome: "not_recorded",
      }),
    ]);
  });

  it("counts the day's records by outcome, in total and by connector", async () => {
    const { report } = await run();
    expect(report.recordsByOutcome).toEqual({ recorded: 1, single_leg: 1, no_audio: 1, not_recorded: 1 });
    expect(report.byConnector[B]).toMatchObject({ records: 1, recordsByOutcome: { not_recorded: 1 } });
    expect(report.byConnector[A]).toMatchObject({ detailRecords: 6, callsWithoutRecord: 1, pending: 3 });
  });

  it("reports keys of an unexpected shape instead of dropping them", async () => {
    const { report } = await run();
    expect(report.unexpectedKeys.map((entry) => entry.key)).toEqual([
      sdr(A, DAY, "notes.txt"),
      `${PREFIX}/start_day=${DAY}/stray.json`,
    ]);
  });

  it("emits CallsWithoutRecord and what was never compared, by connector and in total, then one completed run", async () => {
    const { deps } = await run();
    const byConnector = (connector: string, callsWithoutRecord: number) =>
      [
        ["CallsWithoutRecord", callsWithoutRecord],
        ["UnreadCallDetailRecords", 0],
        ["UnreadRecords", 0],
        ["DetailRecordsMissing", 0],
      ].map(([name, value]) => ({ name, value, dimensions: { VoiceConnectorId: connector } }));
    expect(deps.metrics.map(({ name, value, dimensions }) => ({ name, value, dimensions }))).toEqual([
      ...byConnector(A, 1),
      ...byConnector(B, 0),
      { name: "UnexpectedKeys", value: 2, dimensions: {} },
      { name: "ReconciliationsCompleted", value: 1, dimensions: {} },
    ]);
  });

  it("counts a connector whose day has records but no detail record, rather than reporting it clean", async () => {
    s3.reset();
    putRecord(A, "tx-recorded", "call-recorded", `${DAY}T10:00:00Z`);
    const { report, deps } = await run();
    expect(report).toMatchObject({ complete: false, connectorsWithoutDetailRecords: [A] });
    expect(report.totals).toMatchObject({ callsWithoutRecord: 0, connectorsWithoutDetailRecords: 1 });
    expect(deps.metrics).toContainEqual(
      expect.objectContaining({ name: "DetailRecordsMissing", value: 1, dimensions: { VoiceConnectorId: A } }),
    );
  });

  it("reads at most maxRecordReads of the day's records and reports the rest unread, the report incomplete", async () => {
    s3.requests.length = 0;
    const { report, deps } = await run({ maxRecordReads: 2 });
    const reads = s3.requests.filter((request) => request.operation === "GetObject" && request.bucket === RECORDS);
    expect(reads).toHaveLength(2);
    expect(report.complete).toBe(false);
    expect(report.totals.unreadRecords).toBe(2);
    expect(report.recordsByOutcome.unread).toBe(2);
    expect(deps.metrics.filter((metric) => metric.name === "UnreadRecords").reduce((sum, metric) => sum + metric.value, 0)).toBe(
      2,
    );
  });

  it("matches a detail record's transaction id with a record's in another case", async () => {
    s3.put(CDRS, sdr(A, DAY, "14.30.00.000_TX-UPPER"), "{}");
    putRecord(A, "tx-upper", "call-upper", `${DAY}T14:30:00Z`);
    const { report } = await run();
    expect(report.callsWithoutRecord.map((call) => call.transactionId)).toEqual(["tx-missing"]);
    expect(report.recordsWithoutDetailRecord.map((record) => record.transactionId)).not.toContain("tx-upper");
  });

  it("pages through a folder of more than 1,000 detail records and a partition of more than 1,000 records", async () => {
    for (let index = 0; index < 1_200; index += 1) {
      const id = `tx-bulk-${String(index).padStart(4, "0")}`;
      s3.put(CDRS, sdr(A, DAY, `09.${String(index % 60).padStart(2, "0")}.00.000_${id}`), "{}");
      putRecord(A, id, `call-bulk-${index}`, `${DAY}T09:00:00Z`);
    }
    s3.requests.length = 0;
    const { report } = await run();
    expect(report.totals).toMatchObject({ detailRecords: 1_207, records: 1_204, callsWithoutRecord: 1 });
    const lists = s3.requests.filter((request) => request.operation === "ListObjectsV2");
    expect(lists.filter((request) => request.prefix === `Amazon-Chime-Voice-Connector-SDRs/json/${A}/2026/12/06/`)).toHaveLength(
      2,
    );
    expect(lists.filter((request) => request.prefix === `${PREFIX}/start_day=${DAY}/`)).toHaveLength(2);
    expect(s3.modelProblems).toEqual([]);
  });

  it("reads no call detail record when comparing streaming detail records", async () => {
    s3.put(CDRS, cdr(A, DAY, "14.00.00.000_tx-missing"), JSON.stringify({ Streaming: true }));
    s3.requests.length = 0;
    await run();
    expect(s3.requests.filter((request) => request.bucket === CDRS && request.operation !== "ListObjectsV2")).toEqual([]);
    expect(s3.requests.filter((request) => request.prefix?.startsWith("Amazon-Chime-Voice-Connector-CDRs"))).toEqual([]);
  });
});

describe.each<[DetailRecordMode]>([["streaming_and_call"], ["call"]])("comparing call detail records too (%s)", (mode) => {
  beforeEach(() => {
    s3.put(CDRS, cdr(A, DAY, "10.00.00.000_tx-recorded"), JSON.stringify({ Streaming: true, Status: "Completed" }));
    s3.put(CDRS, cdr(A, DAY, "15.00.00.000_tx-streamed-no-sdr"), JSON.stringify({ Streaming: true }));
    s3.put(CDRS, cdr(A, DAY, "15.30.00.000-tx-not-streamed"), JSON.stringify({ Streaming: "false" }));
    s3.put(CDRS, cdr(A, DAY, "16.00.00.000_tx-unknown-streaming"), JSON.stringify({ Status: "Completed" }));
  });

  it("counts a call whose call detail record says it streamed, and ignores one that did not", async () => {
    const { report } = await run({ detailRecords: mode });
    const missing = report.callsWithoutRecord.map((call) => call.transactionId);
    expect(missing).toContain("tx-streamed-no-sdr");
    expect(missing).not.toContain("tx-not-streamed");
    expect(report.unexpectedKeys.map((entry) => entry.key)).toContain(cdr(A, DAY, "16.00.00.000_tx-unknown-streaming"));
  });

  it("reads a call detail record only where it must", async () => {
    s3.requests.length = 0;
    await run({ detailRecords: mode });
    const read = s3.requests.filter((request) => request.operation === "GetObject" && request.bucket === CDRS);
    expect(read.some((request) => request.key.endsWith("_tx-recorded"))).toBe(mode === "call");
  });

  it("reads at most maxCallDetailReads of them and reports the rest unread, the report incomplete", async () => {
    const { report } = await run({ detailRecords: mode, maxCallDetailReads: 1 });
    expect(report.complete).toBe(false);
    expect(report.totals.unreadCallDetailRecords).toBe(mode === "call" ? 3 : 2);
    expect(report.unreadCallDetailRecords).toHaveLength(report.totals.unreadCallDetailRecords);
  });
});
