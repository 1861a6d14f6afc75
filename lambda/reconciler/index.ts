import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { createLogger, writeStdout } from "../recorder/logger";
import { type CountMetric, embeddedCountMetric } from "../recorder/metrics";
import { type ReconcilerConfig, readReconcilerConfig } from "./config";
import { isDay, yesterday } from "./days";
import { InvalidRunError } from "./errors";
import { createObjectStore } from "./object-store";
import { pendingTransactionIds } from "./pending-calls";
import type { ReconciliationReport } from "./reconciliation";
import { runReconciliation } from "./run";

const SERVICE = "call-reconciler";

function loadConfig(): ReconcilerConfig {
  try {
    return readReconcilerConfig(process.env);
  } catch (error) {
    createLogger({ service: SERVICE, level: "ERROR" }).error("invalid configuration", { error });
    throw error;
  }
}

const config = loadConfig();
const log = createLogger({ service: SERVICE, level: config.logLevel });
// The SDK's own retries (three attempts) ride out throttling of the many GETs; a run that still fails is
// retried by Lambda's asynchronous invocation, and the alarm on completed runs catches the rest.
const s3 = new S3Client({});
const table = new DynamoDBClient({});
const emitMetric = (metric: CountMetric): void => writeStdout(`${JSON.stringify(embeddedCountMetric(metric))}\n`);

/** The schedule's event, or `{ "day": "YYYY-MM-DD" }` to reconcile that day again. */
export interface ReconcileEvent {
  day?: unknown;
}

export async function handler(event: ReconcileEvent | null | undefined): Promise<ReconciliationReport["totals"]> {
  const requested = event?.day;
  if (requested !== undefined && !isDay(requested)) {
    const error = new InvalidRunError(requested);
    log.error("invalid run", { error });
    throw error;
  }
  const day = requested ?? yesterday(Date.now());
  try {
    const report = await runReconciliation(day, {
      settings: config,
      store: createObjectStore(s3),
      pendingTransactionIds: () => pendingTransactionIds(table, config.callTable),
      metricsNamespace: config.metricsNamespace,
      now: Date.now,
      emitMetric,
      log: log.with({ day }),
    });
    return report.totals;
  } catch (error) {
    log.error("reconciliation failed", { day, error });
    throw error;
  }
}
