import { mapBounded } from "../recorder/bounded";
import { parseRecordIndexKey, recordDayPrefix } from "../recorder/record-index";
import { streamedCall } from "./call-detail-records";
import { type DetailRecordKey, type DetailRecordKind, detailRecordPrefix, parseDetailRecordKey } from "./detail-record-keys";
import type { ObjectStore } from "./object-store";
import type { RecordKey, UnexpectedKey } from "./reconciliation";
import type { ReconcilerSettings } from "./settings";

export interface Listed<T> {
  found: T[];
  unexpected: UnexpectedKey[];
}

/** Every recorded connector's detail records of `kind` on `days`, from their keys alone. */
export async function listDetailRecords(
  store: ObjectStore,
  settings: ReconcilerSettings,
  kind: DetailRecordKind,
  days: readonly string[],
): Promise<Listed<DetailRecordKey>> {
  const folders = settings.voiceConnectorIds.flatMap((id) => days.map((day) => ({ id, day })));
  const listed = await mapBounded(folders, settings.readConcurrency, async ({ id, day }) => {
    const keys = await store.listKeys(settings.callDetailRecordsBucket, detailRecordPrefix(kind, id, day));
    return keys.map((key) => ({ key, parsed: parseDetailRecordKey(kind, id, day, key) }));
  });
  const result: Listed<DetailRecordKey> = { found: [], unexpected: [] };
  for (const { key, parsed } of listed.flat()) {
    if (parsed !== null) result.found.push(parsed);
    else result.unexpected.push({ key, problem: `not <hh.mm.ss.mmm>_<transaction id> (or -) in a ${kind} detail record folder` });
  }
  return result;
}

/** The records by day of `days`, from their keys alone. */
export async function listRecords(
  store: ObjectStore,
  settings: ReconcilerSettings,
  days: readonly string[],
): Promise<Listed<RecordKey>> {
  const { recordsBucket, recordsByDayPrefix: prefix } = settings;
  const listed = await mapBounded(days, settings.readConcurrency, (day) =>
    store.listKeys(recordsBucket, recordDayPrefix(prefix, day)),
  );
  const result: Listed<RecordKey> = { found: [], unexpected: [] };
  for (const key of listed.flat()) {
    const facts = parseRecordIndexKey(prefix, key);
    if (facts !== null) result.found.push({ ...facts, key });
    else result.unexpected.push({ key, problem: "not <connector>.<transaction>.<call>.json in a start_day= partition" });
  }
  return result;
}

/** The call detail records among `records` whose call streamed (each read once). */
export async function streamedCalls(
  store: ObjectStore,
  settings: ReconcilerSettings,
  records: readonly DetailRecordKey[],
): Promise<Listed<DetailRecordKey>> {
  const read = await mapBounded(records, settings.readConcurrency, async (record) => ({
    record,
    streamed: streamedCall(await store.getText(settings.callDetailRecordsBucket, record.key)),
  }));
  return {
    found: read.filter(({ streamed }) => streamed === true).map(({ record }) => record),
    unexpected: read
      .filter(({ streamed }) => streamed === null)
      .map(({ record }) => ({ key: record.key, problem: "a call detail record without a Streaming member of true or false" })),
  };
}

/** Each record's outcome, by key (each read once); a record without one is reported. */
export async function recordOutcomes(
  store: ObjectStore,
  settings: ReconcilerSettings,
  records: readonly RecordKey[],
): Promise<{ outcomes: Map<string, string>; unexpected: UnexpectedKey[] }> {
  const read = await mapBounded(records, settings.readConcurrency, async ({ key }) => {
    const body = await store.getText(settings.recordsBucket, key);
    try {
      const outcome = (JSON.parse(body) as { outcome?: unknown }).outcome;
      return { key, outcome: typeof outcome === "string" ? outcome : null };
    } catch {
      return { key, outcome: null };
    }
  });
  const outcomes = new Map<string, string>();
  const unexpected: UnexpectedKey[] = [];
  for (const { key, outcome } of read) {
    if (outcome !== null) outcomes.set(key, outcome);
    else unexpected.push({ key, problem: "a record that is not JSON with a string outcome" });
  }
  return { outcomes, unexpected };
}
