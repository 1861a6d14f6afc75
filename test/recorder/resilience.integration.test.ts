/**
 * The built bundle when its dependencies push back: throttling, the pipeline quota, refusals,
 * an unreachable table, a pipeline that fails later, and a bad deployment.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { SQSBatchResponse } from "aws-lambda";
import permanentFailure from "./fixtures/media-insights-permanent-failure.json";
import { type Call, makeCall, streamingEvent, VOICE_CONNECTOR_ID } from "./support/events";
import {
  atLevel,
  drained,
  expectOneRecording,
  type Harness,
  type LogLine,
  shuffled,
  sqsEvent,
  startHarness,
} from "./support/harness";
import { startRecorderProcess } from "./support/recorder-process";
import { startSlowEndpoint } from "./support/slow-endpoint";
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
    // Long enough that 100 calls' claims and starts, spread over four instances, overlap 20 runs.
    harness.pipelines.reset({ maxActive: 20, runMs: 600 });
    const recorders = await Promise.all([1, 2, 3, 4].map(() => harness.startRecorder()));
    // Production waits 300 s before a retry; 160 ms keeps the proportions to a 600 ms pipeline run.
    queue = new SqsSimulator({ handlers: recorders.map((recorder) => recorder.handler), visibilityTimeoutMs: 160 });
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

describe.each(["ForbiddenException", "UnauthorizedClientException", "BadRequestException", "NotFoundException"] as const)(
  "a request the service refuses with %s",
  (refusal) => {
    const call = makeCall(`refused-${refusal}`);
    let queue: SqsSimulator;
    let logs: LogLine[];

    beforeAll(async () => {
      harness.pipelines.reset({
        failWith: (body) => (body.MediaInsightsRuntimeMetadata?.callId === call.callId ? refusal : undefined),
      });
      const recorder = await harness.startRecorder();
      logs = recorder.logs;
      queue = new SqsSimulator({ handlers: [recorder.handler], visibilityTimeoutMs: 10, maxReceiveCount: 3 });
      queue.sendAll(ended(call));
      await queue.drain();
    });

    const letters = () => harness.deadLetters.messages.filter((message) => message.attributes.CallId === call.callId);

    it("is tried once", () => {
      expect(harness.pipelines.requestsFor(call.callId)).toHaveLength(1);
    });

    it("sends one dead letter at once, naming the call and the error", () => {
      expect(letters().map((letter) => letter.attributes)).toEqual([
        {
          CallId: call.callId,
          Operation: "CreateMediaInsightsPipeline",
          ErrorName: refusal,
          ErrorMessage: expect.stringContaining(refusal),
        },
      ]);
    });

    it("whose body is the event that completed the call, as it came", () => {
      expect(ended(call).map((event) => JSON.stringify(event))).toContain(letters()[0]?.body);
    });

    it("acknowledges every event: nothing waits for 70 receives", () => {
      expect([queue.stats.failedRecords, queue.deadLetters]).toEqual([0, []]);
    });

    it("takes the call out of the pending index, unsettled, so a redrive can still record it", async () => {
      const item = await harness.table.getItem(call.callId);
      expect([item?.pending, item?.recorded_at, item?.refusal]).toEqual([undefined, undefined, { S: refusal }]);
    });

    it("is logged as one error with the call and the error name", () => {
      expect(
        atLevel(logs, "ERROR")
          .filter((line) => line.errorName === refusal)
          .map((line) => line.callId),
      ).toEqual([call.callId]);
    });
  },
);

describe("a refused call's dead letter, redriven once the cause is fixed", () => {
  const call = makeCall("redriven");

  beforeAll(async () => {
    harness.pipelines.reset({ failWith: () => "ForbiddenException" });
    const recorder = await harness.startRecorder();
    await recorder.handler(sqsEvent(...ended(call)));
    harness.pipelines.reset();
    const [letter] = harness.deadLetters.messages.filter((message) => message.attributes.CallId === call.callId);
    const queue = new SqsSimulator({ handlers: [recorder.handler] });
    queue.send(letter.body);
    await drained(queue);
  });

  it("records the call once, from both legs", () => {
    expectOneRecording(harness.pipelines, call);
  });
});

describe("a dead-letter queue that cannot be reached", () => {
  const call = makeCall("refused-no-dlq");
  let response: SQSBatchResponse;

  beforeAll(async () => {
    harness.pipelines.reset({ failWith: () => "ForbiddenException" });
    const recorder = await harness.startRecorder({
      DEAD_LETTER_QUEUE_URL: "http://127.0.0.1:9/111122223333/call-recorder-dlq",
      AWS_ENDPOINT_URL_SQS: "http://127.0.0.1:9",
      AWS_MAX_ATTEMPTS: "1",
    });
    response = await recorder.handler(sqsEvent(...ended(call)));
  });

  it("leaves the refused call's event to the queue's own retries", () => {
    expect(response.batchItemFailures).toHaveLength(1);
  });

  it("keeps the call pending", async () => {
    expect((await harness.table.getItem(call.callId))?.pending).toEqual({ S: "1" });
  });
});

describe("a refused call that a concurrent attempt settled while its request was being refused", () => {
  const call = makeCall("refused-settled-meanwhile");
  let response: SQSBatchResponse;

  /** What a concurrent attempt that recorded the call leaves in its item. */
  async function settleElsewhere(): Promise<void> {
    const client = new DynamoDBClient({
      endpoint: harness.table.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await client.send(
      new UpdateItemCommand({
        TableName: harness.table.tableName,
        Key: { call_id: { S: call.callId } },
        UpdateExpression: "SET recorded_at = :now, outcome = :outcome REMOVE pending, pending_since",
        ExpressionAttributeValues: { ":now": { N: String(Date.now()) }, ":outcome": { S: "recorded" } },
      }),
    );
    client.destroy();
  }

  beforeAll(async () => {
    harness.pipelines.reset({ failWith: () => "ForbiddenException" });
    const pipelines = await startSlowEndpoint(harness.pipelines.url, { hold: settleElsewhere });
    const recorder = await harness.startRecorder({ AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES: pipelines.url });
    response = await recorder.handler(sqsEvent(...ended(call)));
    await pipelines.close();
  });

  it("sends no dead letter", () => {
    expect(harness.deadLetters.messages.filter((message) => message.attributes.CallId === call.callId)).toEqual([]);
  });

  it("is acknowledged", () => {
    expect(response.batchItemFailures).toEqual([]);
  });
});

describe("a call whose audio Kinesis Video Streams no longer holds", () => {
  const call = makeCall("expired");
  let logs: LogLine[];

  beforeAll(async () => {
    harness.pipelines.reset();
    // The call's events are from 2023: with 24 hours of retention its audio is long gone.
    const recorder = await harness.startRecorder({ DATA_RETENTION_HOURS: "24", METRICS_NAMESPACE: "RecorderTest" });
    logs = recorder.logs;
    await recorder.handler(sqsEvent(...ended(call)));
  });

  it("is not requested", () => {
    expect(harness.pipelines.requestsFor(call.callId)).toEqual([]);
  });

  it("is settled as audio_expired, not dead-lettered", async () => {
    expect((await harness.table.getItem(call.callId))?.outcome).toEqual({ S: "audio_expired" });
    expect(harness.deadLetters.messages.filter((message) => message.attributes.CallId === call.callId)).toEqual([]);
  });

  it("is counted as AudioExpired", () => {
    expect(logs.filter((line) => "AudioExpired" in line)).toEqual([
      expect.objectContaining({ VoiceConnectorId: VOICE_CONNECTOR_ID, AudioExpired: 1 }),
    ]);
  });
});

describe("an expired call whose events are delivered twice in one batch", () => {
  const call = makeCall("expired-twice");
  let logs: LogLine[];

  beforeAll(async () => {
    harness.pipelines.reset();
    const recorder = await harness.startRecorder({ DATA_RETENTION_HOURS: "24", METRICS_NAMESPACE: "RecorderTest" });
    logs = recorder.logs;
    await recorder.handler(sqsEvent(...ended(call), ...ended(call)));
  });

  it("is counted as AudioExpired once, by the attempt that settles it", () => {
    expect(logs.filter((line) => "AudioExpired" in line)).toHaveLength(1);
  });
});

describe("a refusal once part of the call's audio has expired", () => {
  // With one hour of retention: the call started an hour and 5 s ago and ended 10 s later, so
  // its first seconds are gone and its last are not.
  // Made when the case starts, not when the file loads: the suites before it take seconds.
  const firstCallMs = Date.parse("2023-04-05T22:14:02.238Z");
  let call: ReturnType<typeof makeCall>;

  beforeAll(async () => {
    call = makeCall("refused-expired", { offsetMs: Date.now() - 3_605_000 - firstCallMs });
    harness.pipelines.reset({ failWith: () => "BadRequestException" });
    const recorder = await harness.startRecorder({ DATA_RETENTION_HOURS: "1" });
    await recorder.handler(sqsEvent(...ended(call)));
  });

  it("was requested", () => {
    expect(harness.pipelines.requestsFor(call.callId)).toHaveLength(1);
  });

  it("ends as audio_expired, not in the dead-letter queue", async () => {
    expect((await harness.table.getItem(call.callId))?.outcome).toEqual({ S: "audio_expired" });
    expect(harness.deadLetters.messages.filter((message) => message.attributes.CallId === call.callId)).toEqual([]);
  });
});

describe("a batch in which one record's pipeline request hangs", () => {
  const hung = makeCall("hung");
  const waiting = makeCall("hung-neighbour");
  const timeoutMs = 5_000;
  let server: http.Server;
  let response: SQSBatchResponse;
  let elapsedMs: number;

  beforeAll(async () => {
    server = http.createServer(() => {
      // Accepts the request and never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const recorder = await harness.startRecorder({
      AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    const started = Date.now();
    response = await recorder.handler(sqsEvent(...ended(hung), streamingEvent(waiting, "caller", "ENDED")), { timeoutMs });
    elapsedMs = Date.now() - started;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("returns its partial response before the invocation's timeout", () => {
    expect(elapsedMs).toBeLessThan(timeoutMs);
  });

  it("fails only the record that could not finish", () => {
    expect(response.batchItemFailures).toHaveLength(1);
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
    expect(atLevel(logs, "WARN")).toEqual([
      expect.objectContaining({ callId: call.callId, operation: "UpdateItem", errorName: expect.any(String) }),
    ]);
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

  it("emits the PermanentPipelineFailures metric in Embedded Metric Format, in total and by connector", () => {
    expect(logs.filter((line) => "_aws" in line)).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: "RecorderTest",
              // An empty dimension set: the total across the recorded connectors, which the alarms watch.
              Dimensions: [[], ["VoiceConnectorId"]],
              Metrics: [{ Name: "PermanentPipelineFailures", Unit: "Count" }],
            },
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
  const cases: [string, object, string][] = [
    [
      "another connector's",
      { ...permanentFailure, detail: { ...permanentFailure.detail, voiceConnectorId: "anothervoiceconnector1" } },
      "anothervoiceconnector1",
    ],
    ["one without a connector id (the shared sample verbatim)", permanentFailure, "unknown"],
  ];

  describe.each(cases)("%s", (_name, event, connector) => {
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

    it("is counted as a dropped event of another connector, under the connector it names", () => {
      expect(logs.filter((line) => "DroppedEvents" in line)).toEqual([
        expect.objectContaining({ VoiceConnectorId: connector, Reason: "foreign_connector", DroppedEvents: 1 }),
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
      logs: [
        expect.objectContaining({
          level: "ERROR",
          error: expect.objectContaining({ message: expect.stringContaining("RECORDING_BUCKET") }),
        }),
      ],
    });
  });
});
