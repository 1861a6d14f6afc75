/**
 * One recorder for several voice connectors (voice_connector_ids): the built bundle records the calls
 * of every listed connector, each under its own connector, and drops another connector's events.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SWEEP_EVENT } from "../../lambda/recorder/sweep";
import { callEvents, makeCall, VOICE_CONNECTOR_ID } from "./support/events";
import { expectOneRecording, type Harness, type RecorderProcess, sqsEvent, startHarness } from "./support/harness";
import { RECORDING_BUCKET } from "./support/recorder-env";

const SECOND = "secondconnector0123456";
const UNLISTED = "thirdconnector01234567";

let harness: Harness;
let recorder: RecorderProcess;
const first = makeCall("on-the-first-connector");
const second = makeCall("on-the-second-connector", { voiceConnectorId: SECOND });
const unlisted = makeCall("on-an-unlisted-connector", { voiceConnectorId: UNLISTED });

beforeAll(async () => {
  harness = await startHarness(VOICE_CONNECTOR_ID);
  harness.pipelines.reset({ runMs: 20, recordingOutcome: () => "verified" });
  recorder = await harness.startRecorder({
    VOICE_CONNECTOR_IDS: `${VOICE_CONNECTOR_ID},${SECOND}`,
    RECORDING_CHECK_DELAY_SECONDS: "0",
  });
  for (const call of [first, second, unlisted]) {
    expect((await recorder.handler(sqsEvent(...callEvents(call)))).batchItemFailures).toEqual([]);
  }
  await sleep(150);
  await recorder.handler(sqsEvent(SWEEP_EVENT));
});

afterAll(async () => {
  await harness.close();
});

const record = (callId: string) =>
  JSON.parse(harness.s3.get(RECORDING_BUCKET, `recordings/${callId}.json`)?.toString("utf8") ?? "null");

describe("a recorder of two connectors", () => {
  it("records each listed connector's call once, naming its own connector in the request", () => {
    expectOneRecording(harness.pipelines, first);
    expectOneRecording(harness.pipelines, second);
  });

  it("writes each call's record under its own connector", () => {
    expect([record(first.callId).voiceConnectorId, record(second.callId).voiceConnectorId]).toEqual([VOICE_CONNECTOR_ID, SECOND]);
  });

  it("drops the unlisted connector's events, counted as DroppedEvents under that connector", async () => {
    const dropped = recorder.logs.filter((line) => line.DroppedEvents === 1);
    expect([
      harness.pipelines.requestsFor(unlisted.callId),
      await harness.table.getItem(unlisted.callId),
      dropped.map((line) => [line.Reason, line.VoiceConnectorId]),
    ]).toEqual([[], undefined, callEvents(unlisted).map(() => ["foreign_connector", UNLISTED])]);
  });

  it("counts each call by outcome in total and under its connector", () => {
    const calls = recorder.logs.filter((line) => "Calls" in line);
    expect(
      calls.map((line) => [line.VoiceConnectorId, line.Outcome, (line._aws as any).CloudWatchMetrics[0].Dimensions]),
    ).toEqual(
      expect.arrayContaining([
        [VOICE_CONNECTOR_ID, "recorded", [["Outcome"], ["VoiceConnectorId", "Outcome"]]],
        [SECOND, "recorded", [["Outcome"], ["VoiceConnectorId", "Outcome"]]],
      ]),
    );
  });

  it("reports the backlog in total and for each listed connector", () => {
    const pending = recorder.logs.filter((line) => "PendingCalls" in line).map((line) => line.VoiceConnectorId ?? "total");
    expect(pending).toEqual(["total", VOICE_CONNECTOR_ID, SECOND]);
  });
});
