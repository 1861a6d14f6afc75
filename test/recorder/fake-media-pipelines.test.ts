import {
  BadRequestException,
  ChimeSDKMediaPipelinesClient,
  CreateMediaInsightsPipelineCommand,
  type CreateMediaInsightsPipelineCommandInput,
  GetMediaPipelineCommand,
  NotFoundException,
} from "@aws-sdk/client-chime-sdk-media-pipelines";
import { type S3Server, startS3Server } from "../support/s3-server";
import { type FakeMediaPipelines, type FakeOptions, startFakeMediaPipelines } from "./support/fake-media-pipelines";

// The real SDK client against loopback only, with dummy credentials.
let s3: S3Server;
let fake: FakeMediaPipelines;
let client: ChimeSDKMediaPipelinesClient;

const RUN_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  s3 = await startS3Server({ buckets: ["recordings"], canList: true });
  fake = await startFakeMediaPipelines({}, s3);
  client = new ChimeSDKMediaPipelinesClient({
    endpoint: fake.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
});

afterEach(() => {
  expect(fake.modelProblems).toEqual([]);
  s3.reset();
});

afterAll(async () => {
  client.destroy();
  await Promise.all([fake.close(), s3.close()]);
});

const STREAM = "arn:aws:kinesisvideo:us-east-1:111122223333:stream/ChimeVoiceConnector-abc-1/1";
const OTHER_STREAM = "arn:aws:kinesisvideo:us-east-1:111122223333:stream/ChimeVoiceConnector-abc-2/2";

const request = (token: string, streams = [STREAM]): CreateMediaInsightsPipelineCommandInput => ({
  MediaInsightsPipelineConfigurationArn: "arn:aws:chime:us-east-1:111122223333:media-insights-pipeline-configuration/recorder",
  KinesisVideoStreamRecordingSourceRuntimeConfiguration: {
    Streams: streams.map((StreamArn) => ({ StreamArn })),
    FragmentSelector: {
      FragmentSelectorType: "ProducerTimestamp",
      TimestampRange: { StartTimestamp: new Date(1_700_000_000_000), EndTimestamp: new Date(1_700_000_002_000) },
    },
  },
  S3RecordingSinkRuntimeConfiguration: { Destination: `arn:aws:s3:::recordings/${token}.wav`, RecordingFileFormat: "Wav" },
  ClientRequestToken: token,
  MediaInsightsRuntimeMetadata: { callId: token, voiceConnectorId: "abc" },
});

/** Creates the pipeline for `token` and returns its id and ARN. */
async function created(token: string, options: FakeOptions = {}) {
  fake.reset({ runMs: RUN_MS, recordingOutcome: () => "verified", ...options });
  const answer = await client.send(new CreateMediaInsightsPipelineCommand(request(token)));
  return { id: answer.MediaInsightsPipeline!.MediaPipelineId!, arn: answer.MediaInsightsPipeline!.MediaPipelineArn! };
}

const described = async (id: string) =>
  (await client.send(new GetMediaPipelineCommand({ MediaPipelineId: id }))).MediaPipeline?.MediaInsightsPipeline;

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error & { $metadata?: { httpStatusCode?: number } }) => error,
  );

describe("the media pipelines fake's GetMediaPipeline, driven by the real client", () => {
  it("describes a running pipeline as InProgress, with what it was created from", async () => {
    const { id, arn } = await created("call-running");
    expect(await described(id)).toEqual({
      MediaPipelineId: id,
      MediaPipelineArn: arn,
      MediaInsightsPipelineConfigurationArn: request("call-running").MediaInsightsPipelineConfigurationArn,
      Status: "InProgress",
      KinesisVideoStreamRecordingSourceRuntimeConfiguration:
        request("call-running").KinesisVideoStreamRecordingSourceRuntimeConfiguration,
      S3RecordingSinkRuntimeConfiguration: request("call-running").S3RecordingSinkRuntimeConfiguration,
      MediaInsightsRuntimeMetadata: { callId: "call-running", voiceConnectorId: "abc" },
      CreatedTimestamp: expect.any(Date),
      ElementStatuses: [{ Type: "S3RecordingSink", Status: "InProgress" }],
    });
    expect([fake.statusOf(arn), fake.stats.described]).toEqual(["InProgress", 1]);
  });

  it("describes a pipeline past its run as Stopped, with its recording already written", async () => {
    const { id, arn } = await created("call-stopped");
    await sleep(RUN_MS + 20);
    expect((await described(id))?.Status).toBe("Stopped");
    expect([fake.statusOf(arn), s3.get("recordings", "call-stopped.wav")?.subarray(0, 4).toString()]).toEqual([
      "Stopped",
      "RIFF",
    ]);
  });

  it("describes a pipeline that pipelineFails picks as InProgress, then Failed, and it writes no recording", async () => {
    const { id } = await created("call-fails", { pipelineFails: (body) => body.ClientRequestToken === "call-fails" });
    expect((await described(id))?.Status).toBe("InProgress");
    await sleep(RUN_MS + 20);
    expect((await described(id))?.ElementStatuses).toEqual([{ Type: "S3RecordingSink", Status: "Failed" }]);
    expect(s3.get("recordings", "call-fails.wav")).toBeUndefined();
  });

  it("fails a running pipeline at once on failPipeline: no longer active, and its recording is never written", async () => {
    const { id, arn } = await created("call-failed");
    fake.failPipeline(arn);
    expect([(await described(id))?.Status, fake.activeCount()]).toEqual(["Failed", 0]);
    await sleep(RUN_MS + 20);
    expect([fake.statusOf(arn), s3.get("recordings", "call-failed.wav")]).toEqual(["Failed", undefined]);
  });

  it("answers an id it does not know with NotFoundException (404)", async () => {
    fake.reset();
    const error = await failure(described("0b8f9c3e-6a1d-4f6e-9d3b-2c5a7e8f1a2b"));
    expect(error).toBeInstanceOf(NotFoundException);
    expect(error?.$metadata?.httpStatusCode).toBe(404);
    expect(fake.statusOf("arn:aws:chime:us-east-1:111122223333:media-pipeline/unknown")).toBeUndefined();
  });

  it("refuses an id that is no GuidString with BadRequestException, as the model's pattern does", async () => {
    fake.reset();
    expect(await failure(described("pipeline-1"))).toBeInstanceOf(BadRequestException);
  });
});

describe("the media pipelines fake's idempotency", () => {
  it("answers a repeated token with the same request with the first pipeline, as it is now", async () => {
    const { arn } = await created("call-repeated");
    fake.failPipeline(arn);
    const again = await client.send(new CreateMediaInsightsPipelineCommand(request("call-repeated")));
    expect([again.MediaInsightsPipeline?.MediaPipelineArn, again.MediaInsightsPipeline?.Status]).toEqual([arn, "Failed"]);
    expect([fake.stats.created, fake.stats.replayed, fake.tokenConflicts]).toEqual([1, 1, []]);
  });

  it("refuses a repeated token with other streams with BadRequestException, and records the conflict", async () => {
    const conflictsBefore = fake.tokenConflicts.length;
    const { arn } = await created("call-conflict");
    const changed = request("call-conflict", [STREAM, OTHER_STREAM]);
    expect(await failure(client.send(new CreateMediaInsightsPipelineCommand(changed)))).toBeInstanceOf(BadRequestException);
    expect(fake.tokenConflicts.slice(conflictsBefore)).toEqual([
      {
        token: "call-conflict",
        first: expect.objectContaining({
          KinesisVideoStreamRecordingSourceRuntimeConfiguration: expect.objectContaining({ Streams: [{ StreamArn: STREAM }] }),
        }),
        request: expect.objectContaining({
          KinesisVideoStreamRecordingSourceRuntimeConfiguration: expect.objectContaining({
            Streams: [{ StreamArn: STREAM }, { StreamArn: OTHER_STREAM }],
          }),
        }),
      },
    ]);
    expect(fake.pipelinesFor("call-conflict").map((pipeline) => pipeline.arn)).toEqual([arn]);
  });
});
