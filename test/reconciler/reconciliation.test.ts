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
      maxRecordReads: 10,
      readConcurrency: 4,
    },
    detailRecords: [],
    records: [],
    outcomes: new Map(),
    pendingTransactionIds: new Set(),
    unexpectedKeys: [],
    unreadCallDetailRecords: [],
    unreadRecords: [],
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
      unreadCallDetailRecords: 0,
      unreadRecords: 0,
      detailRecordsMissing: 0,
    });
  });

  it("matches transaction ids whatever their case, keeping each as written", () => {
    const report = reconcile(
      input({
        detailRecords: [detail("AB-12"), detail("cd-34"), detail("Ef-56")],
        records: [record("ab-12"), record("CD-34")],
        pendingTransactionIds: new Set(["eF-56"]),
      }),
    );
    expect(report.totals).toMatchObject({ callsWithoutRecord: 0, recordsWithoutDetailRecord: 0, pending: 1 });
    expect(report.pending.map((call) => call.transactionId)).toEqual(["Ef-56"]);
  });

  it("counts a call named in two cases once", () => {
    expect(reconcile(input({ detailRecords: [detail("AB-12"), detail("ab-12")] })).totals.detailRecords).toBe(1);
  });

  it("says the report is complete only when every call and record was compared", () => {
    expect(reconcile(input({})).complete).toBe(true);
    expect(reconcile(input({ unreadCallDetailRecords: [detail("t1")] })).complete).toBe(false);
    expect(reconcile(input({ unreadRecords: [record("t1")] })).complete).toBe(false);
    expect(reconcile(input({ unexpectedKeys: [{ key: "k", problem: "p" }] })).complete).toBe(false);
    expect(reconcile(input({ records: [record("t1")] })).complete).toBe(false);
  });

  it("counts the call detail records and records left unread past the bounds, by connector", () => {
    const report = reconcile(
      input({
        records: [record("t1"), record("t2", DAY, B)],
        detailRecords: [detail("t1"), detail("t2", DAY, B)],
        unreadCallDetailRecords: [detail("t3", DAY, B), detail("t4", "2026-12-07", B)],
        unreadRecords: [record("t2", DAY, B)],
      }),
    );
    expect(report.totals).toMatchObject({ unreadCallDetailRecords: 2, unreadRecords: 1 });
    expect(report.byConnector[B]).toMatchObject({ unreadCallDetailRecords: 2, unreadRecords: 1 });
    expect(report.byConnector[A]).toMatchObject({ unreadCallDetailRecords: 0, unreadRecords: 0 });
    expect(report.unreadRecords).toEqual([record("t2", DAY, B).key]);
    expect(report.recordsByOutcome).toEqual({ unknown: 1, unread: 1 });
  });

  it("flags a connector with records of the day but no detail record of the day or the next: it was never compared", () => {
    const report = reconcile(
      input({
        detailRecords: [detail("t2", "2026-12-07", B)],
        records: [record("t1"), record("t2", DAY, B), record("t3", "2026-12-05")],
      }),
    );
    expect(report.connectorsWithoutDetailRecords).toEqual([A]);
    expect(report.totals.connectorsWithoutDetailRecords).toBe(1);
    expect(report.byConnector[A].detailRecordsMissing).toBe(1);
    expect(report.byConnector[B].detailRecordsMissing).toBe(0);
    expect(reconcile(input({ records: [record("t3", "2026-12-05")] })).connectorsWithoutDetailRecords).toEqual([]);
  });

  it("files the report outside every start_day= partition", () => {
    expect(reportKey("call-records-by-day", DAY)).toBe("call-records-by-day/reconciliation/2026-12-06.json");
  });
});

describe("the reconciliation's metrics", () => {
  const at = new Date(0);
  const named = (report: ReturnType<typeof reconcile>) =>
    reportMetrics(report, "ChimeCallRecorder", at).map(({ name, value, dimensions }) => ({ name, value, dimensions }));

  it("are CallsWithoutRecord per connector (zero too), in total and by connector, then one completed run", () => {
    const report = reconcile(input({ detailRecords: [detail("t1"), detail("t2")] }));
    const metrics = reportMetrics(report, "ChimeCallRecorder", at);
    expect(metrics[0]).toEqual({
      namespace: "ChimeCallRecorder",
      name: "CallsWithoutRecord",
      value: 2,
      dimensions: { VoiceConnectorId: A },
      dimensionSets: [[], ["VoiceConnectorId"]],
      timestamp: at,
    });
    expect(metrics).toContainEqual(
      expect.objectContaining({ name: "CallsWithoutRecord", value: 0, dimensions: { VoiceConnectorId: B } }),
    );
    expect(metrics.at(-1)).toEqual({
      namespace: "ChimeCallRecorder",
      name: "ReconciliationsCompleted",
      value: 1,
      dimensions: {},
      dimensionSets: [[]],
      timestamp: at,
    });
  });

  it("count, zero included, what was never compared: unread call detail records and records and connectors without detail records by connector, unexpected keys in total", () => {
    const report = reconcile(
      input({
        records: [record("t1")],
        unreadCallDetailRecords: [detail("t3", DAY, B)],
        unreadRecords: [record("t1")],
        unexpectedKeys: [
          { key: "a", problem: "p" },
          { key: "b", problem: "p" },
        ],
      }),
    );
    expect(named(report)).toEqual([
      { name: "CallsWithoutRecord", value: 0, dimensions: { VoiceConnectorId: A } },
      { name: "UnreadCallDetailRecords", value: 0, dimensions: { VoiceConnectorId: A } },
      { name: "UnreadRecords", value: 1, dimensions: { VoiceConnectorId: A } },
      { name: "DetailRecordsMissing", value: 1, dimensions: { VoiceConnectorId: A } },
      { name: "CallsWithoutRecord", value: 0, dimensions: { VoiceConnectorId: B } },
      { name: "UnreadCallDetailRecords", value: 1, dimensions: { VoiceConnectorId: B } },
      { name: "UnreadRecords", value: 0, dimensions: { VoiceConnectorId: B } },
      { name: "DetailRecordsMissing", value: 0, dimensions: { VoiceConnectorId: B } },
      { name: "UnexpectedKeys", value: 2, dimensions: {} },
      { name: "ReconciliationsCompleted", value: 1, dimensions: {} },
    ]);
    const unexpected = reportMetrics(report, "ChimeCallRecorder", at).find((metric) => metric.name === "UnexpectedKeys");
    expect(unexpected?.dimensionSets).toEqual([[]]);
  });
});
