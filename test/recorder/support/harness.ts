import type { SQSEvent } from "aws-lambda";
import { type S3Server, startS3Server } from "../../support/s3-server";
import { type CallTableServer, startCallTable } from "./call-table-server";
import { type DeadLetterQueue, startDeadLetterQueue } from "./dead-letter-queue";
import type { Call, Side } from "./events";
import { type FakeKinesisVideo, startFakeKinesisVideo } from "./fake-kinesis-video";
import { type FakeMediaPipelines, seededRandom, startFakeMediaPipelines } from "./fake-media-pipelines";
import { PIPELINE_CONFIGURATION_ARN, RECORDING_BUCKET, recorderEnv } from "./recorder-env";
import { type LogLine, type RecorderProcess, startRecorderProcess } from "./recorder-process";

export type { LogLine, RecorderProcess };

export interface Harness {
  table: CallTableServer;
  pipelines: FakeMediaPipelines;
  /** The connector's call streams, whose fragments tell where a leg whose ENDED never came ended. */
  streams: FakeKinesisVideo;
  /** The dead-letter queue the recorder sends refused calls to. */
  deadLetters: DeadLetterQueue;
  /** The recording bucket: pipelines write their files here when they finish, the recorder its records. */
  s3: S3Server;
  /**
   * A fresh instance of the built bundle (`npm test` builds it first) in its own process, as a new
   * Lambda execution environment. It reads its configuration at load: `overrides` apply to it only.
   */
  startRecorder(overrides?: Record<string, string>): Promise<RecorderProcess>;
  /** The recorder's environment for these fakes, e.g. to start an instance that must fail. */
  env(overrides?: Record<string, string>): Record<string, string>;
  /** Stops every recorder started so far. */
  stopRecorders(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `s3`: how the loopback S3 treats the recorder. By default it may list the whole bucket, so a missing
 * recording reads 404; the role's real grant is s3:ListBucket on the recordings' prefix only, under
 * which S3 may answer 403 (unconfirmed): `{ listPrefix: "recordings/", missingKeyStatus: 403 }`.
 */
export async function startHarness(
  voiceConnectorId: string,
  s3Options: { canList?: boolean; listPrefix?: string; missingKeyStatus?: 403 | 404 } = { canList: true },
): Promise<Harness> {
  const s3 = await startS3Server({ buckets: [RECORDING_BUCKET], ...s3Options });
  const [table, pipelines, deadLetters, streams] = await Promise.all([
    startCallTable(),
    startFakeMediaPipelines({}, s3),
    startDeadLetterQueue(),
    startFakeKinesisVideo(),
  ]);
  const targets = {
    s3Url: s3.url,
    tableEndpoint: table.endpoint,
    tableName: table.tableName,
    pipelinesUrl: pipelines.url,
    deadLetterQueueUrl: deadLetters.url,
    voiceConnectorId,
    kinesisVideoUrl: streams.url,
  };
  let recorders: RecorderProcess[] = [];
  const stopRecorders = async () => {
    const stopping = recorders;
    recorders = [];
    await Promise.all(stopping.map((recorder) => recorder.close()));
  };
  return {
    table,
    pipelines,
    streams,
    deadLetters,
    s3,
    async startRecorder(overrides = {}) {
      const recorder = await startRecorderProcess(recorderEnv(targets, overrides));
      recorders.push(recorder);
      return recorder;
    },
    env: (overrides = {}) => recorderEnv(targets, overrides),
    stopRecorders,
    async close() {
      await stopRecorders();
      deadLetters.verify();
      expect(s3.modelProblems).toEqual([]);
      expect(streams.modelProblems).toEqual([]);
      expect(streams.requestProblems).toEqual([]);
      expect(pipelines.modelProblems).toEqual([]);
      // One token always carries one set of parameters.
      expect(pipelines.tokenConflicts).toEqual([]);
      await Promise.all([table.close(), pipelines.close(), deadLetters.close(), s3.close(), streams.close()]);
    },
  };
}

export const atLevel = (logs: readonly LogLine[], level: string): LogLine[] => logs.filter((line) => line.level === level);

export const TOKEN_PATTERN = /^[-_a-zA-Z0-9]{2,64}$/;

/**
 * The CreateMediaInsightsPipeline body the recorder must send for `call`, as it appears on the wire
 * (timestamps in epoch seconds), written out independently of the implementation.
 */
export function expectedRecording(
  call: Call,
  legs: Side[],
  keyPrefix = "recordings/",
  fileName = call.callId,
): Record<string, unknown> {
  const recorded = legs.map((side) => call[side]);
  return {
    MediaInsightsPipelineConfigurationArn: PIPELINE_CONFIGURATION_ARN,
    KinesisVideoStreamRecordingSourceRuntimeConfiguration: {
      Streams: recorded.map((leg) => ({ StreamArn: leg.streamArn })),
      FragmentSelector: {
        FragmentSelectorType: "ProducerTimestamp",
        TimestampRange: {
          // One second before the earliest leg's start (RANGE_START_MARGIN_MS), rounded down to the second.
          StartTimestamp: Math.floor((Math.min(...recorded.map((leg) => leg.startMs)) - 1000) / 1000),
          EndTimestamp: Math.ceil(Math.max(...recorded.map((leg) => leg.endMs)) / 1000),
        },
      },
    },
    S3RecordingSinkRuntimeConfiguration: {
      Destination: `arn:aws:s3:::${RECORDING_BUCKET}/${keyPrefix}${fileName}.wav`,
      RecordingFileFormat: "Wav",
    },
    ClientRequestToken: expect.stringMatching(TOKEN_PATTERN),
    MediaInsightsRuntimeMetadata: {
      callId: call.callId,
      voiceConnectorId: call.voiceConnectorId,
      recording: "call",
      attempt: "1",
    },
  };
}

/**
 * The recorder's promise for every call: exactly one pipeline, created from exactly the expected
 * request, and every request for the call carrying the same token.
 */
export function expectOneRecording(
  pipelines: FakeMediaPipelines,
  call: Call,
  legs: Side[] = ["caller", "callee"],
  keyPrefix?: string,
  fileName?: string,
): void {
  const created = pipelines.pipelinesFor(call.callId);
  expect(created).toHaveLength(1);
  expect(created[0].body).toEqual(expectedRecording(call, legs, keyPrefix, fileName));
  const tokens = new Set(pipelines.requestsFor(call.callId).map((request) => request.body.ClientRequestToken));
  expect(tokens.size).toBe(1);
}

/** The whole queue of each call went through: no message left, none in the dead-letter queue. */
export async function drained(
  queue: { drain(options?: { timeoutMs?: number }): Promise<void>; deadLetters: unknown[] },
  timeoutMs = 20_000,
): Promise<void> {
  await queue.drain({ timeoutMs });
  expect(queue.deadLetters).toEqual([]);
}

/** A deterministic shuffle, so that a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Builds an SQS event around bodies, for invoking a handler directly. */
export function sqsEvent(...bodies: object[]): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `direct-${index}-${Math.random().toString(36).slice(2)}`,
      receiptHandle: "direct",
      body: JSON.stringify(body),
      attributes: { ApproximateReceiveCount: "1", SentTimestamp: "0", SenderId: "test", ApproximateFirstReceiveTimestamp: "0" },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:111122223333:call-recorder-events",
      awsRegion: "us-east-1",
    })),
  };
}
