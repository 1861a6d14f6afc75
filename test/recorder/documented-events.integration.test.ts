/**
 * The built bundle fed the sample events exactly as AWS documents them (test/recorder/fixtures,
 * identical to the team's shared samples): one call whose caller leg ENDED and whose FAILED event
 * names the call only.
 */
import type { SQSBatchResponse } from "aws-lambda";
import ended from "./fixtures/streaming-ended.json";
import failed from "./fixtures/streaming-failed.json";
import started from "./fixtures/streaming-started.json";
import { VOICE_CONNECTOR_ID } from "./support/events";
import { atLevel, type Harness, type RecorderProcess, sqsEvent, startHarness } from "./support/harness";
import { PIPELINE_CONFIGURATION_ARN, RECORDING_BUCKET } from "./support/recorder-env";

const callId = ended.detail.callId;
let harness: Harness;
let recorder: RecorderProcess;

// The samples share one call id: a fresh table per test.
beforeEach(async () => {
  harness = await startHarness(VOICE_CONNECTOR_ID);
  recorder = await harness.startRecorder();
});

afterEach(async () => {
  await harness.close();
});

describe.each([
  ["STARTED, ENDED, FAILED", [started, ended, failed]],
  ["FAILED, STARTED, ENDED", [failed, started, ended]],
  ["ENDED, FAILED", [ended, failed]],
])("the samples in the order %s", (_order, events) => {
  let responses: SQSBatchResponse[];

  beforeEach(async () => {
    responses = [];
    for (const event of events) responses.push(await recorder.handler(sqsEvent(event)));
  });

  it("record the ended caller leg at once, alone, from its own times", () => {
    expect(harness.pipelines.pipelinesFor(callId).map((pipeline) => pipeline.body)).toEqual([
      {
        MediaInsightsPipelineConfigurationArn: PIPELINE_CONFIGURATION_ARN,
        KinesisVideoStreamRecordingSourceRuntimeConfiguration: {
          Streams: [{ StreamArn: ended.detail.streamArn }],
          FragmentSelector: {
            FragmentSelectorType: "ProducerTimestamp",
            TimestampRange: {
              // One second of margin before the leg's start (RANGE_START_MARGIN_MS), rounded down.
              StartTimestamp: Math.floor((Date.parse(ended.detail.startTime) - 1000) / 1000),
              EndTimestamp: Math.ceil(Date.parse(ended.detail.endTime) / 1000),
            },
          },
        },
        S3RecordingSinkRuntimeConfiguration: {
          Destination: `arn:aws:s3:::${RECORDING_BUCKET}/recordings/${callId}.wav`,
          RecordingFileFormat: "Wav",
        },
        ClientRequestToken: expect.any(String),
        MediaInsightsRuntimeMetadata: { callId, voiceConnectorId: VOICE_CONNECTOR_ID, recording: "call", attempt: "1" },
      },
    ]);
  });

  it("settle the call as single_leg with the caller on its only channel", async () => {
    const item = await harness.table.getItem(callId);
    expect([item?.outcome, item?.channel_roles]).toEqual([{ S: "single_leg" }, { L: [{ S: "caller" }] }]);
  });

  it("drop nothing as malformed", () => {
    expect(atLevel(recorder.logs, "ERROR")).toEqual([]);
  });

  it("are all acknowledged", () => {
    expect(responses.map((response) => response.batchItemFailures)).toEqual(events.map(() => []));
  });
});
