/**
 * The built bundle against dynalite, the fake media pipelines API and a model-true loopback SSM Parameter
 * Store: calls with a listed number get no pipeline and end as not_recorded, a changed list applies within
 * the cache period, and recording_format Opus reaches the request.
 */
import { SWEEP_EVENT } from "../../lambda/recorder/sweep";
import { makeCall, streamingEvent, VOICE_CONNECTOR_ID } from "./support/events";
import {
  atLevel,
  drained,
  expectedRecording,
  type Harness,
  type RecorderProcess,
  sqsEvent,
  startHarness,
} from "./support/harness";
import { type ParameterStore, startParameterStore } from "./support/parameter-store";
import { SqsSimulator } from "./support/sqs-simulator";

const NAME = "/call-recorder/recorder/do-not-record-numbers";
// The numbers every test call carries (the AWS documentation sample's).
const CALLER = "+18155551212";
const CALLEE = "+19285557777";

let harness: Harness;
let parameters: ParameterStore;

beforeAll(async () => {
  [harness, parameters] = await Promise.all([startHarness(VOICE_CONNECTOR_ID), startParameterStore()]);
  harness.pipelines.reset({ maxActive: Number.MAX_SAFE_INTEGER });
});

afterAll(async () => {
  await harness.close();
  parameters.verify();
  await parameters.close();
});

afterEach(async () => {
  await harness.stopRecorders();
});

const listing = (...numbers: string[]) => parameters.put(NAME, JSON.stringify(numbers));
const startRecorder = (overrides: Record<string, string> = {}): Promise<RecorderProcess> =>
  harness.startRecorder({
    AWS_ENDPOINT_URL_SSM: parameters.url,
    DO_NOT_RECORD_PARAMETER: NAME,
    DO_NOT_RECORD_CACHE_SECONDS: "1",
    ...overrides,
  });

/** Both legs' ENDED events of a new call through the queue, one at a time. */
async function endCall(recorder: RecorderProcess, callId: string, offsetMs: number) {
  const call = makeCall(callId, { offsetMs });
  const queue = new SqsSimulator({ handlers: [recorder.handler], batchSize: 1 });
  queue.sendAll([streamingEvent(call, "caller", "ENDED"), streamingEvent(call, "callee", "ENDED")]);
  await drained(queue);
  return call;
}

const outcomeOf = async (callId: string) => (await harness.table.getItem(callId))?.outcome?.S;
const notRecordedMetrics = (recorder: RecorderProcess) =>
  recorder.logs.filter(
    (line) =>
      (line._aws as { CloudWatchMetrics?: { Metrics: { Name: string }[] }[] } | undefined)?.CloudWatchMetrics?.[0].Metrics[0]
        .Name === "NotRecorded",
  );

describe("a call with a number on the do-not-record list", () => {
  it.each([
    ["the caller", CALLER, "fromNumber"],
    ["the callee", CALLEE, "toNumber"],
  ])("gets no pipeline when %s is listed, ends as not_recorded and is counted once", async (_who, number, listed) => {
    listing(number);
    const recorder = await startRecorder();
    const call = await endCall(recorder, `listed-${listed}`, 0);
    expect(harness.pipelines.requestsFor(call.callId)).toEqual([]);
    expect(await outcomeOf(call.callId)).toBe("not_recorded");
    expect(notRecordedMetrics(recorder)).toHaveLength(1);
    expect(atLevel(recorder.logs, "INFO")).toContainEqual(
      expect.objectContaining({ callId: call.callId, outcome: "not_recorded", listed }),
    );
  });

  it("is counted once by outcome when two deliveries of its ENDED settle it at the same time", async () => {
    listing(CALLER);
    const recorder = await startRecorder();
    const call = makeCall("listed-redelivered", { offsetMs: 390_000 });
    const ended = streamingEvent(call, "caller", "ENDED");
    expect((await recorder.handler(sqsEvent(ended, ended))).batchItemFailures).toEqual([]);
    expect(recorder.logs.filter((line) => "Calls" in line).map((line) => line.Outcome)).toEqual(["not_recorded"]);
  });

  it("takes the other leg's on-time ENDED as absorbed: no late-leg warning, no LateLegs", async () => {
    listing(CALLER);
    const recorder = await startRecorder();
    const call = await endCall(recorder, "listed-both-legs", 30_000);
    expect([atLevel(recorder.logs, "WARN"), recorder.logs.filter((line) => "LateLegs" in line)]).toEqual([[], []]);
    expect(await outcomeOf(call.callId)).toBe("not_recorded");
  });

  it("keeps the listed number out of the logs", async () => {
    listing(CALLER);
    const recorder = await startRecorder();
    const call = await endCall(recorder, "listed-quiet", 60_000);
    expect(recorder.logs).toContainEqual(expect.objectContaining({ callId: call.callId, outcome: "not_recorded" }));
    expect(JSON.stringify(recorder.logs)).not.toContain(CALLER);
  });

  it("is recorded when neither number is listed", async () => {
    listing("+12065550100");
    const recorder = await startRecorder();
    const call = await endCall(recorder, "unlisted", 120_000);
    expect(harness.pipelines.pipelinesFor(call.callId)).toHaveLength(1);
    expect(await outcomeOf(call.callId)).toBe("recorded");
  });
});

describe("a list changed while the recorder runs", () => {
  it("applies to calls that end once the cache period has passed, and not before", async () => {
    listing("+12065550100");
    const recorder = await startRecorder();
    const before = await endCall(recorder, "changed-before", 180_000);
    listing("+12065550100", CALLER);
    const during = await endCall(recorder, "changed-during", 240_000);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after = await endCall(recorder, "changed-after", 300_000);
    expect([await outcomeOf(before.callId), await outcomeOf(during.callId), await outcomeOf(after.callId)]).toEqual([
      "recorded",
      "recorded",
      "not_recorded",
    ]);
    expect(harness.pipelines.requestsFor(after.callId)).toEqual([]);
  });
});

describe("a lone leg the sweep records after its number was listed", () => {
  it("gets no pipeline and ends as not_recorded", async () => {
    listing();
    const recorder = await startRecorder({ LEG_WAIT_SECONDS: "1" });
    const call = makeCall("listed-before-sweep", { offsetMs: 330_000 });
    await recorder.handler(sqsEvent(streamingEvent(call, "caller", "ENDED")));
    listing(CALLER);
    // Past LEG_WAIT_SECONDS and the list's cache period (1 s).
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await recorder.handler(sqsEvent(SWEEP_EVENT));
    expect([harness.pipelines.requestsFor(call.callId), await outcomeOf(call.callId)]).toEqual([[], "not_recorded"]);
  });
});

describe("a list that cannot be read", () => {
  it("returns the event to the queue, stores nothing and starts no pipeline; the next delivery decides", async () => {
    listing(CALLER);
    parameters.fail("InternalServerError");
    const recorder = await startRecorder();
    const call = makeCall("unreadable", { offsetMs: 360_000 });
    const event = streamingEvent(call, "caller", "ENDED");
    const failed = await recorder.handler({
      Records: [{ messageId: "m1", body: JSON.stringify(event) } as never],
    });
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
    expect(await harness.table.getItem(call.callId)).toBeUndefined();
    parameters.fail(undefined);
    await endCall(recorder, call.callId, 360_000);
    expect(await outcomeOf(call.callId)).toBe("not_recorded");
    expect(harness.pipelines.requestsFor(call.callId)).toEqual([]);
  });
});

describe("recording_format Opus", () => {
  it("asks the pipeline for Opus in an .ogg file", async () => {
    listing();
    const recorder = await startRecorder({ RECORDING_FORMAT: "Opus" });
    const call = await endCall(recorder, "opus", 420_000);
    const created = harness.pipelines.pipelinesFor(call.callId);
    expect(created).toHaveLength(1);
    expect(created[0].body).toEqual({
      ...expectedRecording(call, ["caller", "callee"]),
      S3RecordingSinkRuntimeConfiguration: {
        Destination: `arn:aws:s3:::call-recordings-111122223333/recordings/${call.callId}.ogg`,
        RecordingFileFormat: "Opus",
      },
    });
  });
});
