export interface CountMetric {
  namespace: string;
  name: string;
  value: number;
  /** Every dimension's value; `dimensionSets` chooses which combinations CloudWatch aggregates by. */
  dimensions: Record<string, string>;
  /** Defaults to one set of all `dimensions`. */
  dimensionSets?: string[][];
  /** Defaults to Count. */
  unit?: "Count" | "Seconds";
  timestamp: Date;
}

/**
 * A CloudWatch Embedded Metric Format document: CloudWatch Logs turns the log line into a metric,
 * so the function needs no CloudWatch permission and makes no extra request.
 */
export function embeddedCountMetric(metric: CountMetric): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: metric.timestamp.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: metric.namespace,
          Dimensions: metric.dimensionSets ?? [Object.keys(metric.dimensions)],
          Metrics: [{ Name: metric.name, Unit: metric.unit ?? "Count" }],
        },
      ],
    },
    ...metric.dimensions,
    [metric.name]: metric.value,
  };
}

/**
 * A count of one voice connector's calls, kept by CloudWatch twice: in total across the recorded
 * connectors (the alarms watch it) and by `VoiceConnectorId` (where to look). `extra` dimensions
 * (e.g. `Outcome`) are in both.
 */
export function connectorCount(
  namespace: string,
  name: string,
  voiceConnectorId: string,
  timestamp: Date,
  extra: Record<string, string> = {},
): CountMetric {
  const extraKeys = Object.keys(extra);
  return {
    namespace,
    name,
    value: 1,
    dimensions: { VoiceConnectorId: voiceConnectorId, ...extra },
    dimensionSets: [extraKeys, ["VoiceConnectorId", ...extraKeys]],
    timestamp,
  };
}

/** Why an event was acknowledged without effect; the `Reason` dimension of `DroppedEvents`. */
export type DropReason = "malformed" | "foreign_connector";

/** The recorder's counts in `namespace`, each stamped with `now`. */
export function createCounters(namespace: string, emitMetric: (metric: CountMetric) => void, now: () => number) {
  return {
    /** One of a connector's calls (connectorCount). */
    count(name: string, voiceConnectorId: string): void {
      emitMetric(connectorCount(namespace, name, voiceConnectorId, new Date(now())));
    },

    /** What concerns no one call (a sweep that failed): counted in total only. */
    countTotal(name: string): void {
      emitMetric({ namespace, name, value: 1, dimensions: {}, dimensionSets: [[]], timestamp: new Date(now()) });
    },

    /** `voiceConnectorId`: the one the event names (another connector's, for `foreign_connector`), or `unknown`. */
    countDropped(reason: DropReason, voiceConnectorId = "unknown"): void {
      const metric = connectorCount(namespace, "DroppedEvents", voiceConnectorId, new Date(now()), { Reason: reason });
      // The total is alarmed; the breakdowns say where to look.
      emitMetric({ ...metric, dimensionSets: [[], ["Reason"], ["VoiceConnectorId"], ["VoiceConnectorId", "Reason"]] });
    },
  };
}

export type Counters = ReturnType<typeof createCounters>;
