import type { CountMetric } from "../recorder/metrics";
import type { ConnectorCounts, ReconciliationReport } from "./reconciliation";

/** What the alarms watch, in the recorder's namespace. */
export const RECONCILIATION_METRICS = {
  /** Calls a detail record names that have no record and are not pending: the recorder never heard of them. */
  callsWithoutRecord: "CallsWithoutRecord",
  /** One per run that wrote its report: none in a day means the job did not run. */
  completed: "ReconciliationsCompleted",
} as const;

/**
 * What a run could not compare: any of them means the day's `CallsWithoutRecord` may be short. Each
 * is counted by connector but `UnexpectedKeys`, as a key of an unexpected shape may name none.
 */
export const UNCOMPARED_METRICS = {
  /** Keys of a shape the job does not read, and records without an outcome. */
  unexpectedKeys: "UnexpectedKeys",
  /** Call detail records past the run's bound. */
  unreadCallDetailRecords: "UnreadCallDetailRecords",
  /** The day's records past the run's bound. */
  unreadRecords: "UnreadRecords",
  /** 1 for a connector whose day has records but no detail record of the day or the next. */
  detailRecordsMissing: "DetailRecordsMissing",
} as const;

const PER_CONNECTOR = [
  [RECONCILIATION_METRICS.callsWithoutRecord, "callsWithoutRecord"],
  [UNCOMPARED_METRICS.unreadCallDetailRecords, "unreadCallDetailRecords"],
  [UNCOMPARED_METRICS.unreadRecords, "unreadRecords"],
  [UNCOMPARED_METRICS.detailRecordsMissing, "detailRecordsMissing"],
] as const satisfies readonly (readonly [string, keyof ConnectorCounts])[];

/**
 * The per-connector counts, each kept in total ([]) and by `VoiceConnectorId`, zero included (so
 * the alarms see a clean day as one); then the unexpected keys in total, and one completed run.
 */
export function reportMetrics(report: ReconciliationReport, namespace: string, timestamp: Date): CountMetric[] {
  const perConnector = Object.entries(report.byConnector).flatMap(([voiceConnectorId, counts]) =>
    PER_CONNECTOR.map(
      ([name, count]): CountMetric => ({
        namespace,
        name,
        value: counts[count],
        dimensions: { VoiceConnectorId: voiceConnectorId },
        dimensionSets: [[], ["VoiceConnectorId"]],
        timestamp,
      }),
    ),
  );
  const total = (name: string, value: number): CountMetric => ({
    namespace,
    name,
    value,
    dimensions: {},
    dimensionSets: [[]],
    timestamp,
  });
  return [
    ...perConnector,
    total(UNCOMPARED_METRICS.unexpectedKeys, report.totals.unexpectedKeys),
    total(RECONCILIATION_METRICS.completed, 1),
  ];
}
