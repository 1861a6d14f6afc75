import type { IndexKeyFacts } from "../recorder/record-index";
import { type DetailRecordKey, sameCall } from "./detail-record-keys";
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
  /** The day's records past the bound: not read, so their outcome is unread. */
  unreadRecords: readonly RecordKey[];
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
  unreadCallDetailRecords: number;
  unreadRecords: number;
  /** 1 when the day has records but no detail record of the day or the next: nothing was compared. */
  detailRecordsMissing: number;
}

/** An outcome for a record of the day whose object gave none. */
export const UNKNOWN_OUTCOME = "unknown";
/** The outcome of a record of the day past the bound, never read. */
export const UNREAD_OUTCOME = "unread";

const emptyCounts = (): ConnectorCounts => ({
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

const bump = (counts: Record<string, number>, name: string): void => {
  counts[name] = (counts[name] ?? 0) + 1;
};

type CountsOf = (voiceConnectorId: string) => ConnectorCounts;

/** The day's calls by transaction id, each once (a call with detail records of both kinds is one call). */
function callsOfTheDay(day: string, detailRecords: readonly DetailRecordKey[]): DetailRecordKey[] {
  const calls = new Map<string, DetailRecordKey>();
  for (const record of detailRecords) {
    const id = sameCall(record.transactionId);
    if (record.day === day && !calls.has(id)) calls.set(id, record);
  }
  return [...calls.values()];
}

/** Each call of the day with a record is accounted for; the rest are pending or without a record. */
function compareCalls(input: ReconciliationInput, countsOf: CountsOf) {
  const recorded = new Set(
    input.records.flatMap((record) => (record.transactionId === null ? [] : [sameCall(record.transactionId)])),
  );
  const stillPending = new Set([...input.pendingTransactionIds].map(sameCall));
  const callsWithoutRecord: CallEntry[] = [];
  const pending: CallEntry[] = [];
  const calls = callsOfTheDay(input.day, input.detailRecords);
  for (const call of calls) {
    const counts = countsOf(call.voiceConnectorId);
    counts.detailRecords += 1;
    if (recorded.has(sameCall(call.transactionId))) continue;
    const entry = { transactionId: call.transactionId, voiceConnectorId: call.voiceConnectorId, detailRecordKey: call.key };
    if (stillPending.has(sameCall(call.transactionId))) {
      pending.push(entry);
      counts.pending += 1;
    } else {
      callsWithoutRecord.push(entry);
      counts.callsWithoutRecord += 1;
    }
  }
  return { calls, callsWithoutRecord, pending };
}

/** Each record of the day by outcome, and those no detail record of the day or the next names. */
function compareRecords(input: ReconciliationInput, countsOf: CountsOf) {
  const detailed = new Set(input.detailRecords.map((record) => sameCall(record.transactionId)));
  const unread = new Set(input.unreadRecords.map((record) => record.key));
  const recordsByOutcome: Record<string, number> = {};
  const recordsWithoutDetailRecord: RecordEntry[] = [];
  const records = input.records.filter((record) => record.day === input.day);
  for (const record of records) {
    const counts = countsOf(record.voiceConnectorId);
    const outcome = input.outcomes.get(record.key) ?? (unread.has(record.key) ? UNREAD_OUTCOME : UNKNOWN_OUTCOME);
    counts.records += 1;
    bump(counts.recordsByOutcome, outcome);
    bump(recordsByOutcome, outcome);
    if (record.transactionId !== null && detailed.has(sameCall(record.transactionId))) continue;
    counts.recordsWithoutDetailRecord += 1;
    const { transactionId, voiceConnectorId, callId, key } = record;
    recordsWithoutDetailRecord.push({ transactionId, voiceConnectorId, callId, recordKey: key, outcome });
  }
  return { records, recordsByOutcome, recordsWithoutDetailRecord };
}

/** What the run could not compare, counted by connector; the connectors with records but no detail record. */
function uncompared(input: ReconciliationInput, byConnector: Record<string, ConnectorCounts>, countsOf: CountsOf): string[] {
  for (const record of input.unreadCallDetailRecords) countsOf(record.voiceConnectorId).unreadCallDetailRecords += 1;
  for (const record of input.unreadRecords) countsOf(record.voiceConnectorId).unreadRecords += 1;
  const detailed = new Set(input.detailRecords.map((record) => record.voiceConnectorId));
  const missing = Object.keys(byConnector).filter((id) => byConnector[id].records > 0 && !detailed.has(id));
  for (const id of missing) byConnector[id].detailRecordsMissing = 1;
  return missing;
}

/**
 * The day's report: each call a detail record of the day names is matched by transaction id (in
 * any case) with a record of the day before, the day or the day after (calls cross midnight, and
 * whether a detail record is filed by the call's start or end is unconfirmed); without one it is
 * pending while the call table still holds it, else a call without a record. Each record of the
 * day is matched with a detail record of the day or the next.
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
  const { calls, callsWithoutRecord, pending } = compareCalls(input, countsOf);
  const { records, recordsByOutcome, recordsWithoutDetailRecord } = compareRecords(input, countsOf);
  const connectorsWithoutDetailRecords = uncompared(input, byConnector, countsOf);
  const totals = {
    detailRecords: calls.length,
    records: records.length,
    callsWithoutRecord: callsWithoutRecord.length,
    recordsWithoutDetailRecord: recordsWithoutDetailRecord.length,
    pending: pending.length,
    unexpectedKeys: input.unexpectedKeys.length,
    unreadCallDetailRecords: input.unreadCallDetailRecords.length,
    unreadRecords: input.unreadRecords.length,
    connectorsWithoutDetailRecords: connectorsWithoutDetailRecords.length,
  };

  return {
    schemaVersion: 1,
    day,
    generatedAt: new Date(input.generatedAtMs).toISOString(),
    /** False when anything was left uncompared: keys of an unexpected shape, reads past a bound, a connector without detail records. */
    complete:
      totals.unexpectedKeys + totals.unreadCallDetailRecords + totals.unreadRecords + totals.connectorsWithoutDetailRecords === 0,
    settings,
    connectors: settings.voiceConnectorIds,
    totals,
    recordsByOutcome,
    byConnector,
    callsWithoutRecord,
    recordsWithoutDetailRecord,
    pending,
    unexpectedKeys: input.unexpectedKeys,
    unreadCallDetailRecords: input.unreadCallDetailRecords.map((record) => record.key),
    unreadRecords: input.unreadRecords.map((record) => record.key),
    connectorsWithoutDetailRecords,
  };
}

export type ReconciliationReport = ReturnType<typeof reconcile>;

/** Where a day's report goes: beside the records by day, outside every start_day= partition. */
export const reportKey = (recordsByDayPrefix: string, day: string): string => `${recordsByDayPrefix}/reconciliation/${day}.json`;
