/**
 * The built bundle when its dependencies push back: throttling, the pipeline quota, refusals,
 * an unreachable table, a pipeline that fails later, and a bad deployment.
 */
import type { SQSBatchResponse } from "aws-lambda";
import permanentFailure from "./fixtures/media-insights-permanent-failure.json";
import { type Call, makeCall, streamingEvent, VOICE_CONNECTOR_ID } from "./support/events";
import { atLevel, drained, expectOneRecording, type Harness, type LogLine, shuffled, sqsEvent, startHarness } from "./support/harness";
import { startRecorderProcess } from "./support/recorder-process";
import { SqsSimulator } from "./support/sqs-simulator";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(VOICE_CONNECTOR_ID);
});

afterAll(async () => {
  await harness.close();
});

afterEach(async () => {
  await harness.stopRecorders();
});

const calls = (name: string, count: number): Call[] =>
  Array.from({ length: count }, (_, index) => makeCall(`${name}-${index}`, { offsetMs: index * 41_017 }));

const ended = (call: Call) => [streamingEvent(call, "caller", "ENDED"), streamingEvent(call, "callee", "ENDED")];

describe("with 30 % of API requests throttled", () => {
  const throttled = calls("throttled", 20);

  beforeAll(async () => {
    harness.pipelines.reset({ throttleRatio: 0.3, maxActive: Number.MAX_SAFE_INTEGER, seed: 3 });
    const [a, b] = await Promise.all([harness.startRecorder(), harness.startRecorder()]);
    const queue = new SqsSimulator({ handlers: [a.handler, b.handler], visibilityTimeoutMs: 50 });
    queue.sendAll(shuffled(throttled.flatMap(ended), 11));
    await drained(queue);
  });

  it("the service did throttle", () => {
    expect(harness.pipelines.stats.throttled).toBeGreaterThan(0);
  });

  it("every call still has exactly one recording", () => {
    for (const call of throttled) expectOneRecording(harness.pipelines, call);
  });
});

describe("100 calls ending together against the quota of 20 active pipelines", () => {
  const crowd = calls("crowd", 100);
  let queue: SqsSimulator;

  beforeAll(async () => {
    harness.pipelines.reset({ maxActive: 20, runMs: 150 });
    const recorders = await Promise.all([1, 2, 3, 4].map(() => harness.startRecorder()));
    // Production waits 300 s before a retry; 40 ms keeps the proportions to a 150 ms pipeline run.
    queue = new SqsSimulator({ handlers: recorders.map((recorder) => recorder.handler), visibilityTimeoutMs: 40 });
    queue.sendAll(shuffled(crowd.flatMap(ended), 13));
    await drained(queue, 40_000);
  });

  it("the quota was hit", () => {
    expect(harness.pipelines.stats.limited).toBeGreaterThan(0);
  });

  it("never more than 20 pipelines ran at once", () => {
    expect(harness.pipelines.stats.peakActive).toBeLessThanOrEqual(20);
  });

  it("every call still has exactly one recording", () => {
    for (const call of crowd) expectOneRecording(harness.pipelines, call);
  });
});

describe("a request the service refuses (ForbiddenException)", () => {
  const call = makeCall("forbidden");
  let queue: SqsSimulator;
  let logs: LogLine[];

  beforeAll(async () => {
    harness.pipelines.reset({ failWith: (body) => (body.MediaInsightsRuntimeMetadata?.callId === call.callId ? "ForbiddenException" : undefined) });
    const recorder = await harness.startRecorder();
    logs = recorder.logs;
    queue = new SqsSimulator({ handlers: [recorder.handler], visibilityTimeoutMs: 10, maxReceiveCount: 3 });
    queue.sendAll(ended(call));
    await queue.drain();
  });

  it("is retried until its event lands in the dead-letter queue", () => {
    expect(queue.deadLetters.map((message) => message.receiveCount)).toEqual([3]);
  });

  it("is logged as an error with the call and the error name", () => {
    const errors = atLevel(logs, "ERROR").filter((line) => line.errorName === "ForbiddenException");
    expect(errors.map((line) => line.callId)).toEqual([call.callId, call.callId, call.callId]);
  });
});

describe("an unreachable table", () => {
  const call = makeCall("no-table");
  let response: SQSBatchResponse;
  let logs: LogLine[];

  beforeAll(async () => {
    const recorder = await harness.startRecorder({ AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" });
    logs = recorder.logs;
    response = await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
  });

  it("returns the record as a batch item failure", () => {
    expect(response.batchItemFailures).toHaveLength(1);
  });

  it("is logged as a warning with the call and the error name", () => {
    expect(atLevel(logs, "WARN")).toEqual([expect.objectContaining({ callId: call.callId, operation: "UpdateItem", errorName: expect.any(String) })]);
  });
});

describe("a pipeline's permanent failure event", () => {
  // The shared sample, as a pipeline this recorder started reports it: with the connector id it
  // passed as runtime metadata.
  const ours = { ...permanentFailure, detail: { ...permanentFailure.detail, voiceConnectorId: VOICE_CONNECTOR_ID } };
  let response: SQSBatchResponse;
  let logs: LogLine[];

  beforeAll(async () => {
    const recorder = await harness.startRecorder({ METRICS_NAMESPACE: "RecorderTest" });
    logs = recorder.logs;
    response = await recorder.handler(sqsEvent(ours));
  });

  it("is logged as one error with the call, the pipeline and the reason", () => {
    expect(atLevel(logs, "ERROR")).toEqual([
      expect.objectContaining({
        callId: permanentFailure.detail.callId,
        pipelineArn: permanentFailure.detail.mediaInsightsPipelineArn,
        failureReason: permanentFailure.detail.failureReason,
      }),
    ]);
  });

  it("emits the PermanentPipelineFailures metric in Embedded Metric Format", () => {
    expect(logs.filter((line) => "_aws" in line)).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            { Namespace: "RecorderTest", Dimensions: [["VoiceConnectorId"]], Metrics: [{ Name: "PermanentPipelineFailures", Unit: "Count" }] },
          ],
        },
        VoiceConnectorId: VOICE_CONNECTOR_ID,
        PermanentPipelineFailures: 1,
      },
    ]);
  });

  it("is acknowledged", () => {
    expect(response.batchItemFailures).toEqual([]);
  });
});

describe("a permanent failure of a pipeline this connector did not start", () => {
  const cases: [string, object][] = [
    ["another connector's", { ...permanentFailure, detail: { ...permanentFailure.detail, voiceConnectorId: "anothervoiceconnector1" } }],
    ["one without a connector id (the shared sample verbatim)", permanentFailure],
  ];

  describe.each(cases)("%s", (_name, event) => {
    let response: SQSBatchResponse;
    let logs: LogLine[];

    beforeAll(async () => {
      const recorder = await harness.startRecorder();
      logs = recorder.logs;
      response = await recorder.handler(sqsEvent(event));
    });

    it("is not counted as a failure of ours", () => {
      expect(logs.filter((line) => "PermanentPipelineFailures" in line)).toEqual([]);
    });

    it("is counted as a dropped event of another connector", () => {
      expect(logs.filter((line) => "DroppedEvents" in line)).toEqual([
        expect.objectContaining({ VoiceConnectorId: VOICE_CONNECTOR_ID, Reason: "foreign_connector", DroppedEvents: 1 }),
      ]);
    });

    it("raises no error", () => {
      expect(atLevel(logs, "ERROR")).toEqual([]);
    });

    it("is acknowledged", () => {
      expect(response.batchItemFailures).toEqual([]);
    });
  });
});

describe("a deployment with a bad environment", () => {
  it("fails to load, with a structured error naming the variable", async () => {
    const loading = startRecorderProcess(harness.env({ RECORDING_BUCKET: "Bad Bucket" }));
    await expect(loading).rejects.toMatchObject({
      logs: [expect.objectContaining({ level: "ERROR", error: expect.objectContaining({ message: expect.stringContaining("RECORDING_BUCKET") }) })],
    });
  });
});
