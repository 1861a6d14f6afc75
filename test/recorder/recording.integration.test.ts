/**
 * The built bundle against dynalite and the fake media pipelines API, fed through the SQS
 * simulator: how the two legs of a call become exactly one recording.
 */
import type { SQSBatchResponse } from "aws-lambda";
import {
  type Call,
  callEvents,
  type EventBridgeEvent,
  makeCall,
  type Side,
  streamingEvent,
  VOICE_CONNECTOR_ID,
} from "./support/events";
import {
  atLevel,
  drained,
  expectedRecording,
  expectOneRecording,
  type Harness,
  permutations,
  type RecorderProcess,
  shuffled,
  sqsEvent,
  startHarness,
} from "./support/harness";
import { SqsSimulator } from "./support/sqs-simulator";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(VOICE_CONNECTOR_ID);
  // The pipeline quota has its own tests (resilience); here it would only add retries.
  harness.pipelines.reset({ maxActive: Number.MAX_SAFE_INTEGER });
});

afterAll(async () => {
  await harness.close();
});

afterEach(async () => {
  await harness.stopRecorders();
});

const calls = (name: string, count: number): Call[] =>
  Array.from({ length: count }, (_, index) => makeCall(`${name}-${index}`, { offsetMs: index * 37_123 }));

const ended = (call: Call) => [streamingEvent(call, "caller", "ENDED"), streamingEvent(call, "callee", "ENDED")];

describe("a call's events make exactly one recording of both legs", () => {
  it("when they arrive in order: STARTED, STARTED, ENDED, ENDED", async () => {
    const recorder = await harness.startRecorder();
    const call = makeCall("in-order");
    const queue = new SqsSimulator({ handlers: [recorder.handler], batchSize: 1 });
    queue.sendAll(callEvents(call));
    await drained(queue);
    expectOneRecording(harness.pipelines, call);
  });

  describe("in every order of its four events", () => {
    const orders = permutations([0, 1, 2, 3]);
    const orderCalls = orders.map((order, index) => ({
      order,
      call: makeCall(`order-${order.join("")}`, { offsetMs: index * 60_000 }),
    }));

    beforeAll(async () => {
      const recorder = await harness.startRecorder();
      // One poller and batches of one keep each call's events in exactly its order.
      const queue = new SqsSimulator({ handlers: [recorder.handler], batchSize: 1 });
      for (const { order, call } of orderCalls) {
        const events = callEvents(call);
        queue.sendAll(order.map((index) => events[index]));
      }
      await drained(queue);
    });

    it.each(orderCalls.map(({ order, call }) => [order.join(" "), call] as const))("order %s", (_order, call) => {
      expectOneRecording(harness.pipelines, call);
    });
  });

  it("when every event is delivered twice, in any order, to two instances", async () => {
    const [a, b] = await Promise.all([harness.startRecorder(), harness.startRecorder()]);
    const twice = calls("twice", 10);
    const queue = new SqsSimulator({ handlers: [a.handler, b.handler] });
    queue.sendAll(
      shuffled(
        twice.flatMap((call) => [...callEvents(call), ...callEvents(call)]),
        7,
      ),
    );
    await drained(queue);
    for (const call of twice) expectOneRecording(harness.pipelines, call);
  });

  it("when two instances process the two ENDED events at the same moment", async () => {
    const [a, b] = await Promise.all([harness.startRecorder(), harness.startRecorder()]);
    const together = calls("together", 10);
    await Promise.all(
      together.flatMap((call) => [
        a.handler(sqsEvent(streamingEvent(call, "caller", "ENDED"))),
        b.handler(sqsEvent(streamingEvent(call, "callee", "ENDED"))),
      ]),
    );
    for (const call of together) expectOneRecording(harness.pipelines, call);
  });
});

describe("a SIPREC call whose events carry no isCaller (no RFC 7865 recording metadata)", () => {
  const roleless = (event: EventBridgeEvent): EventBridgeEvent => {
    const { isCaller: _isCaller, ...detail } = event.detail;
    return { ...event, detail };
  };
  const siprecEvents = (call: Call) => callEvents(call).map(roleless);
  // The callee's stream starts first in every synthetic call, so it takes the first channel.
  const startOrder: Side[] = ["callee", "caller"];

  describe("in every order of its four events", () => {
    const orders = permutations([0, 1, 2, 3]);
    const orderCalls = orders.map((order, index) => ({
      order,
      call: makeCall(`siprec-${order.join("")}`, { offsetMs: index * 60_000 }),
    }));

    beforeAll(async () => {
      const recorder = await harness.startRecorder();
      const queue = new SqsSimulator({ handlers: [recorder.handler], batchSize: 1 });
      for (const { order, call } of orderCalls) {
        const events = siprecEvents(call);
        queue.sendAll(order.map((index) => events[index]));
      }
      await drained(queue);
    });

    it.each(orderCalls.map(({ order, call }) => [order.join(" "), call] as const))(
      "order %s: one recording, earlier stream first",
      (_order, call) => {
        expectOneRecording(harness.pipelines, call, startOrder);
      },
    );
  });

  it("is recorded once when every event is delivered twice, in any order, to two instances", async () => {
    const [a, b] = await Promise.all([harness.startRecorder(), harness.startRecorder()]);
    const twice = calls("siprec-twice", 10);
    const queue = new SqsSimulator({ handlers: [a.handler, b.handler] });
    queue.sendAll(
      shuffled(
        twice.flatMap((call) => [...siprecEvents(call), ...siprecEvents(call)]),
        5,
      ),
    );
    await drained(queue);
    for (const call of twice) expectOneRecording(harness.pipelines, call, startOrder);
  });

  describe("once recorded", () => {
    const call = makeCall("siprec-item");
    let recorder: RecorderProcess;

    beforeAll(async () => {
      recorder = await harness.startRecorder();
      await recorder.handler(sqsEvent(...ended(call).map(roleless)));
    });

    it("keeps unknown channel roles in the call's item", async () => {
      const item = await harness.table.getItem(call.callId);
      expect([item?.outcome, item?.channel_roles]).toEqual([{ S: "recorded" }, { L: [{ S: "unknown" }, { S: "unknown" }] }]);
    });

    it("warns that the channel roles are unknown", () => {
      const warnings = atLevel(recorder.logs, "WARN").filter((line) => line.callId === call.callId);
      expect(warnings.map((line) => line.message)).toEqual([expect.stringContaining("channel roles are unknown")]);
    });
  });
});

describe("the cost of a call", () => {
  let queue: SqsSimulator;
  const costed = calls("cost", 20);

  beforeAll(async () => {
    const recorder = await harness.startRecorder();
    harness.table.resetCounts();
    // One event per invocation: events of one call racing in a batch can cost a claim that loses (see bench:recorder).
    queue = new SqsSimulator({ handlers: [recorder.handler], batchSize: 1 });
    queue.sendAll(costed.flatMap(callEvents));
    await drained(queue);
  });

  it("is at most six DynamoDB requests before its check: two legs started, two ended, the claim and the settlement", () => {
    expect(harness.table.total()).toBeLessThanOrEqual(6 * costed.length);
  });

  it("is one pipeline request", () => {
    expect(costed.map((call) => harness.pipelines.requestsFor(call.callId).length)).toEqual(costed.map(() => 1));
  });

  it("needs no retry: one invocation per event, as each is delivered alone here (in batches of 10, bench:recorder measures 0.4 a call)", () => {
    expect([queue.stats.invocations, queue.stats.deliveries]).toEqual([4 * costed.length, 4 * costed.length]);
  });
});

describe("the call's item once recorded", () => {
  const call = makeCall("item");
  let item: Awaited<ReturnType<Harness["table"]["getItem"]>>;

  beforeAll(async () => {
    const recorder = await harness.startRecorder();
    await recorder.handler(sqsEvent(...ended(call)));
    item = await harness.table.getItem(call.callId);
  });

  it("names the pipeline and the outcome", () => {
    expect(item).toMatchObject({
      pipeline_arn: { S: harness.pipelines.pipelinesFor(call.callId)[0].arn },
      outcome: { S: "recorded" },
      recorded_at: { N: expect.any(String) },
    });
  });

  it("has left the pending calls for the recording checks, due when the pipeline may have written the file", () => {
    // Call of 15.55 s started now: checked 15.55 s plus 15 minutes later.
    const dueMs = Number(item?.pending_since?.N) - Number(item?.recorded_at?.N);
    expect([item?.pending, dueMs]).toEqual([{ S: "check" }, 15_550 + 15 * 60_000]);
  });

  it("expires CALL_TTL_DAYS (7) after the first event", () => {
    const expiresAt = Number(item?.expires_at?.N);
    expect(Math.abs(expiresAt - (Date.now() / 1000 + 7 * 86_400))).toBeLessThan(120);
  });
});

describe("the recording's destination follows RECORDING_BUCKET_PREFIX", () => {
  it.each([
    ["", ""],
    ["a", "a/"],
    ["a/", "a/"],
    ["/a/b/", "a/b/"],
  ])("prefix %j puts the file under %j", async (prefix, keyPrefix) => {
    const recorder = await harness.startRecorder({ RECORDING_BUCKET_PREFIX: prefix });
    const call = makeCall(`prefix-${keyPrefix.replace(/\//g, "-") || "root"}`);
    await recorder.handler(sqsEvent(...ended(call)));
    expectOneRecording(harness.pipelines, call, ["caller", "callee"], keyPrefix);
  });
});

describe("a call with a FAILED event, which names the call and not the leg", () => {
  it.each([
    ["the FAILED first", ["FAILED", "ENDED"]],
    ["the ENDED first", ["ENDED", "FAILED"]],
  ])("is recorded from its ended leg at once, with %s", async (name, order) => {
    const recorder = await harness.startRecorder();
    const call = makeCall(`one-failed-${name.replace(/\W/g, "")}`);
    const events = { FAILED: streamingEvent(call, "callee", "FAILED"), ENDED: streamingEvent(call, "caller", "ENDED") };
    const queue = new SqsSimulator({ handlers: [recorder.handler], batchSize: 1 });
    queue.sendAll(order.map((status) => events[status as "FAILED" | "ENDED"]));
    await drained(queue);
    expectOneRecording(harness.pipelines, call, ["caller"]);
  });

  it("is marked single_leg", async () => {
    const recorder = await harness.startRecorder();
    const call = makeCall("single-leg-outcome");
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "FAILED")));
    await recorder.handler(sqsEvent(streamingEvent(call, "callee", "ENDED")));
    expect((await harness.table.getItem(call.callId))?.outcome).toEqual({ S: "single_leg" });
  });

  it("counts a redelivered FAILED once: the call waits for its other leg", async () => {
    const recorder = await harness.startRecorder();
    const call = makeCall("failed-twice");
    const failed = streamingEvent(call, "caller", "FAILED");
    await recorder.handler(sqsEvent(failed));
    await recorder.handler(sqsEvent(failed));
    const item = await harness.table.getItem(call.callId);
    expect([item?.outcome, item?.pending]).toEqual([undefined, { S: "1" }]);
  });

  it("counts two legs failing in the same millisecond twice: the call is closed at once", async () => {
    const recorder = await harness.startRecorder();
    const call = makeCall("failed-same-ms");
    const first = streamingEvent(call, "caller", "FAILED");
    const second = { ...first, id: `${first.id}-other-leg` };
    await recorder.handler(sqsEvent(first));
    await recorder.handler(sqsEvent(second));
    expect((await harness.table.getItem(call.callId))?.outcome).toEqual({ S: "no_audio" });
  });

  it("counts a redelivered FAILED once when its first delivery was stored by the previous version (fail times only)", async () => {
    const recorder = await harness.startRecorder();
    const call = makeCall("failed-before-upgrade");
    const failed = streamingEvent(call, "caller", "FAILED");
    await harness.table.putItem({
      call_id: { S: call.callId },
      expires_at: { N: String(Math.floor(Date.now() / 1000) + 86_400) },
      pending: { S: "1" },
      pending_since: { N: String(Date.now()) },
      failed_at: { NS: [String(Date.parse(String(failed.detail.failTime)))] },
    });
    await recorder.handler(sqsEvent(failed));
    const item = await harness.table.getItem(call.callId);
    expect([item?.outcome, item?.pending]).toEqual([undefined, { S: "1" }]);
  });

  it("records the ended leg when it follows a redelivered FAILED", async () => {
    const recorder = await harness.startRecorder();
    const call = makeCall("failed-twice-then-ended");
    const failed = streamingEvent(call, "caller", "FAILED");
    const queue = new SqsSimulator({ handlers: [recorder.handler], batchSize: 1 });
    queue.sendAll([failed, failed, streamingEvent(call, "callee", "ENDED")]);
    await drained(queue);
    expectOneRecording(harness.pipelines, call, ["callee"]);
  });

  it("records the first ENDED after a FAILED at once, and a later ENDED on its own: the call is split, no leg lost", async () => {
    const recorder = await harness.startRecorder();
    const call = makeCall("failed-then-two-ended");
    const queue = new SqsSimulator({ handlers: [recorder.handler], batchSize: 1 });
    queue.sendAll([
      streamingEvent(call, "caller", "FAILED"),
      streamingEvent(call, "callee", "ENDED"),
      streamingEvent(call, "caller", "ENDED"),
    ]);
    await drained(queue);
    const [first, late] = harness.pipelines.pipelinesFor(call.callId).map((pipeline) => pipeline.body);
    expect([first, late]).toEqual([
      expectedRecording(call, ["callee"]),
      expect.objectContaining({
        KinesisVideoStreamRecordingSourceRuntimeConfiguration: expect.objectContaining({
          Streams: [{ StreamArn: call.caller.streamArn }],
        }),
        S3RecordingSinkRuntimeConfiguration: expect.objectContaining({ Destination: expect.stringMatching(/-caller\.wav$/) }),
      }),
    ]);
  });

  describe("when both legs failed", () => {
    const call = makeCall("both-failed");
    let recorder: RecorderProcess;

    beforeAll(async () => {
      recorder = await harness.startRecorder();
      await recorder.handler(sqsEvent(streamingEvent(call, "caller", "FAILED")));
      await recorder.handler(sqsEvent(streamingEvent(call, "callee", "FAILED")));
    });

    it("starts no pipeline", () => {
      expect(harness.pipelines.requestsFor(call.callId)).toEqual([]);
    });

    it("closes the call as no_audio at once, out of the pending-calls index", async () => {
      const item = await harness.table.getItem(call.callId);
      expect([item?.outcome, item?.pending, item?.recorded_at?.N === undefined]).toEqual([{ S: "no_audio" }, undefined, false]);
    });

    it("warns", () => {
      expect(atLevel(recorder.logs, "WARN").some((line) => line.callId === call.callId && line.outcome === "no_audio")).toBe(
        true,
      );
    });
  });
});

describe("a call whose id is a SIP Call-ID (opaque, with @)", () => {
  const call = makeCall("a84b4c76e66710@pc33.atlanta.com");

  beforeAll(async () => {
    const recorder = await harness.startRecorder();
    const queue = new SqsSimulator({ handlers: [recorder.handler] });
    queue.sendAll([...callEvents(call), ...callEvents(call)]);
    await drained(queue);
  });

  it("is recorded once, to a file named by its safe encoding", () => {
    expectOneRecording(harness.pipelines, call, ["caller", "callee"], "recordings/", "a84b4c76e66710_40pc33.atlanta.com");
  });

  it("is kept in the table under its id as is", async () => {
    expect((await harness.table.getItem(call.callId))?.outcome).toEqual({ S: "recorded" });
  });
});

describe("a call whose destination would be longer than the API takes", () => {
  // A 256-byte call id of @s (768 characters encoded), the longest prefix and bucket name: 1,050 characters.
  const call = makeCall("@".repeat(256));

  beforeAll(async () => {
    const recorder = await harness.startRecorder({ RECORDING_BUCKET: "b".repeat(63), RECORDING_BUCKET_PREFIX: "p".repeat(200) });
    await recorder.handler(sqsEvent(...ended(call)));
  });

  it("is recorded, to a destination of 1,024 characters", () => {
    const created = harness.pipelines.pipelinesFor(call.callId);
    expect(created.map((pipeline) => pipeline.body.S3RecordingSinkRuntimeConfiguration.Destination.length)).toEqual([1024]);
  });
});

describe("a much later redelivery of a recorded call's events", () => {
  const call = makeCall("redelivered");
  let response: SQSBatchResponse;

  beforeAll(async () => {
    const recorder = await harness.startRecorder();
    await recorder.handler(sqsEvent(...ended(call)));
    response = await recorder.handler(sqsEvent(...callEvents(call)));
  });

  it("makes no new API request", () => {
    expect(harness.pipelines.requestsFor(call.callId)).toHaveLength(1);
  });

  it("is acknowledged", () => {
    expect(response.batchItemFailures).toEqual([]);
  });
});

describe("events from another voice connector", () => {
  const foreign = makeCall("foreign", { voiceConnectorId: "anothervoiceconnector1" });
  let recorder: RecorderProcess;
  let response: SQSBatchResponse;

  beforeAll(async () => {
    recorder = await harness.startRecorder({ LOG_LEVEL: "DEBUG" });
    response = await recorder.handler(sqsEvent(...callEvents(foreign)));
  });

  it("start no pipeline", () => {
    expect(harness.pipelines.requestsFor(foreign.callId)).toEqual([]);
  });

  it("leave no trace in the table", async () => {
    expect(await harness.table.getItem(foreign.callId)).toBeUndefined();
  });

  it("are acknowledged", () => {
    expect(response.batchItemFailures).toEqual([]);
  });

  it("are logged as warnings", () => {
    expect(atLevel(recorder.logs, "WARN").filter((line) => line.voiceConnectorId === "anothervoiceconnector1")).toHaveLength(4);
  });

  it("are counted as DroppedEvents of reason foreign_connector", () => {
    // Each of the call's four events: two STARTED, two ENDED.
    expect(recorder.logs.filter((line) => "DroppedEvents" in line)).toEqual(
      Array.from({ length: 4 }, () => expect.objectContaining({ Reason: "foreign_connector", DroppedEvents: 1 })),
    );
  });
});

describe("malformed events", () => {
  const call = makeCall("malformed");
  const good = streamingEvent(call, "caller", "ENDED");
  const detail = good.detail;
  const malformed: [string, string | object][] = [
    ["body", "not json"],
    ["detail", { ...good, detail: null }],
    ["detail.callId", { ...good, detail: { ...detail, callId: "" } }],
    ["detail.streamArn", { ...good, detail: { ...detail, streamArn: undefined } }],
    ["detail.endTime", { ...good, detail: { ...detail, endTime: "not a time" } }],
    ["detail.isCaller", { ...good, detail: { ...detail, isCaller: "yes" } }],
    ["detail.streamingStatus", { ...good, detail: { ...detail, streamingStatus: "PAUSED" } }],
  ];
  let recorder: RecorderProcess;
  let queue: SqsSimulator;
  let ids: string[];

  beforeAll(async () => {
    recorder = await harness.startRecorder();
    queue = new SqsSimulator({ handlers: [recorder.handler] });
    ids = queue.sendAll(malformed.map(([, body]) => body));
    await drained(queue);
  });

  it("are acknowledged and never retried", () => {
    expect(queue.stats).toMatchObject({ deliveries: malformed.length, failedRecords: 0 });
  });

  it("start nothing", () => {
    expect(harness.pipelines.requestsFor(call.callId)).toEqual([]);
  });

  it("are each counted once as DroppedEvents of reason malformed: in total, by reason, by connector (unknown) and by both", () => {
    const metrics = recorder.logs.filter((line) => "DroppedEvents" in line);
    expect(metrics).toEqual(
      malformed.map(() =>
        expect.objectContaining({
          _aws: expect.objectContaining({
            CloudWatchMetrics: [
              {
                Namespace: "ChimeCallRecorder",
                Dimensions: [[], ["Reason"], ["VoiceConnectorId"], ["VoiceConnectorId", "Reason"]],
                Metrics: [{ Name: "DroppedEvents", Unit: "Count" }],
              },
            ],
          }),
          // A malformed event's connector cannot be trusted.
          VoiceConnectorId: "unknown",
          Reason: "malformed",
          DroppedEvents: 1,
        }),
      ),
    );
  });

  it.each(malformed.map(([field], index) => [field, index] as const))("log one error naming %s", (field, index) => {
    const errors = atLevel(recorder.logs, "ERROR").filter((line) => line.messageId === ids[index]);
    expect(errors.map((line) => line.field)).toEqual([field]);
  });
});
