import type { IndexKeyFacts } from "../recorder/record-index";
import type { DetailRecordKey } from "./detail-record-keys";
import type { ReconcilerSettings } from "./settings";

/** A record by day, as its key names it. */
export type RecordKey = IndexKeyFacts & { key: string };

/** A key of a shape the job does not expect: reported, never dropped. */
export interface UnexpectedKey {
  key: string;
  problem: string;
}

export interface ReconciliationInput {
  day: string;
  settings: ReconcilerSettings;
  /** Detail records of the day and the next: the streaming ones listed, the call ones read and streamed. */
  detailRecords: readonly DetailRecordKey[];
  /** Records by day of the day before, the day and the day after. */
  records: readonly RecordKey[];
  /** The outcome of each of the day's records, by key; a record not read has none. */
  outcomes: ReadonlyMap<string, string>;
  /** Transaction ids of calls still waiting in the call table. */
  pendingTransactionIds: ReadonlySet<string>;
  unexpectedKeys: readonly UnexpectedKey[];
  unreadCallDetailRecords: readonly DetailRecordKey[];
  generatedAtMs: number;
}

export interface CallEntry {
  transactionId: string;
  voiceConnectorId: string;
  detailRecordKey: string;
}

export interface RecordEntry {
  transactionId: string | null;
  voiceConnectorId: string;
  callId: string;
  recordKey: string;
  outcome: string;
}

export interface ConnectorCounts {
  detailRecords: number;
  records: number;
  callsWithoutRecord: number;
  recordsWithoutDetailRecord: number;
  pending: number;
  recordsByOutcome: Record<string, number>;
}

/** An outcome for a record of the day whose object gave none. */
export const UNKNOWN_OUTCOME = "unknown";

const emptyCounts = (): ConnectorCounts => ({
  detailRecords: 0,
  records: 0,
  callsWithoutRecord: 0,
  recordsWithoutDetailRecord: 0,
  pending: 0,
  recordsByOutcome: {},
});

const bump = (counts: Record<string, number>, name: string): void => {
  counts[name] = (counts[name] ?? 0) + 1;
};

/** The day's calls by transaction id, each once (a call with detail records of both kinds is one call). */
function callsOfTheDay(day: string, detailRecords: readonly DetailRecordKey[]): DetailRecordKey[] {
  const calls = new Map<string, DetailRecordKey>();
  for (const record of detailRecords) {
    if (record.day === day && !calls.has(record.transactionId)) calls.set(record.transactionId, record);
  }
  return [...calls.values()];
}

/**
 * The day's report: each call a detail record of the day names is matched by transaction id with a
 * record of the day before, the day or the day after (calls cross midnight, and whether a detail
 * record is filed by the call's start or end is unconfirmed); without one it is pending while the
 * call table still holds it, else a call without a record. Each record of the day is matched with
 * a detail record of the day or the next.
 */
export function reconcile(input: ReconciliationInput) {
  const { day, settings } = input;
  const byConnector: Record<string, ConnectorCounts> = Object.fromEntries(
    settings.voiceConnectorIds.map((id) => [id, emptyCounts()]),
  );
  const countsOf = (id: string): ConnectorCounts => {
    byConnector[id] ??= emptyCounts();
    return byConnector[id];
  };
  const recorded = new Set(input.records.flatMap((record) => (record.transactionId === null ? [] : [record.transactionId])));
  const detailed = new Set(input.detailRecords.map((record) => record.transactionId));

  const callsWithoutRecord: CallEntry[] = [];
  const pending: CallEntry[] = [];
  const calls = callsOfTheDay(day, input.detailRecords);
  for (const call of calls) {
    const counts = countsOf(call.voiceConnectorId);
    counts.detailRecords += 1;
    if (recorded.has(call.transactionId)) continue;
    const entry = { transactionId: call.transactionId, voiceConnectorId: call.voiceConnectorId, detailRecordKey: call.key };
    if (input.pendingTransactionIds.has(call.transactionId)) {
      pending.push(entry);
      counts.pending += 1;
    } else {
      callsWithoutRecord.push(entry);
      counts.callsWithoutRecord += 1;
    }
  }

  const recordsByOutcome: Record<string, number> = {};
  const recordsWithoutDetailRecord: RecordEntry[] = [];
  const records = input.records.filter((record) => record.day === day);
  for (const record of records) {
    const counts = countsOf(record.voiceConnectorId);
    const outcome = input.outcomes.get(record.key) ?? UNKNOWN_OUTCOME;
    counts.records += 1;
    bump(counts.recordsByOutcome, outcome);
    bump(recordsByOutcome, outcome);
    if (record.transactionId !== null && detailed.has(record.transactionId)) continue;
    counts.recordsWithoutDetailRecord += 1;
    const { transactionId, voiceConnectorId, callId, key } = record;
    recordsWithoutDetailRecord.push({ transactionId, voiceConnectorId, callId, recordKey: key, outcome });
  }

  return {
    schemaVersion: 1,
    day,
    generatedAt: new Date(input.generatedAtMs).toISOString(),
    /** False when call detail records were left unread (past the bound): some calls were not compared. */
    complete: input.unreadCallDetailRecords.length === 0,
    settings,
    connectors: settings.voiceConnectorIds,
    totals: {
      detailRecords: calls.length,
      records: records.length,
      callsWithoutRecord: callsWithoutRecord.length,
      recordsWithoutDetailRecord: recordsWithoutDetailRecord.length,
      pending: pending.length,
      unexpectedKeys: input.unexpectedKeys.length,
      unreadCallDetailRecords: input.unreadCallDetailRecords.length,
    },
    recordsByOutcome,
    byConnector,
    callsWithoutRecord,
    recordsWithoutDetailRecord,
    pending,
    unexpectedKeys: input.unexpectedKeys,
    unreadCallDetailRecords: input.unreadCallDetailRecords.map((record) => record.key),
  };
}

export type ReconciliationReport = ReturnType<typeof reconcile>;

/** Where a day's report goes: beside the records by day, outside every start_day= partition. */
export const reportKey = (recordsByDayPrefix: string, day: string): string => `${recordsByDayPrefix}/reconciliation/${day}.json`;
