"use strict";
/** The environment the stack gives the recorder, pointed at the loopback fakes. */
const { loopbackAwsEnv } = require("../../support/loopback-aws-env.js");

const PIPELINE_CONFIGURATION_ARN = "arn:aws:chime:us-east-1:111122223333:media-insights-pipeline-configuration/call-recorder";
const RECORDING_BUCKET = "call-recordings-111122223333";

/** Read by the recorder at load; cleared before each load so one instance's settings never leak into the next. */
const RECORDER_VARIABLES = [
  "CALL_TABLE",
  "RECORDING_BUCKET",
  "RECORDING_BUCKET_PREFIX",
  "MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN",
  "VOICE_CONNECTOR_IDS",
  "LOG_LEVEL",
  "CALL_TTL_DAYS",
  "LEG_WAIT_SECONDS",
  "METRICS_NAMESPACE",
  "DEAD_LETTER_QUEUE_URL",
  "DATA_RETENTION_HOURS",
  "RECORDING_FORMAT",
  "RECORDING_FILE_NAME",
  "METADATA_PREFIX",
  "RECORDING_CHECK_DELAY_SECONDS",
  "LEG_IDLE_SECONDS",
  "MAX_PIPELINE_ATTEMPTS",
];

/**
 * Where the Kinesis Video Streams client goes when a test starts no stand-in: a loopback port nothing
 * listens on, so a scan fails at once instead of reaching AWS.
 */
const NO_KINESIS_VIDEO = "http://127.0.0.1:9";

/**
 * @param {{ tableEndpoint: string, tableName: string, pipelinesUrl: string, deadLetterQueueUrl: string, s3Url: string, voiceConnectorId: string, kinesisVideoUrl?: string }} targets
 * @param {Record<string, string>} [overrides]
 * @returns {Record<string, string>}
 */
function recorderEnv(
  { tableEndpoint, tableName, pipelinesUrl, deadLetterQueueUrl, s3Url, voiceConnectorId, kinesisVideoUrl = NO_KINESIS_VIDEO },
  overrides = {},
) {
  return {
    ...loopbackAwsEnv("AKIDTESTRECORDER"),
    AWS_ENDPOINT_URL_DYNAMODB: tableEndpoint,
    AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES: pipelinesUrl,
    // The SQS client sends to the queue URL's host; both are on loopback.
    AWS_ENDPOINT_URL_SQS: new URL(deadLetterQueueUrl).origin,
    // Recordings are checked and records written in the loopback S3 (path-style: the host is an address).
    AWS_ENDPOINT_URL_S3: s3Url,
    // GetDataEndpoint only: ListFragments goes to the data endpoint it answers, also on loopback.
    AWS_ENDPOINT_URL_KINESIS_VIDEO: kinesisVideoUrl,
    CALL_TABLE: tableName,
    RECORDING_BUCKET,
    RECORDING_BUCKET_PREFIX: "recordings",
    MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN: PIPELINE_CONFIGURATION_ARN,
    VOICE_CONNECTOR_IDS: voiceConnectorId,
    DEAD_LETTER_QUEUE_URL: deadLetterQueueUrl,
    // The largest retention the stack allows (10 years): the events' times are the samples' (2023).
    DATA_RETENTION_HOURS: "87600",
    LOG_LEVEL: "INFO",
    ...overrides,
  };
}

module.exports = { recorderEnv, RECORDER_VARIABLES, PIPELINE_CONFIGURATION_ARN, RECORDING_BUCKET };
