import { ChimeSDKMediaPipelinesClient } from "@aws-sdk/client-chime-sdk-media-pipelines";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { createCallStore } from "./call-store";
import { type Config, readConfig } from "./config";
import { createDeadLetters } from "./dead-letters";
import { createDoNotRecordList, EMPTY_LIST } from "./do-not-record";
import { DeadlineExceededError } from "./errors";
import { createLogger, writeStdout } from "./logger";
import { createMediaPipelines } from "./media-pipelines";
import { type CountMetric, embeddedCountMetric } from "./metrics";
import { createRecorder, reportFailure } from "./recorder";
import { createRecordingAuditor } from "./recording-audit";
import { createRecordingStore } from "./recording-store";

const SERVICE = "call-recorder";

function loadConfig(): Config {
  try {
    return readConfig(process.env);
  } catch (error) {
    // Init fails, so every invocation fails and the messages wait in the queue for a fixed deployment.
    createLogger({ service: SERVICE, level: "ERROR" }).error("invalid configuration", { error });
    throw error;
  }
}

const config = loadConfig();
const log = createLogger({ service: SERVICE, level: config.logLevel });

/**
 * One record makes at most three requests in sequence (store the leg, start the pipeline, settle).
 * Each request gets two attempts of at most 1 s to connect and 3 s to answer, so a record's worst
 * case is about 3 x (2 x 4 s + backoff) = 25 s, inside the 60 s timeout; a sweep's call (two
 * requests) fits its 15 s reserve. A hung connection fails its own record only.
 */
const requestHandler = { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true };
const clientOptions = { requestHandler, maxAttempts: 2 };
/** Kept between the last record and Lambda's timeout, to return the batch response. */
const RESPONSE_MARGIN_MS = 3_000;

const emitMetric = (metric: CountMetric): void => writeStdout(`${JSON.stringify(embeddedCountMetric(metric))}\n`);

const recorder = createRecorder({
  config,
  store: createCallStore(new DynamoDBClient(clientOptions), config),
  pipelines: createMediaPipelines(new ChimeSDKMediaPipelinesClient(clientOptions)),
  deadLetters: createDeadLetters(new SQSClient(clientOptions), config.deadLetterQueueUrl),
  now: Date.now,
  doNotRecord:
    config.doNotRecordParameter === ""
      ? EMPTY_LIST
      : createDoNotRecordList(
          new SSMClient(clientOptions),
          config.doNotRecordParameter,
          config.doNotRecordCacheSeconds * 1000,
          Date.now,
        ),
  emitMetric,
  auditor: createRecordingAuditor({
    store: createRecordingStore(new S3Client(clientOptions), config.recordingBucket),
    bucket: config.recordingBucket,
    voiceConnectorId: config.voiceConnectorId,
    metricsNamespace: config.metricsNamespace,
    now: Date.now,
    emitMetric,
  }),
});

/** Direct callers (tests, scripts) that pass no context get the deployed function's timeout. */
const FUNCTION_TIMEOUT_MS = 60_000;

export async function handler(event: SQSEvent, context?: Pick<Context, "getRemainingTimeInMillis">): Promise<SQSBatchResponse> {
  const deadlineMs = Date.now() + (context?.getRemainingTimeInMillis() ?? FUNCTION_TIMEOUT_MS);
  // A batch that times out returns no partial response and every record burns a receive: a record
  // still running near the deadline fails on its own instead (its work is idempotent if it resumes).
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError()), Math.max(0, deadlineMs - RESPONSE_MARGIN_MS - Date.now()));
  });
  timeUp.catch(() => undefined);
  const results = await Promise.allSettled(
    event.Records.map((record) =>
      Promise.race([recorder.process(record.body, log.with({ messageId: record.messageId }), deadlineMs), timeUp]),
    ),
  );
  clearTimeout(timer);
  const batchItemFailures: SQSBatchItemFailure[] = [];
  results.forEach((result, index) => {
    if (result.status === "fulfilled") return;
    const { messageId, attributes } = event.Records[index];
    reportFailure(log.with({ messageId, receiveCount: Number(attributes?.ApproximateReceiveCount) }), result.reason);
    batchItemFailures.push({ itemIdentifier: messageId });
  });
  return { batchItemFailures };
}
