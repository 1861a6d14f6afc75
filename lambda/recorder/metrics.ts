export interface CountMetric {
  namespace: string;
  name: string;
  value: number;
  dimensions: Record<string, string>;
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
          Dimensions: [Object.keys(metric.dimensions)],
          Metrics: [{ Name: metric.name, Unit: "Count" }],
        },
      ],
    },
    ...metric.dimensions,
    [metric.name]: metric.value,
  };
}
