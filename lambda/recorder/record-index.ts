/**
 * The records by day: a second copy of every call's record under
 * `<prefix>/start_day=<YYYY-MM-DD>/<connector>.<transaction>.<call>.json`, the day being the call's start
 * in UTC. The Glue table reads it with partition projection, and the daily reconciliation lists it: the
 * key alone names the connector and the transaction id. Free of imports, so the stack can load it.
 */
export const RECORD_INDEX = {
  /** Not `date`: a reserved word in Athena. */
  partitionColumn: "start_day",
  defaultPrefix: "call-records-by-day",
  /** What stands in for a transaction id the events did not carry. */
  unknownTransaction: "unknown",
} as const;

/** Letters, digits and "-" stay; every other byte becomes `_XX`, so "." separates the three parts. */
function encodePart(value: string): string {
  let encoded = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9-]/.test(char) ? char : `_${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}

function decodePart(encoded: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < encoded.length; index += 1) {
    if (encoded[index] === "_") {
      bytes.push(Number.parseInt(encoded.slice(index + 1, index + 3), 16));
      index += 2;
    } else bytes.push(encoded.charCodeAt(index));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** What the index key is made of: members of the call's record. */
export interface IndexedRecord {
  voiceConnectorId: string;
  transactionId: string | null;
  callId: string;
  /** ISO-8601; null for a call no leg of which reported a start. */
  startTime: string | null;
}

/** The day a record is filed under: its start's, else the day it is written (`writtenAtMs`). */
export function recordDay(record: Pick<IndexedRecord, "startTime">, writtenAtMs: number): string {
  return (record.startTime ?? new Date(writtenAtMs).toISOString()).slice(0, 10);
}

/** The prefix of one day's records, ending in "/"; `prefix` without surrounding slashes. */
export function recordDayPrefix(prefix: string, day: string): string {
  return `${prefix}/${RECORD_INDEX.partitionColumn}=${day}/`;
}

export function recordIndexKey(prefix: string, record: IndexedRecord, writtenAtMs: number): string {
  const parts = [record.voiceConnectorId, record.transactionId ?? RECORD_INDEX.unknownTransaction, record.callId];
  return `${recordDayPrefix(prefix, recordDay(record, writtenAtMs))}${parts.map(encodePart).join(".")}.json`;
}

export interface IndexKeyFacts {
  day: string;
  voiceConnectorId: string;
  /** Null where the record has none. */
  transactionId: string | null;
  callId: string;
}

/** The facts an index key names, or null for a key of another shape. */
export function parseRecordIndexKey(prefix: string, key: string): IndexKeyFacts | null {
  const shape = new RegExp(
    `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/${RECORD_INDEX.partitionColumn}=(\\d{4}-\\d{2}-\\d{2})/([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]+)\\.json$`,
  );
  const match = shape.exec(key);
  if (match === null) return null;
  const [, day, connector, transaction, call] = match;
  return {
    day,
    voiceConnectorId: decodePart(connector),
    transactionId: transaction === RECORD_INDEX.unknownTransaction ? null : decodePart(transaction),
    callId: decodePart(call),
  };
}
