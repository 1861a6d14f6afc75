import type { CountMetric } from "../recorder/metrics";
import type { ReconciliationReport } from "./reconciliation";

/** What the alarms watch, in the recorder's namespace. */
export const RECONCILIATION_METRICS = {
  /** Calls a detail record names that have no record and are not pending: the recorder never heard of them. */
  callsWithoutRecord: "CallsWithoutRecord",
  /** One per run that wrote its report: none in a day means the job did not run. */
  completed: "ReconciliationsCompleted",
} as const;

/**
 * `CallsWithoutRecord` of each connector, kept in total ([]) and by `VoiceConnectorId`, zero
 * included (so the alarm sees a clean day as one); then one completed run.
 */
export function reportMetrics(report: ReconciliationReport, namespace: string, timestamp: Date): CountMetric[] {
  const perConnector = Object.entries(report.byConnector).map(
    ([voiceConnectorId, counts]): CountMetric => ({
      namespace,
      name: RECONCILIATION_METRICS.callsWithoutRecord,
      value: counts.callsWithoutRecord,
      dimensions: { VoiceConnectorId: voiceConnectorId },
      dimensionSets: [[], ["VoiceConnectorId"]],
      timestamp,
    }),
  );
  return [
    ...perConnector,
    { namespace, name: RECONCILIATION_METRICS.completed, value: 1, dimensions: {}, dimensionSets: [[]], timestamp },
  ];
}
