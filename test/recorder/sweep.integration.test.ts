/**
 * The built bundle's sweep: calls whose other leg never reports are settled LEG_WAIT_SECONDS
 * after their first event, a bounded number per sweep message.
 */
import type { SQSBatchResponse } from "aws-lambda";
import { SWEEP_EVENT } from "../../lambda/recorder/sweep";
import { makeCall, streamingEvent, VOICE_CONNECTOR_ID } from "./support/events";
import { expectOneRecording, type Harness, type RecorderProcess, sqsEvent, startHarness } from "./support/harness";

const LEG_WAIT_SECONDS = 1;
const overdue = () => new Promise((resolve) => setTimeout(resolve, LEG_WAIT_SECONDS * 1000 + 100));

let harness: Harness;
let recorder: RecorderProcess;

// A fresh table per test: a sweep settles every overdue call in the table, whichever test left it.
beforeEach(async () => {
  harness = await startHarness(VOICE_CONNECTOR_ID);
  harness.pipelines.reset({ maxActive: Number.MAX_SAFE_INTEGER });
  recorder = await harness.startRecorder({ LEG_WAIT_SECONDS: String(LEG_WAIT_SECONDS) });
});

afterEach(async () => {
  await harness.close();
});

const sweep = (): Promise<SQSBatchResponse> => recorder.handler(sqsEvent(SWEEP_EVENT));

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

  it("is not recorded again when its late leg finally arrives", async () => {
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await overdue();
    await sweep();
    await recorder.handler(sqsEvent(streamingEvent(call, "callee", "ENDED")));
    expect(harness.pipelines.requestsFor(call.callId)).toHaveLength(1);
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
});

describe("the work of one sweep", () => {
  const waiting = Array.from({ length: 60 }, (_, index) => makeCall(`backlog-${index}`));

  async function backlog(): Promise<void> {
    for (const call of waiting) await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await overdue();
  }

  it("is at most 50 calls", async () => {
    await backlog();
    await sweep();
    expect(harness.pipelines.stats.created).toBe(50);
  });

  it("leaves the rest to the next sweep", async () => {
    await backlog();
    await sweep();
    await sweep();
    for (const call of waiting) expectOneRecording(harness.pipelines, call, ["caller"]);
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
      [{ source: "call-recorder.retry", "detail-type": "Record refused call", detail: { callId: call.callId, voiceConnectorId: VOICE_CONNECTOR_ID } }, "ForbiddenException"],
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

describe("a sweep during which a call fails", () => {
  it("is returned as a batch item failure", async () => {
    const call = makeCall("sweep-throttled");
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    await overdue();
    harness.pipelines.reset({ failWith: () => "ServiceFailureException" });
    expect((await sweep()).batchItemFailures).toHaveLength(1);
  });
});
