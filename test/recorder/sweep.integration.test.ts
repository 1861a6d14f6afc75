/**
 * The built bundle's sweep: calls whose other leg never reports are settled LEG_WAIT_SECONDS
 * after their first event; calls whose try fails are put off, each on its own, so none starves.
 */
import type { SQSBatchResponse } from "aws-lambda";
import { SWEEP_RESERVE_MS } from "../../lambda/recorder/call-sweep";
import { SWEEP_EVENT } from "../../lambda/recorder/sweep";
import { type Call, makeCall, streamingEvent, VOICE_CONNECTOR_ID } from "./support/events";
import { atLevel, expectOneRecording, type Harness, type RecorderProcess, sqsEvent, startHarness } from "./support/harness";
import { startSlowEndpoint } from "./support/slow-endpoint";

const LEG_WAIT_SECONDS = 1;
const overdue = () => new Promise((resolve) => setTimeout(resolve, LEG_WAIT_SECONDS * 1000 + 100));

let harness: Harness;
let recorder: RecorderProcess;

// A fresh table per test: a sweep settles every overdue call in the table, whichever test left it.
beforeEach(async () => {
  harness = await startHarness(VOICE_CONNECTOR_ID);
  harness.pipelines.reset({ maxActive: Number.MAX_SAFE_INTEGER });
  recorder = await harness.startRecorder({ LEG_WAIT_SECONDS: String(LEG_WAIT_SECONDS), SWEEP_RETRY_SECONDS: "1" });
});

afterEach(async () => {
  await harness.close();
});

const sweep = (timeoutMs?: number): Promise<SQSBatchResponse> => recorder.handler(sqsEvent(SWEEP_EVENT), { timeoutMs });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a call whose other leg never ends", () => {
  const call = makeCall("lost-leg");

  it("is not swept before LEG_WAIT_SECONDS", async () => {
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await sweep();
    expect(harness.pipelines.requestsFor(call.callId)).toEqual([]);
  });

  it("is recorded from its ended leg once LEG_WAIT_SECONDS have passed", async () => {
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await overdue();
    await sweep();
    expectOneRecording(harness.pipelines, call, ["caller"]);
  });

  it("is marked single_leg once swept", async () => {
    await recorder.handler(sqsEvent(streamingEvent(call, "callee", "ENDED")));
    await overdue();
    await sweep();
    expect((await harness.table.getItem(call.callId))?.outcome).toEqual({ S: "single_leg" });
  });

  it("records a leg that arrives after its call was recorded on its own, in a file named after the leg", async () => {
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await overdue();
    await sweep();
    await recorder.handler(sqsEvent(streamingEvent(call, "callee", "ENDED")));
    const [first, late] = harness.pipelines.requestsFor(call.callId).map((request) => request.body);
    expect([first.KinesisVideoStreamRecordingSourceRuntimeConfiguration.Streams, late]).toEqual([
      [{ StreamArn: call.caller.streamArn }],
      expect.objectContaining({
        KinesisVideoStreamRecordingSourceRuntimeConfiguration: expect.objectContaining({
          Streams: [{ StreamArn: call.callee.streamArn }],
        }),
        S3RecordingSinkRuntimeConfiguration: expect.objectContaining({
          Destination: expect.stringMatching(/\/lost-leg-callee\.wav$/),
        }),
        MediaInsightsRuntimeMetadata: expect.objectContaining({ recording: "late_callee_leg", attempt: "1" }),
      }),
    ]);
  });

  it("warns about a leg that arrives after its call was claimed and counts it as LateLegs, once", async () => {
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await overdue();
    await sweep();
    await recorder.handler(sqsEvent(streamingEvent(call, "callee", "ENDED")));
    await recorder.handler(sqsEvent(streamingEvent(call, "callee", "ENDED")));
    const late = atLevel(recorder.logs, "WARN").filter((line) =>
      String(line.message).includes("after its call's recording was claimed"),
    );
    expect([late.map((line) => line.callId), recorder.logs.filter((line) => "LateLegs" in line).length]).toEqual([
      [call.callId],
      1,
    ]);
  });

  it("takes a redelivery of the recorded leg for what it is: no warning, no count", async () => {
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await overdue();
    await sweep();
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    expect(recorder.logs.filter((line) => "LateLegs" in line)).toEqual([]);
  });
});

describe("a call with only a failed leg", () => {
  it("is closed as no_audio once overdue", async () => {
    const call = makeCall("failed-only");
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "FAILED")));
    await overdue();
    await sweep();
    expect((await harness.table.getItem(call.callId))?.outcome).toEqual({ S: "no_audio" });
  });

  it("counts the other leg as late when it ends after the call was closed: its audio was not recorded", async () => {
    const call = makeCall("failed-then-late");
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "FAILED")));
    await overdue();
    await sweep();
    await recorder.handler(sqsEvent(streamingEvent(call, "callee", "ENDED")));
    expect(recorder.logs.filter((line) => "LateLegs" in line)).toHaveLength(1);
  });
});

describe("a sweep behind 60 calls whose requests keep failing", () => {
  const failing = Array.from({ length: 60 }, (_, index) => makeCall(`failing-${index}`));
  const healthy = makeCall("healthy-behind");
  let response: SQSBatchResponse;

  // Six seconds between tries: one sweep over 61 calls took over three on a machine loaded by other test files.
  const RETRY_SECONDS = 6;

  beforeEach(async () => {
    recorder = await harness.startRecorder({
      LEG_WAIT_SECONDS: String(LEG_WAIT_SECONDS),
      SWEEP_RETRY_SECONDS: String(RETRY_SECONDS),
    });
    // The failing calls are older, so they come first.
    for (const call of failing) await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await recorder.handler(sqsEvent(streamingEvent(healthy, "caller", "ENDED")));
    await overdue();
    harness.pipelines.reset({
      maxActive: Number.MAX_SAFE_INTEGER,
      failWith: (body) =>
        body.MediaInsightsRuntimeMetadata?.callId.startsWith("failing-") ? "ServiceFailureException" : undefined,
    });
    response = await sweep();
  });

  it("records the healthy call in its first sweep", () => {
    expectOneRecording(harness.pipelines, healthy, ["caller"]);
  });

  const attempts = () =>
    Promise.all(failing.map(async (call) => Number((await harness.table.getItem(call.callId))?.sweep_attempts?.N)));

  it("tries each failing call once", async () => {
    expect(await attempts()).toEqual(failing.map(() => 1));
  });

  it("is acknowledged: the schedule is its retry", () => {
    expect(response.batchItemFailures).toEqual([]);
  });

  it("does not try a failed call again before its next-attempt time", async () => {
    const before = harness.pipelines.stats.requests;
    await sweep();
    expect(harness.pipelines.stats.requests).toBe(before);
  });

  it("tries a failed call again once its delay has passed, then waits twice as long", async () => {
    await pause(RETRY_SECONDS * 1000 + 100);
    await sweep();
    const afterSecond = await attempts();
    await pause(RETRY_SECONDS * 1000 + 100);
    await sweep();
    expect([afterSecond, await attempts()]).toEqual([failing.map(() => 2), failing.map(() => 2)]);
  });

  it("reports the backlog: pending calls and the oldest one's age", async () => {
    const [pending, oldest] = ["PendingCalls", "OldestPendingCallAge"].map((name) =>
      recorder.logs.filter((line) => name in line).at(-1),
    );
    expect([pending?.PendingCalls, Number(oldest?.OldestPendingCallAge) >= LEG_WAIT_SECONDS]).toEqual([61, true]);
  });
});

describe("a sweep with little time left", () => {
  const backlog = Array.from({ length: 100 }, (_, index) => makeCall(`late-sweep-${index}`));

  it("records what fits before its deadline and leaves the rest to the next sweep", async () => {
    for (const call of backlog) await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await overdue();
    await sweep(SWEEP_RESERVE_MS + 100);
    const first = harness.pipelines.stats.created;
    await sweep();
    expect([first > 0 && first < backlog.length, harness.pipelines.stats.created]).toEqual([true, backlog.length]);
  });
});

describe("a sweep that meets a call the service refuses", () => {
  const call = makeCall("sweep-refused");
  let response: SQSBatchResponse;

  beforeEach(async () => {
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await overdue();
    harness.pipelines.reset({ failWith: () => "ForbiddenException" });
    response = await sweep();
  });

  it("is acknowledged", () => {
    expect(response.batchItemFailures).toEqual([]);
  });

  it("dead-letters the call once, with a retry message naming it", () => {
    expect(harness.deadLetters.messages.map((message) => [JSON.parse(message.body), message.attributes.ErrorName])).toEqual([
      [
        {
          source: "call-recorder.retry",
          "detail-type": "Record refused call",
          detail: { callId: call.callId, voiceConnectorId: VOICE_CONNECTOR_ID },
        },
        "ForbiddenException",
      ],
    ]);
  });

  it("does not try the call again in the next sweep", async () => {
    await sweep();
    expect(harness.pipelines.requestsFor(call.callId)).toHaveLength(1);
  });

  it("records the call once its retry message is redriven", async () => {
    harness.pipelines.reset();
    await recorder.handler(sqsEvent(JSON.parse(harness.deadLetters.messages[0].body)));
    expectOneRecording(harness.pipelines, call, ["caller"]);
  });
});

describe("a sweep that cannot send a refused call's dead letter", () => {
  const call = makeCall("sweep-refused-no-dlq");
  let response: SQSBatchResponse;

  beforeEach(async () => {
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await overdue();
    harness.pipelines.reset({ failWith: () => "ForbiddenException" });
    const cutOff = await harness.startRecorder({
      LEG_WAIT_SECONDS: String(LEG_WAIT_SECONDS),
      SWEEP_RETRY_SECONDS: "1",
      AWS_ENDPOINT_URL_SQS: "http://127.0.0.1:9",
      DEAD_LETTER_QUEUE_URL: "http://127.0.0.1:9/111122223333/call-recorder-dlq",
    });
    response = await cutOff.handler(sqsEvent(SWEEP_EVENT));
  });

  it("is acknowledged and keeps the call pending, put off", async () => {
    const item = await harness.table.getItem(call.callId);
    expect([response.batchItemFailures, item?.pending, item?.sweep_attempts]).toEqual([[], { S: "1" }, { N: "1" }]);
  });

  it("leaves the call to a later sweep, which dead-letters it once", async () => {
    await pause(1_100);
    await sweep();
    await sweep();
    const item = await harness.table.getItem(call.callId);
    expect([harness.deadLetters.messages.length, item?.pending]).toEqual([1, undefined]);
  });
});

describe("a sweep during which a call fails", () => {
  const call = makeCall("sweep-throttled");
  let response: SQSBatchResponse;

  beforeEach(async () => {
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await overdue();
    harness.pipelines.reset({ failWith: () => "ServiceFailureException" });
    response = await sweep();
  });

  it("is acknowledged", () => {
    expect(response.batchItemFailures).toEqual([]);
  });

  it("puts the call off, still pending, with its attempt counted", async () => {
    const item = await harness.table.getItem(call.callId);
    expect([item?.pending, item?.sweep_attempts]).toEqual([{ S: "1" }, { N: "1" }]);
  });
});

const sweepFailures = (logs: readonly { [name: string]: unknown }[]) => logs.filter((line) => "SweepFailures" in line).length;

describe("a sweep whose table does not answer", () => {
  let stalled: RecorderProcess;
  let response: SQSBatchResponse;

  beforeEach(async () => {
    const table = await startSlowEndpoint(harness.table.endpoint, { hold: () => null });
    stalled = await harness.startRecorder({ AWS_ENDPOINT_URL_DYNAMODB: table.url });
    response = await stalled.handler(sqsEvent(SWEEP_EVENT), { timeoutMs: 5_000 });
    await table.close();
  });

  it("is acknowledged before the invocation's deadline", () => {
    expect(response.batchItemFailures).toEqual([]);
  });

  it("is counted as a SweepFailures", () => {
    expect(sweepFailures(stalled.logs)).toBe(1);
  });
});

describe("a sweep whose table cannot be reached", () => {
  it("is acknowledged and counted as a SweepFailures", async () => {
    const cutOff = await harness.startRecorder({ AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9" });
    const response = await cutOff.handler(sqsEvent(SWEEP_EVENT));
    expect([response.batchItemFailures, sweepFailures(cutOff.logs)]).toEqual([[], 1]);
  });
});

describe("a sweep that completes", () => {
  it("counts no SweepFailures", async () => {
    await sweep();
    expect(sweepFailures(recorder.logs)).toBe(0);
  });
});

describe("a sweep call started just before the sweep's cutoff", () => {
  it("finishes inside the invocation even when each of its requests is slow or failing", async () => {
    const call = makeCall("slow-sweep");
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await overdue();
    // The pipeline starts after 2.8 s; settling it and putting it off each fail twice after 2.8 s:
    // about 14 s for the call, started with SWEEP_RESERVE_MS + 0.5 s left.
    const pipelines = await startSlowEndpoint(harness.pipelines.url, { hold: () => pause(2_800) });
    const table = await startSlowEndpoint(harness.table.endpoint, {
      hold: (operation) => pause(operation === "UpdateItem" ? 2_800 : 0),
      fails: (operation) => operation === "UpdateItem",
    });
    const slow = await harness.startRecorder({
      AWS_ENDPOINT_URL_DYNAMODB: table.url,
      AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES: pipelines.url,
      LEG_WAIT_SECONDS: String(LEG_WAIT_SECONDS),
    });
    const response = await slow.handler(sqsEvent(SWEEP_EVENT), { timeoutMs: SWEEP_RESERVE_MS + 500 });
    await Promise.all([table.close(), pipelines.close()]);
    const finished = slow.logs.filter((line) => line.message === "sweep finished");
    expect([response.batchItemFailures, finished.map((line) => line.failed)]).toEqual([[], [1]]);
  });
});

describe("a call left pending by the previous version (pending_since held its first event's time)", () => {
  const FIRST_EVENT_AGO_MS = 10_000;
  let upgraded: RecorderProcess;

  /** The item as the version before first_event_ms wrote it for a call whose caller leg ended. */
  async function writeOldItem(call: Call, firstEventMs: number): Promise<void> {
    const leg = call.caller;
    await harness.table.putItem({
      call_id: { S: call.callId },
      expires_at: { N: String(Math.floor(firstEventMs / 1000) + 7 * 86_400) },
      pending: { S: "1" },
      pending_since: { N: String(firstEventMs) },
      caller_leg: {
        M: {
          state: { S: "ENDED" },
          stream_arn: { S: leg.streamArn },
          start_ms: { N: String(leg.startMs) },
          end_ms: { N: String(leg.endMs) },
        },
      },
    });
  }

  beforeEach(async () => {
    // The default wait (900 s): the call's first event was 10 s ago.
    upgraded = await harness.startRecorder();
  });

  const sweepUpgraded = () => upgraded.handler(sqsEvent(SWEEP_EVENT));

  it("is not swept before LEG_WAIT_SECONDS after its first event", async () => {
    const call = makeCall("old-shape-waiting");
    await writeOldItem(call, Date.now() - FIRST_EVENT_AGO_MS);
    await sweepUpgraded();
    expect(harness.pipelines.requestsFor(call.callId)).toEqual([]);
  });

  it("is still not swept early once an event of the new version has updated its item", async () => {
    const call = makeCall("old-shape-redelivered");
    await writeOldItem(call, Date.now() - FIRST_EVENT_AGO_MS);
    await upgraded.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await sweepUpgraded();
    expect(harness.pipelines.requestsFor(call.callId)).toEqual([]);
  });

  it("counts its age in the backlog from its first event", async () => {
    await writeOldItem(makeCall("old-shape-age"), Date.now() - FIRST_EVENT_AGO_MS);
    await sweepUpgraded();
    const age = Number(upgraded.logs.filter((line) => "OldestPendingCallAge" in line).at(-1)?.OldestPendingCallAge);
    expect(age >= FIRST_EVENT_AGO_MS / 1000 && age < 60).toBe(true);
  });

  it("is recorded from its ended leg once LEG_WAIT_SECONDS after its first event have passed", async () => {
    const call = makeCall("old-shape-due");
    await writeOldItem(call, Date.now() - 901_000);
    await sweepUpgraded();
    expectOneRecording(harness.pipelines, call, ["caller"]);
  });

  it("keeps its first event's time when the service refuses it", async () => {
    const call = makeCall("old-shape-refused");
    const firstEventMs = Date.now() - 901_000;
    await writeOldItem(call, firstEventMs);
    harness.pipelines.reset({ failWith: () => "ForbiddenException" });
    await sweepUpgraded();
    expect((await harness.table.getItem(call.callId))?.first_event_ms).toEqual({ N: String(firstEventMs) });
  });

  it("keeps its first event's time when a failed try puts it off", async () => {
    const call = makeCall("old-shape-deferred");
    const firstEventMs = Date.now() - 901_000;
    await writeOldItem(call, firstEventMs);
    harness.pipelines.reset({ failWith: () => "ServiceFailureException" });
    await sweepUpgraded();
    expect((await harness.table.getItem(call.callId))?.first_event_ms).toEqual({ N: String(firstEventMs) });
  });
});
