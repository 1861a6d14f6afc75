/**
 * Every call the connector reports by any event is recorded, or accounted for: the built bundle with
 * STARTED events forwarded, against dynalite, the media-pipelines fake and a Kinesis Video Streams
 * stand-in whose fragments tell where a leg whose ENDED never came ended. Each case reproduces a loss
 * the recorder had before it kept an inventory from STARTED and claimed each recording request.
 */
import { SWEEP_EVENT } from "../../lambda/recorder/sweep";
import { type Call, makeCall, recentCall, streamingEvent, VOICE_CONNECTOR_ID } from "./support/events";
import { expectOneRecording, type Harness, type RecorderProcess, sqsEvent, startHarness } from "./support/harness";

const LEG_WAIT_SECONDS = 1;
const overdue = () => new Promise((resolve) => setTimeout(resolve, LEG_WAIT_SECONDS * 1000 + 100));

let harness: Harness;
let recorder: RecorderProcess;

beforeAll(async () => {
  harness = await startHarness(VOICE_CONNECTOR_ID);
  harness.pipelines.reset({ maxActive: Number.MAX_SAFE_INTEGER });
  recorder = await harness.startRecorder({ LEG_WAIT_SECONDS: String(LEG_WAIT_SECONDS), SWEEP_RETRY_SECONDS: "1" });
});

afterAll(async () => {
  await harness.close();
});

const deliver = async (...events: object[]) => {
  for (const event of events) expect((await recorder.handler(sqsEvent(event))).batchItemFailures).toEqual([]);
};
const sweep = () => recorder.handler(sqsEvent(SWEEP_EVENT));
const streamsOf = (call: Call) =>
  harness.pipelines
    .pipelinesFor(call.callId)
    .flatMap((pipeline) =>
      pipeline.body.KinesisVideoStreamRecordingSourceRuntimeConfiguration.Streams.map(
        (stream: { StreamArn: string }) => stream.StreamArn,
      ),
    )
    .sort();
const bothStreams = (call: Call) => [call.caller.streamArn, call.callee.streamArn].sort();
const counted = (name: string) => recorder.logs.filter((line) => name in line);

describe("a leg that fails at the start while the other talks on", () => {
  const call = recentCall("failed-at-start", 10_000);

  beforeAll(async () => {
    // The caller's stream has carried audio from its start until now.
    harness.streams.addFragments(call.caller.streamArn, { fromMs: call.caller.startMs, toMs: Date.now() });
    await deliver(streamingEvent(call, "caller", "STARTED"), streamingEvent(call, "callee", "FAILED"));
    await overdue();
    await sweep();
  });

  it("is not closed while the caller's stream still carries audio", async () => {
    const item = await harness.table.getItem(call.callId);
    expect([harness.pipelines.requestsFor(call.callId), item?.outcome, counted("Calls")]).toEqual([[], undefined, []]);
  });

  it("asked the caller's stream, not the failed callee's, whether it still streams", () => {
    const asked = harness.streams.requests
      .filter((request) => request.operation === "ListFragments")
      .map((request) => request.stream);
    expect(new Set(asked)).toEqual(new Set([call.caller.streamArn]));
  });

  it("records the caller alone when its ENDED comes, 20 minutes later as far as the call knows", async () => {
    const ended: Call = { ...call, caller: { ...call.caller, endMs: Date.now() } };
    await deliver(streamingEvent(ended, "caller", "ENDED"));
    expectOneRecording(harness.pipelines, ended, ["caller"]);
  });
});

describe("a sweep racing the call's second ENDED", () => {
  const runs = Array.from({ length: 12 }, (_, run) => run);
  let racer: RecorderProcess;

  beforeAll(async () => {
    // Another instance, as Lambda runs the sweep and an event in separate execution environments.
    racer = await harness.startRecorder({ LEG_WAIT_SECONDS: String(LEG_WAIT_SECONDS), SWEEP_RETRY_SECONDS: "1" });
  });

  it.each(runs)("without STARTED: both legs are recorded, each once, one set of streams per token (run %i)", async (run) => {
    const call = makeCall(`race-ended-${run}`);
    await deliver(streamingEvent(call, "caller", "ENDED"));
    await overdue();
    await Promise.all([sweep(), racer.handler(sqsEvent(streamingEvent(call, "callee", "ENDED")))]);
    // Either one recording of both legs, or the call's and the late leg's own: never a leg dropped.
    expect(streamsOf(call)).toEqual(bothStreams(call));
    expect(harness.pipelines.tokenConflicts).toEqual([]);
  });

  it.each(runs)("with STARTED: one recording of both legs, the sweep never closing an open leg (run %i)", async (run) => {
    const call = recentCall(`race-started-${run}`, 20_000);
    harness.streams.addFragments(call.callee.streamArn, { fromMs: call.callee.startMs, toMs: Date.now() });
    await deliver(
      streamingEvent(call, "caller", "STARTED"),
      streamingEvent(call, "callee", "STARTED"),
      streamingEvent(call, "caller", "ENDED"),
    );
    await overdue();
    await Promise.all([sweep(), racer.handler(sqsEvent(streamingEvent(call, "callee", "ENDED")))]);
    expectOneRecording(harness.pipelines, call, ["caller", "callee"]);
  });
});

describe("an ENDED that arrives before the other leg's STARTED", () => {
  it("waits for the other leg and records one file of both", async () => {
    const call = makeCall("ended-before-started");
    await deliver(streamingEvent(call, "callee", "ENDED"), streamingEvent(call, "caller", "STARTED"));
    expect(harness.pipelines.requestsFor(call.callId)).toEqual([]);
    await deliver(streamingEvent(call, "caller", "ENDED"));
    expectOneRecording(harness.pipelines, call, ["caller", "callee"]);
  });
});

describe("a call whose ENDED events are both lost, on streams the connector reuses for its next call", () => {
  const call = recentCall("ends-lost", 300_000);
  const endMs = call.callee.startMs + 60_000;

  beforeAll(async () => {
    for (const side of ["caller", "callee"] as const) {
      harness.streams.addFragments(call[side].streamArn, { fromMs: call[side].startMs, toMs: endMs });
      // The next call on the same stream, after a quiet stretch longer than LEG_IDLE_SECONDS (30 s).
      harness.streams.addFragments(call[side].streamArn, { fromMs: endMs + 40_000, toMs: endMs + 200_000 });
    }
    await deliver(streamingEvent(call, "caller", "STARTED"), streamingEvent(call, "callee", "STARTED"));
    await overdue();
    await sweep();
  });

  it("is recorded from its STARTED events, both legs ending with their last fragment before the quiet stretch", () => {
    expectOneRecording(harness.pipelines, { ...call, caller: { ...call.caller, endMs }, callee: { ...call.callee, endMs } });
  });

  it("counts both inferred ends, which are alarmed", () => {
    expect(counted("InferredEnds")).toHaveLength(2);
  });

  it("keeps the ends as inferred in the call's item", async () => {
    const item = await harness.table.getItem(call.callId);
    expect([item?.caller_leg?.M?.end_source, item?.callee_leg?.M?.end_source]).toEqual([{ S: "inferred" }, { S: "inferred" }]);
  });

  it("counts the caller's ENDED as LateLegs once when it comes at last with a later end: the recording lacks that tail", async () => {
    const before = counted("LateLegs").length;
    const late: Call = { ...call, caller: { ...call.caller, endMs: endMs + 30_000 } };
    await deliver(streamingEvent(late, "caller", "ENDED"), streamingEvent(late, "caller", "ENDED"));
    const errors = recorder.logs.filter((line) => String(line.message).includes("after its end was inferred"));
    expect([counted("LateLegs").length - before, errors.length, harness.pipelines.pipelinesFor(call.callId).length]).toEqual([
      1, 1, 1,
    ]);
  });
});

describe("a leg that starts after its call was claimed", () => {
  const call = makeCall("started-after-claim");
  let countedBefore = 0;

  beforeAll(async () => {
    countedBefore = counted("LateLegs").length;
    // The caller's ENDED and a FAILED account for both legs: the caller is recorded at once.
    await deliver(streamingEvent(call, "caller", "ENDED"), streamingEvent(call, "callee", "FAILED"));
    await deliver(streamingEvent(call, "callee", "STARTED"), streamingEvent(call, "callee", "STARTED"));
  });

  it("is noted and counted as LateLegs once, at its STARTED, however often it is delivered", () => {
    expect(
      counted("LateLegs")
        .slice(countedBefore)
        .map((line) => line.VoiceConnectorId),
    ).toEqual([VOICE_CONNECTOR_ID]);
  });

  it("is recorded on its own when its ENDED comes, without being counted again", async () => {
    const before = counted("LateLegs").length;
    await deliver(streamingEvent(call, "callee", "ENDED"));
    expect([streamsOf(call), counted("LateLegs").length - before]).toEqual([bothStreams(call), 0]);
  });
});

describe("a call two hours into its conversation, whose legs a scan found streaming a minute ago", () => {
  const call = recentCall("long-call", 2 * 3_600_000);
  const scannedToMs = Date.now() - 60_000;

  beforeAll(async () => {
    const open = (side: "caller" | "callee") => ({
      M: {
        state: { S: "STARTED" },
        stream_arn: { S: call[side].streamArn },
        start_ms: { N: String(call[side].startMs) },
        scanned_to_ms: { N: String(scannedToMs) },
      },
    });
    await harness.table.putItem({
      call_id: { S: call.callId },
      expires_at: { N: String(Math.floor(Date.now() / 1000) + 86_400) },
      pending: { S: "1" },
      pending_since: { N: String(Date.now() - 1_000) },
      first_event_ms: { N: String(call.callee.startMs) },
      legs_version: { N: "3" },
      caller_leg: open("caller"),
      callee_leg: open("callee"),
    });
    for (const side of ["caller", "callee"] as const) {
      harness.streams.addFragments(call[side].streamArn, { fromMs: scannedToMs - 10_000, toMs: Date.now() });
    }
    await sweep();
  });

  it("is not recorded: both legs still stream", () => {
    expect(harness.pipelines.requestsFor(call.callId)).toEqual([]);
  });

  it("does not age the backlog: a call in progress is not a call waiting for the recorder", () => {
    const ages = recorder.logs.filter((line) => "OldestPendingCallAge" in line).map((line) => Number(line.OldestPendingCallAge));
    expect(ages.at(-1)).toBeLessThan(3_600);
  });

  it("remembers how far its streams were read", async () => {
    const item = await harness.table.getItem(call.callId);
    expect(Number(item?.caller_leg?.M?.scanned_to_ms?.N)).toBeGreaterThan(scannedToMs);
  });
});
