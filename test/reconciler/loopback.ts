import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { createObjectStore } from "../../lambda/reconciler/object-store";
import { pendingTransactionIds } from "../../lambda/reconciler/pending-calls";
import type { ReconcilerDependencies } from "../../lambda/reconciler/run";
import type { ReconcilerSettings } from "../../lambda/reconciler/settings";
import { createLogger } from "../../lambda/recorder/logger";
import type { CountMetric } from "../../lambda/recorder/metrics";

/** The reconciler's dependencies, its clients pointed at the loopback S3 and call table. */
export function loopbackDependencies(
  targets: { s3Url: string; tableEndpoint: string; tableName: string },
  settings: ReconcilerSettings,
  nowMs: number,
): ReconcilerDependencies & { metrics: CountMetric[]; lines: string[] } {
  const credentials = { accessKeyId: "test", secretAccessKey: "test" };
  const s3 = new S3Client({ endpoint: targets.s3Url, forcePathStyle: true, region: "us-east-1", credentials });
  const table = new DynamoDBClient({ endpoint: targets.tableEndpoint, region: "us-east-1", credentials });
  const metrics: CountMetric[] = [];
  const lines: string[] = [];
  return {
    settings,
    store: createObjectStore(s3),
    pendingTransactionIds: () => pendingTransactionIds(table, targets.tableName),
    metricsNamespace: "ChimeCallRecorder",
    now: () => nowMs,
    emitMetric: (metric) => metrics.push(metric),
    log: createLogger({ service: "call-reconciler", level: "DEBUG", write: (line) => lines.push(line) }),
    metrics,
    lines,
  };
}
