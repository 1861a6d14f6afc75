import type { Logger } from "../recorder/logger";
import type { CountMetric } from "../recorder/metrics";
import { callDetailReads } from "./call-detail-records";
import { addDays } from "./days";
import { listDetailRecords, listRecords, recordOutcomes, streamedCalls } from "./inventory";
import type { ObjectStore } from "./object-store";
import { type ReconciliationReport, reconcile, reportKey } from "./reconciliation";
import { reportMetrics } from "./report-metrics";
import { type ReconcilerSettings, readsCallDetails, readsStreaming } from "./settings";

export interface ReconcilerDependencies {
  settings: ReconcilerSettings;
  store: ObjectStore;
  /** Transaction ids of the calls in the call table's pending index. */
  pendingTransactionIds: () => Promise<Set<string>>;
  metricsNamespace: string;
  now: () => number;
  emitMetric: (metric: CountMetric) => void;
  log: Logger;
}

const NONE = { found: [], unexpected: [] };

/** Reconciles `day`: lists, reads what it must, decides, writes the report, then counts. */
export async function runReconciliation(day: string, deps: ReconcilerDependencies): Promise<ReconciliationReport> {
  const { settings, store, log } = deps;
  const detailDays = [day, addDays(day, 1)];
  const mode = settings.detailRecords;
  const [streaming, call, records, pending] = await Promise.all([
    readsStreaming(mode) ? listDetailRecords(store, settings, "streaming", detailDays) : NONE,
    readsCallDetails(mode) ? listDetailRecords(store, settings, "call", detailDays) : NONE,
    listRecords(store, settings, [addDays(day, -1), day, addDays(day, 1)]),
    deps.pendingTransactionIds(),
  ]);
  const reads = callDetailReads(mode, day, streaming.found, call.found, settings.maxCallDetailReads);
  const streamed = await streamedCalls(store, settings, reads.read);
  const ofTheDay = records.found.filter((record) => record.day === day);
  const { outcomes, unexpected: unreadable } = await recordOutcomes(store, settings, ofTheDay.slice(0, settings.maxRecordReads));

  const report = reconcile({
    day,
    settings,
    detailRecords: [...streaming.found, ...streamed.found],
    records: records.found,
    outcomes,
    pendingTransactionIds: pending,
    unexpectedKeys: [...streaming.unexpected, ...call.unexpected, ...records.unexpected, ...streamed.unexpected, ...unreadable],
    unreadCallDetailRecords: reads.unread,
    unreadRecords: ofTheDay.slice(settings.maxRecordReads),
    generatedAtMs: deps.now(),
  });
  const key = reportKey(settings.recordsByDayPrefix, day);
  await store.putJson(settings.recordsBucket, key, report);
  log.info("reconciliation report written", { day, report: `s3://${settings.recordsBucket}/${key}`, totals: report.totals });
  if (report.totals.callsWithoutRecord > 0) {
    log.error("calls without a record", { day, calls: report.callsWithoutRecord.slice(0, 20) });
  }
  if (report.totals.unexpectedKeys > 0)
    log.warn("keys of an unexpected shape", { day, keys: report.unexpectedKeys.slice(0, 20) });
  if (!report.complete) {
    const { unexpectedKeys, unreadCallDetailRecords, unreadRecords, connectorsWithoutDetailRecords } = report.totals;
    log.warn("the day was not fully compared", {
      day,
      uncompared: { unexpectedKeys, unreadCallDetailRecords, unreadRecords, connectorsWithoutDetailRecords },
      connectorsWithoutDetailRecords: report.connectorsWithoutDetailRecords,
    });
  }
  for (const metric of reportMetrics(report, deps.metricsNamespace, new Date(deps.now()))) deps.emitMetric(metric);
  return report;
}
