import { ChimeSDKMediaPipelinesClient } from "@aws-sdk/client-chime-sdk-media-pipelines";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KinesisVideoClient } from "@aws-sdk/client-kinesis-video";
import { KinesisVideoArchivedMediaClient } from "@aws-sdk/client-kinesis-video-archived-media";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { createCallStore } from "./call-store";
import { type Config, readConfig } from "./config";
import { createDeadLetters } from "./dead-letters";
import { createDoNotRecordList, EMPTY_LIST } from "./do-not-record";
import { createLogger, writeStdout } from "./logger";
import { createMediaPipelines } from "./media-pipelines";
import { type CountMetric, embeddedCountMetric } from "./metrics";
import { createRecorder, reportFailure } from "./recorder";
import { createRecordingAuditor } from "./recording-audit";
import { createRecordingLedger } from "./recording-ledger";
import { createRecordingStore } from "./recording-store";
import { CONNECTION_TIMEOUT_MS, MAX_ATTEMPTS, REQUEST_TIMEOUT_MS } from "./request-bounds";
import { createStreamFragments } from "./stream-fragments";

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
 * One record makes at most six requests in sequence: read the do-not-record list, store the leg,
 * start the pipeline, then settle the call, or for a refusal mark it, send its dead letter and take
 * it out of the pending set. Each request takes at most 7 s (request-bounds.ts), so a record's worst
 * case is 6 x 7 s = 42 s, inside the 60 s timeout less the 3 s kept to respond. A hung connection
 * fails its own record only.
 */
const requestHandler = {
  connectionTimeout: CONNECTION_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  throwOnRequestTimeout: true,
};
const clientOptions = { requestHandler, maxAttempts: MAX_ATTEMPTS };

const emitMetric = (metric: CountMetric): void => writeStdout(`${JSON.stringify(embeddedCountMetric(metric))}\n`);

const table = new DynamoDBClient(clientOptions);
const recorder = createRecorder({
  config,
  // Items written while one connector was recorded belong to the first listed.
  store: createCallStore(table, { ...config, defaultVoiceConnectorId: config.voiceConnectorIds[0] }),
  ledger: createRecordingLedger(table, config.callTable, config.voiceConnectorIds[0]),
  fragments: createStreamFragments({
    kinesisVideo: new KinesisVideoClient(clientOptions),
    // ListFragments is served at each stream's own data endpoint (GetDataEndpoint).
    archivedMedia: (endpoint) => new KinesisVideoArchivedMediaClient({ ...clientOptions, endpoint }),
    now: Date.now,
  }),
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
    indexPrefix: config.recordIndexPrefix,
    metricsNamespace: config.metricsNamespace,
    now: Date.now,
    emitMetric,
  }),
});

/** Direct callers (tests, scripts) that pass no context get the deployed function's timeout. */
const FUNCTION_TIMEOUT_MS = 60_000;

export async function handler(event: SQSEvent, context?: Pick<Context, "getRemainingTimeInMillis">): Promise<SQSBatchResponse> {
  const deadlineMs = Date.now() + (context?.getRemainingTimeInMillis() ?? FUNCTION_TIMEOUT_MS);
  // Each record settles RESPONSE_MARGIN_MS before the deadline at the latest (recorder.process), so
  // the batch never times out as a whole.
  const results = await Promise.allSettled(
    event.Records.map((record) => recorder.process(record.body, log.with({ messageId: record.messageId }), deadlineMs)),
  );
  const batchItemFailures: SQSBatchItemFailure[] = [];
  results.forEach((result, index) => {
    if (result.status === "fulfilled") return;
    const { messageId, attributes } = event.Records[index];
    reportFailure(log.with({ messageId, receiveCount: Number(attributes?.ApproximateReceiveCount) }), result.reason);
    batchItemFailures.push({ itemIdentifier: messageId });
  });
  return { batchItemFailures };
}
