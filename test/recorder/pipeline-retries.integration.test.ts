/**
 * A pipeline that fails for good is started again, and a missing recording reads as missing: the
 * built bundle against dynalite, the loopback S3 and the media-pipelines fake, whose pipelines can
 * fail and which answers GetMediaPipeline.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SWEEP_EVENT } from "../../lambda/recorder/sweep";
import { type Call, callEvents, makeCall, permanentFailureEvent, VOICE_CONNECTOR_ID } from "./support/events";
import { expectedRecording, type Harness, type RecorderProcess, sqsEvent, startHarness } from "./support/harness";
import { RECORDING_BUCKET } from "./support/recorder-env";

const ACCESS_DENIED = "Access denied when assuming resource access role";

let harness: Harness;

afterEach(async () => {
  await harness.close();
});

async function start(overrides: Record<string, string> = {}, s3?: Parameters<typeof startHarness>[1]): Promise<RecorderProcess> {
  harness = await startHarness(VOICE_CONNECTOR_ID, s3);
  harness.pipelines.reset({
    runMs: 20,
    recordingOutcome: () => "verified",
    // The first attempt fails, as during a key-policy or bucket-policy mistake.
    pipelineFails: (body) => body.MediaInsightsRuntimeMetadata.attempt === "1",
  });
  return harness.startRecorder({ RECORDING_CHECK_DELAY_SECONDS: "0", ...overrides });
}

const deliver = async (recorder: RecorderProcess, ...events: object[]) => {
  for (const event of events) expect((await recorder.handler(sqsEvent(event))).batchItemFailures).toEqual([]);
};
/** The failure event of `call`'s attempt, echoing the runtime metadata the recorder passed. */
const failureOf = (call: Call, attempt: number) =>
  permanentFailureEvent({
    pipelineArn: harness.pipelines.pipelinesFor(call.callId)[attempt - 1].arn,
    failureReason: ACCESS_DENIED,
    metadata: { callId: call.callId, voiceConnectorId: VOICE_CONNECTOR_ID, recording: "call", attempt: String(attempt) },
  });
const bodies = (call: Call) => harness.pipelines.pipelinesFor(call.callId).map((pipeline) => pipeline.body);
const record = (call: Call) =>
  JSON.parse(harness.s3.get(RECORDING_BUCKET, `recordings/${call.callId}.json`)?.toString("utf8") ?? "null");
const counted = (recorder: RecorderProcess, name: string) => recorder.logs.filter((line) => name in line).length;
/** Lets the pipelines finish, then sweeps: the recordings are checked and the record written. */
const checked = async (recorder: RecorderProcess) => {
  await sleep(150);
  await deliver(recorder, SWEEP_EVENT);
};

describe("a pipeline that fails for good, then succeeds", () => {
  const call = makeCall("retry-after-failure");
  let recorder: RecorderProcess;

  beforeEach(async () => {
    recorder = await start();
    await deliver(recorder, ...callEvents(call));
    await sleep(50);
    await deliver(recorder, failureOf(call, 1));
  });

  it("is started again with a new token and the same streams, range and destination", () => {
    const [first, second] = bodies(call);
    expect([first, second]).toEqual([
      expectedRecording(call, ["caller", "callee"]),
      {
        ...first,
        ClientRequestToken: expect.not.stringMatching(first.ClientRequestToken),
        MediaInsightsRuntimeMetadata: { ...first.MediaInsightsRuntimeMetadata, attempt: "2" },
      },
    ]);
  });

  it("ignores a failure event of the first attempt that arrives after the second started", async () => {
    await deliver(recorder, failureOf(call, 1));
    expect([bodies(call).length, counted(recorder, "PipelineRetries"), counted(recorder, "PermanentPipelineFailures")]).toEqual([
      2, 1, 1,
    ]);
  });

  it("lists each attempt in the call's record, the first with why it failed", async () => {
    await checked(recorder);
    const [first, second] = harness.pipelines.pipelinesFor(call.callId).map((pipeline) => pipeline.arn);
    expect([record(call).outcome, record(call).recording.pipelineArn, record(call).recording.attempts]).toEqual([
      "recorded",
      second,
      [
        { attempt: 1, pipelineArn: first, requestedAt: expect.stringMatching(/Z$/), failureReason: ACCESS_DENIED },
        { attempt: 2, pipelineArn: second, requestedAt: expect.stringMatching(/Z$/), failureReason: null },
      ],
    ]);
  });
});

describe("a pipeline that fails for good without its event arriving", () => {
  it("is found by the recording's check (GetMediaPipeline says Failed) and started again", async () => {
    const recorder = await start();
    const call = makeCall("retry-found-by-check");
    await deliver(recorder, ...callEvents(call));
    await checked(recorder);
    await checked(recorder);
    expect([bodies(call).map((body) => body.MediaInsightsRuntimeMetadata.attempt), record(call).outcome]).toEqual([
      ["1", "2"],
      "recorded",
    ]);
  });
});

describe("a recording not there yet when its check is due, its pipeline still running", () => {
  it("is checked again later: neither missing nor started again", async () => {
    const recorder = await start();
    harness.pipelines.reset({ runMs: 60_000, recordingOutcome: () => "none" });
    const call = makeCall("still-running");
    await deliver(recorder, ...callEvents(call));
    await checked(recorder);
    const item = await harness.table.getItem(call.callId);
    expect([
      record(call),
      counted(recorder, "RecordingsMissing"),
      bodies(call).length,
      harness.pipelines.stats.described,
      item?.pending,
      Number(item?.check_attempts?.N),
    ]).toEqual([null, 0, 1, 1, { S: "check" }, 1]);
  });
});

describe("the last attempt failing", () => {
  it("dead-letters the call and counts PipelineRetriesExhausted", async () => {
    const recorder = await start({ MAX_PIPELINE_ATTEMPTS: "2" });
    harness.pipelines.reset({ runMs: 20, pipelineFails: () => true });
    const call = makeCall("retries-exhausted");
    await deliver(recorder, ...callEvents(call));
    await deliver(recorder, failureOf(call, 1));
    await deliver(recorder, failureOf(call, 2));
    expect([
      bodies(call).length,
      harness.deadLetters.messages.map((message) => [message.attributes.CallId, message.attributes.ErrorName]),
      counted(recorder, "PipelineRetriesExhausted"),
    ]).toEqual([2, [[call.callId, "MediaInsightsPermanentFailure"]], 1]);
  });

  it("dead-letters it once, however often the last failure is told: a redelivered event, then the check", async () => {
    const recorder = await start({ MAX_PIPELINE_ATTEMPTS: "1" });
    harness.pipelines.reset({ runMs: 20, pipelineFails: () => true });
    const call = makeCall("retries-exhausted-once");
    await deliver(recorder, ...callEvents(call));
    await deliver(recorder, failureOf(call, 1), failureOf(call, 1));
    await checked(recorder);
    expect([
      harness.deadLetters.messages.length,
      counted(recorder, "PipelineRetriesExhausted"),
      bodies(call).length,
      record(call).outcome,
    ]).toEqual([1, 1, 1, "missing"]);
  });

  it("takes a redrive of the dead letter, once the cause is fixed, as the go-ahead for one more attempt", async () => {
    const recorder = await start({ MAX_PIPELINE_ATTEMPTS: "1" });
    const call = makeCall("retries-redriven");
    await deliver(recorder, ...callEvents(call));
    await deliver(recorder, failureOf(call, 1));
    const [deadLetter] = harness.deadLetters.messages;
    harness.pipelines.reset({ runMs: 20, recordingOutcome: () => "verified" });
    await deliver(recorder, JSON.parse(deadLetter.body));
    await checked(recorder);
    expect([bodies(call).map((body) => body.MediaInsightsRuntimeMetadata.attempt), record(call).outcome]).toEqual([
      ["2"],
      "recorded",
    ]);
  });
});

describe("a recording that never landed, under s3:ListBucket on the recordings' prefix only", () => {
  it("reads as missing even when S3 answers the read 403: a listing of its key finds nothing", async () => {
    // Whether S3 answers 403 or 404 then is unconfirmed; 403 is the case that used to read as a failed check.
    const recorder = await start({}, { listPrefix: "recordings/", missingKeyStatus: 403 });
    harness.pipelines.reset({ runMs: 20, recordingOutcome: () => "none" });
    const call = makeCall("missing-behind-403");
    await deliver(recorder, ...callEvents(call));
    await checked(recorder);
    expect([record(call).outcome, counted(recorder, "RecordingsMissing"), counted(recorder, "RecordingChecksFailed")]).toEqual([
      "missing",
      1,
      0,
    ]);
  });
});
