import { ChimeSDKMediaPipelinesClient } from "@aws-sdk/client-chime-sdk-media-pipelines";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { createCallStore } from "./call-store";
import { type Config, readConfig } from "./config";
import { createDeadLetters } from "./dead-letters";
import { createDoNotRecordList, EMPTY_LIST } from "./do-not-record";
import { createLogger, writeStdout } from "./logger";
import { createMediaPipelines } from "./media-pipelines";
import { embeddedCountMetric } from "./metrics";
import { createRecorder, reportFailure } from "./recorder";

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

// A hung connection fails its own record only, instead of timing out the whole batch.
const requestHandler = { connectionTimeout: 2_000, requestTimeout: 10_000, throwOnRequestTimeout: true };

const recorder = createRecorder({
  config,
  store: createCallStore(new DynamoDBClient({ requestHandler }), config),
  pipelines: createMediaPipelines(new ChimeSDKMediaPipelinesClient({ requestHandler })),
  deadLetters: createDeadLetters(new SQSClient({ requestHandler }), config.deadLetterQueueUrl),
  now: Date.now,
  doNotRecord:
    config.doNotRecordParameter === ""
      ? EMPTY_LIST
      : createDoNotRecordList(
          new SSMClient({ requestHandler }),
          config.doNotRecordParameter,
          config.doNotRecordCacheSeconds * 1000,
          Date.now,
        ),
  emitMetric: (metric) => writeStdout(`${JSON.stringify(embeddedCountMetric(metric))}\n`),
});

/** Direct callers (tests, scripts) that pass no context get the deployed function's timeout. */
const FUNCTION_TIMEOUT_MS = 60_000;

export async function handler(event: SQSEvent, context?: Pick<Context, "getRemainingTimeInMillis">): Promise<SQSBatchResponse> {
  const deadlineMs = Date.now() + (context?.getRemainingTimeInMillis() ?? FUNCTION_TIMEOUT_MS);
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
