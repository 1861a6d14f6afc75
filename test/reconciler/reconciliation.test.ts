import type { DetailRecordKey } from "../../lambda/reconciler/detail-record-keys";
import { type ReconciliationInput, type RecordKey, reconcile, reportKey } from "../../lambda/reconciler/reconciliation";
import { reportMetrics } from "../../lambda/reconciler/report-metrics";
import { recordDayPrefix } from "../../lambda/recorder/record-index";

const A = "abcdef1234567890abcdef";
const B = "bbbbbb1234567890bbbbbb";
const DAY = "2026-12-06";

const detail = (transactionId: string, day = DAY, voiceConnectorId = A): DetailRecordKey => ({
  kind: "streaming",
  key: `sdr/${voiceConnectorId}/${day}/${transactionId}`,
  voiceConnectorId,
  day,
  transactionId,
});
const record = (transactionId: string | null, day = DAY, voiceConnectorId = A): RecordKey => ({
  key: `${recordDayPrefix("p", day)}${transactionId}`,
  day,
  voiceConnectorId,
  transactionId,
  callId: `call-${transactionId}`,
});

function input(overrides: Partial<ReconciliationInput>): ReconciliationInput {
  return {
    day: DAY,
    settings: {
      detailRecords: "streaming",
      callDetailRecordsBucket: "cdrs",
      recordsBucket: "records",
      recordsByDayPrefix: "p",
      voiceConnectorIds: [A, B],
      maxCallDetailReads: 10,
      readConcurrency: 4,
    },
    detailRecords: [],
    records: [],
    outcomes: new Map(),
    pendingTransactionIds: new Set(),
    unexpectedKeys: [],
    unreadCallDetailRecords: [],
    generatedAtMs: Date.parse("2026-12-07T08:00:00Z"),
    ...overrides,
  };
}

describe("the reconciliation's decision", () => {
  it("finds a call of the day recorded the day before, the day or the day after", () => {
    const report = reconcile(
      input({
        detailRecords: [detail("t1"), detail("t2"), detail("t3")],
        records: [record("t1", "2026-12-05"), record("t2"), record("t3", "2026-12-07")],
      }),
    );
    expect(report.totals).toMatchObject({ detailRecords: 3, callsWithoutRecord: 0, pending: 0 });
  });

  it("counts a call without a record as pending while the call table holds it, else as missing", () => {
    const report = reconcile(input({ detailRecords: [detail("t1"), detail("t2")], pendingTransactionIds: new Set(["t1"]) }));
    expect(report.pending.map((call) => call.transactionId)).toEqual(["t1"]);
    expect(report.callsWithoutRecord).toEqual([{ transactionId: "t2", voiceConnectorId: A, detailRecordKey: detail("t2").key }]);
  });

  it("leaves the next day's detail records to the next run, but matches the day's records with them", () => {
    const report = reconcile(input({ detailRecords: [detail("t9", "2026-12-07")], records: [record("t9")] }));
    expect(report.totals).toMatchObject({ detailRecords: 0, callsWithoutRecord: 0, recordsWithoutDetailRecord: 0 });
  });

  it("counts a call named by two detail records once", () => {
    const report = reconcile(input({ detailRecords: [detail("t1"), { ...detail("t1"), kind: "call", key: "cdr" }] }));
    expect(report.totals.callsWithoutRecord).toBe(1);
  });

  it("lists the day's records with no detail record, and those without a transaction id", () => {
    const report = reconcile(
      input({
        records: [record("t1"), record(null, DAY, B), record("t2", "2026-12-05")],
        outcomes: new Map([[record("t1").key, "short"]]),
      }),
    );
    expect(report.recordsWithoutDetailRecord.map(({ transactionId, outcome }) => ({ transactionId, outcome }))).toEqual([
      { transactionId: "t1", outcome: "short" },
      { transactionId: null, outcome: "unknown" },
    ]);
    expect(report.recordsByOutcome).toEqual({ short: 1, unknown: 1 });
  });

  it("counts by connector, a connector with nothing included", () => {
    const report = reconcile(input({ detailRecords: [detail("t1")] }));
    expect(report.byConnector[B]).toEqual({
      detailRecords: 0,
      records: 0,
      callsWithoutRecord: 0,
      recordsWithoutDetailRecord: 0,
      pending: 0,
      recordsByOutcome: {},
    });
  });

  it("says the report is incomplete when call detail records were left unread", () => {
    expect(reconcile(input({})).complete).toBe(true);
    expect(reconcile(input({ unreadCallDetailRecords: [detail("t1")] })).complete).toBe(false);
  });

  it("files the report outside every start_day= partition", () => {
    expect(reportKey("call-records-by-day", DAY)).toBe("call-records-by-day/reconciliation/2026-12-06.json");
  });
});

describe("the reconciliation's metrics", () => {
  it("are CallsWithoutRecord per connector (zero too), in total and by connector, then one completed run", () => {
    const report = reconcile(input({ detailRecords: [detail("t1"), detail("t2")] }));
    const at = new Date(0);
    expect(reportMetrics(report, "ChimeCallRecorder", at)).toEqual([
      {
        namespace: "ChimeCallRecorder",
        name: "CallsWithoutRecord",
        value: 2,
        dimensions: { VoiceConnectorId: A },
        dimensionSets: [[], ["VoiceConnectorId"]],
        timestamp: at,
      },
      expect.objectContaining({ name: "CallsWithoutRecord", value: 0, dimensions: { VoiceConnectorId: B } }),
      {
        namespace: "ChimeCallRecorder",
        name: "ReconciliationsCompleted",
        value: 1,
        dimensions: {},
        dimensionSets: [[]],
        timestamp: at,
      },
    ]);
  });
});
