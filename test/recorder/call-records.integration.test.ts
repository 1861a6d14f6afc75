/**
 * Every call ends with one record and one status: the built bundle against dynalite, the loopback
 * S3 and the media-pipelines fake, which writes a real WAV (or a short, empty, malformed or no
 * file) into S3 when a pipeline finishes; the sweep checks it and writes the record.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SWEEP_EVENT } from "../../lambda/recorder/sweep";
import { type Call, makeCall, streamingEvent, VOICE_CONNECTOR_ID } from "./support/events";
import { type Harness, type LogLine, type RecorderProcess, sqsEvent, startHarness } from "./support/harness";
import { startParameterStore } from "./support/parameter-store";
import { RECORDING_BUCKET } from "./support/recorder-env";
import type { SinkOutcome } from "./support/recording-sink";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(VOICE_CONNECTOR_ID);
});

afterAll(async () => {
  await harness.close();
});

/** Pipelines run 20 ms and leave `outcome` in S3; recordings are checked at the first sweep after that. */
async function recorderFor(outcome: SinkOutcome, overrides: Record<string, string> = {}): Promise<RecorderProcess> {
  harness.pipelines.reset({ runMs: 20, recordingOutcome: () => outcome });
  await harness.stopRecorders();
  return harness.startRecorder({ RECORDING_CHECK_DELAY_SECONDS: "0", ...overrides });
}

/** Delivers `events`, lets the pipelines finish, then runs one sweep. */
async function settle(recorder: RecorderProcess, events: object[]): Promise<void> {
  expect((await recorder.handler(sqsEvent(...events))).batchItemFailures).toEqual([]);
  await sleep(150);
  expect((await recorder.handler(sqsEvent(SWEEP_EVENT))).batchItemFailures).toEqual([]);
}

const ended = (call: Call) => [streamingEvent(call, "caller", "ENDED"), streamingEvent(call, "callee", "ENDED")];

/** The record as the recorder wrote it, parsed; fails when there is none. */
function recordAt(key: string): any {
  const body = harness.s3.get(RECORDING_BUCKET, key);
  if (body === undefined) throw new Error(`no record at ${key}; S3 holds ${[...harness.s3.objects.keys()].join(", ")}`);
  return JSON.parse(body.toString("utf8"));
}

const counted = (logs: readonly LogLine[], name: string) => logs.filter((line) => name in line).map((line) => line[name]);

describe("the record of a two-leg call", () => {
  const call = makeCall("record-two-legs");
  let record: any;
  let recorder: RecorderProcess;

  beforeAll(async () => {
    recorder = await recorderFor("verified");
    await settle(recorder, ended(call));
    record = recordAt(`recordings/${call.callId}.json`);
  });

  it("holds every member of schema version 2, the caller's channel first, every leg listed, verified", () => {
    const pipelineArn = harness.pipelines.pipelinesFor(call.callId)[0].arn;
    const leg = (side: "caller" | "callee") => ({
      role: side,
      streamArn: call[side].streamArn,
      startTime: new Date(call[side].startMs).toISOString(),
      endTime: new Date(call[side].endMs).toISOString(),
    });
    expect(record).toEqual({
      schemaVersion: 2,
      callId: call.callId,
      transactionId: `tx-${call.callId}`,
      voiceConnectorId: VOICE_CONNECTOR_ID,
      direction: "Inbound",
      fromNumber: "+18155551212",
      toNumber: "+19285557777",
      startTime: new Date(call.callee.startMs).toISOString(),
      endTime: new Date(call.caller.endMs).toISOString(),
      durationSeconds: (call.caller.endMs - call.callee.startMs) / 1000,
      outcome: "recorded",
      split: false,
      channels: [
        { channel: 0, ...leg("caller"), isCaller: true, endInferred: false },
        { channel: 1, ...leg("callee"), isCaller: false, endInferred: false },
      ],
      // Every leg the connector reported, the earliest start first.
      legs: [
        { ...leg("callee"), end: "reported", recorded: true },
        { ...leg("caller"), end: "reported", recorded: true },
      ],
      failedLegEvents: 0,
      recording: {
        bucket: RECORDING_BUCKET,
        key: `recordings/${call.callId}.wav`,
        format: "Wav",
        pipelineArn,
        requestedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        attempts: [{ attempt: 1, pipelineArn, requestedAt: expect.stringMatching(/Z$/), failureReason: null }],
      },
      verification: {
        status: "verified",
        checkedAt: expect.stringMatching(/Z$/),
        bytes: harness.s3.get(RECORDING_BUCKET, `recordings/${call.callId}.wav`)?.length,
        channels: 2,
        sampleRateHz: 8000,
        // The requested range: one second of margin before the start, rounded outward to whole seconds.
        durationSeconds: 17,
      },
      lateRecordings: [],
      siprec: null,
    });
  });

  it("is filed a second time, the same line, under the call's start day by connector, transaction and call", () => {
    const day = new Date(call.callee.startMs).toISOString().slice(0, 10);
    const copy = `call-records-by-day/start_day=${day}/${VOICE_CONNECTOR_ID}.tx-${call.callId}.${call.callId}.json`;
    expect(harness.s3.get(RECORDING_BUCKET, copy)?.toString("utf8")).toBe(
      harness.s3.get(RECORDING_BUCKET, `recordings/${call.callId}.json`)?.toString("utf8"),
    );
  });

  it("keeps the status in the call's item, out of the sweep's index", async () => {
    const item = await harness.table.getItem(call.callId);
    expect([item?.check_status, item?.pending]).toEqual([{ S: "verified" }, undefined]);
  });

  it("counts RecordingsVerified once, and the call by its outcome", () => {
    expect([counted(recorder.logs, "RecordingsVerified"), counted(recorder.logs, "Calls")]).toEqual([[1], [1]]);
  });

  it("reads the recording's header only: one ranged GET, then the record's PUT", () => {
    const requests = harness.s3.requests.filter((request) => request.key.startsWith(`recordings/${call.callId}.`));
    expect(requests.map((request) => [request.method, request.key, request.range])).toEqual([
      ["GET", `recordings/${call.callId}.wav`, "bytes=0-4095"],
      ["PUT", `recordings/${call.callId}.json`, undefined],
    ]);
  });

  it("is checked once: a later sweep leaves it alone", async () => {
    await recorder.handler(sqsEvent(SWEEP_EVENT));
    expect(counted(recorder.logs, "RecordingsVerified")).toEqual([1]);
  });
});

describe("the record of a single-leg call", () => {
  const call = makeCall("record-single-leg");
  let record: any;

  beforeAll(async () => {
    const recorder = await recorderFor("verified");
    await settle(recorder, [streamingEvent(call, "caller", "ENDED"), streamingEvent(call, "callee", "FAILED")]);
    record = recordAt(`recordings/${call.callId}.json`);
  });

  it("has the outcome single_leg and one channel, the ended leg", () => {
    expect([record.outcome, record.channels.map((channel: any) => [channel.channel, channel.role])]).toEqual([
      "single_leg",
      [[0, "caller"]],
    ]);
  });

  it("checks the one-channel WAV as one channel", () => {
    expect(record.verification).toMatchObject({ status: "verified", channels: 1 });
  });
});

describe("the record of a SIPREC call", () => {
  const call = makeCall("record-siprec");
  const siprecMetadata =
    '<?xml version="1.0" encoding="UTF-8"?><recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>complete</datamode></recording>';
  const inviteHeaders = { "x-customer-id": "42", from: "<sip:+18155551212@198.51.100.10>" };
  /** An SBC without RFC 7865 participant roles: no isCaller, but the metadata and headers. */
  const siprec = (side: "caller" | "callee") => {
    const event = streamingEvent(call, side, "ENDED");
    const { isCaller: _dropped, ...detail } = event.detail;
    return { ...event, detail: { ...detail, siprecMetadata, inviteHeaders } };
  };
  let record: any;

  beforeAll(async () => {
    const recorder = await recorderFor("verified");
    await settle(recorder, [siprec("caller"), siprec("callee")]);
    record = recordAt(`recordings/${call.callId}.json`);
  });

  it("carries the SIPREC metadata and invite headers the events gave", () => {
    expect(record.siprec).toEqual({ metadata: siprecMetadata, inviteHeaders });
  });

  it("says the channel roles are unknown, the earlier stream first", () => {
    expect(record.channels.map((channel: any) => [channel.role, channel.isCaller, channel.streamArn])).toEqual([
      [null, null, call.callee.streamArn],
      [null, null, call.caller.streamArn],
    ]);
  });
});

describe.each([
  ["short", "short", "RecordingsShort"],
  ["empty", "empty", "RecordingsEmpty"],
  ["malformed", "malformed", "RecordingsMalformed"],
  ["none", "missing", "RecordingsMissing"],
] as const)("a pipeline that leaves %s", (sink, status, metric) => {
  const call = makeCall(`record-${sink}`);
  let record: any;
  let recorder: RecorderProcess;

  beforeAll(async () => {
    recorder = await recorderFor(sink);
    await settle(recorder, ended(call));
    record = recordAt(`recordings/${call.callId}.json`);
  });

  it(`ends the call as ${status}, in its record and its item`, async () => {
    const item = await harness.table.getItem(call.callId);
    expect([record.outcome, record.verification.status, item?.check_status]).toEqual([status, status, { S: status }]);
  });

  it(`counts ${metric}`, () => {
    expect(counted(recorder.logs, metric)).toEqual([1]);
  });

  it("logs the failed check at ERROR, naming the call", () => {
    expect(
      recorder.logs.find((line) => line.level === "ERROR" && String(line.message).startsWith(`recording ${status}`)),
    ).toMatchObject({
      callId: call.callId,
    });
  });
});

describe("a recording whose bucket the recorder cannot read", () => {
  const call = makeCall("record-refused-check");
  let recorder: RecorderProcess;

  beforeAll(async () => {
    // The pipeline writes to a bucket the S3 endpoint does not have: GetObject answers NoSuchBucket.
    recorder = await recorderFor("verified", { RECORDING_BUCKET: "gone-bucket" });
    await settle(recorder, ended(call));
  });

  it("logs the refusal at ERROR, naming the call, the operation and the error", () => {
    expect(recorder.logs.find((line) => line.level === "ERROR")).toMatchObject({
      callId: call.callId,
      operation: "GetObject",
      errorName: "NoSuchBucket",
    });
  });

  it("keeps the call due for its check, so a fixed bucket gets its record", async () => {
    expect((await harness.table.getItem(call.callId))?.pending).toEqual({ S: "check" });
  });

  it("counts the failed check as RecordingChecksFailed", () => {
    expect(counted(recorder.logs, "RecordingChecksFailed")).toEqual([1]);
  });

  it("puts the check off by SWEEP_RETRY_SECONDS (300 s), its attempt counted, so it does not hold up later checks", async () => {
    const item = await harness.table.getItem(call.callId);
    const dueInSeconds = (Number(item?.pending_since?.N) - Date.now()) / 1000;
    expect([item?.check_attempts, dueInSeconds > 290 && dueInSeconds <= 300]).toEqual([{ N: "1" }, true]);
  });

  it("is not checked again by the next sweep, before its delay has passed", async () => {
    const before = harness.s3.requests.length;
    await recorder.handler(sqsEvent(SWEEP_EVENT));
    expect(harness.s3.requests.slice(before).filter((request) => request.bucket === "gone-bucket")).toEqual([]);
  });
});

describe("a call without audio", () => {
  const call = makeCall("record-no-audio");
  let record: any;

  beforeAll(async () => {
    const recorder = await recorderFor("verified");
    await settle(recorder, [streamingEvent(call, "caller", "FAILED"), streamingEvent(call, "callee", "FAILED")]);
    record = recordAt(`recordings/${call.callId}.json`);
  });

  it("still gets its record, with the outcome no_audio and no verification", () => {
    expect([record.outcome, record.verification, record.recording.pipelineArn, record.transactionId]).toEqual([
      "no_audio",
      null,
      null,
      `tx-${call.callId}`,
    ]);
  });
});

describe("a call with a number on the do-not-record list", () => {
  const call = makeCall("record-not-recorded");
  const NAME = "/call-recorder/recorder/do-not-record-numbers";
  let record: any;

  beforeAll(async () => {
    const parameters = await startParameterStore();
    parameters.put(NAME, JSON.stringify(["+18155551212"]));
    try {
      const recorder = await recorderFor("verified", { AWS_ENDPOINT_URL_SSM: parameters.url, DO_NOT_RECORD_PARAMETER: NAME });
      await settle(recorder, ended(call));
      await harness.stopRecorders();
    } finally {
      await parameters.close();
    }
    record = recordAt(`recordings/${call.callId}.json`);
  });

  it("gets its record with the outcome not_recorded, no channel (there is no file), and no pipeline or check", () => {
    expect([record.outcome, record.channels, record.recording.pipelineArn, record.verification]).toEqual([
      "not_recorded",
      [],
      null,
      null,
    ]);
  });

  it("lists the legs it heard of, none of them recorded", () => {
    // The first ENDED closes the call at once, so the other leg may or may not have been heard of by then.
    expect(record.legs.length).toBeGreaterThan(0);
    expect(record.legs.map((leg: { recorded: boolean }) => leg.recorded)).not.toContain(true);
  });
});

/** The README's preset for Post Call Analytics. */
const PCA_PRESET = "{direction}_GUID_{callId}_AGENT_{toNumber}_CUST_{fromNumber}_DT_{date}T{time}";

describe.each([
  ["the default", {}, "recordings/CALL.wav", "recordings/CALL.json"],
  [
    "folders by date",
    { RECORDING_FILE_NAME: "{date}/{callId}" },
    "recordings/2023-04-05/CALL.wav",
    "recordings/2023-04-05/CALL.json",
  ],
  [
    "numbers, direction and transaction",
    { RECORDING_FILE_NAME: "{fromNumber}-{toNumber}-{direction}-{transactionId}" },
    "recordings/18155551212-19285557777-Inbound-tx-CALL.wav",
    "recordings/18155551212-19285557777-Inbound-tx-CALL.json",
  ],
  ["a time of day", { RECORDING_FILE_NAME: "{callId}_{time}" }, "recordings/CALL_22-14-02.wav", "recordings/CALL_22-14-02.json"],
  [
    "PCA's preset, records under metadata_prefix",
    { RECORDING_BUCKET_PREFIX: "originalAudio", RECORDING_FILE_NAME: PCA_PRESET, METADATA_PREFIX: "callRecords" },
    "originalAudio/Inbound_GUID_CALL_AGENT_19285557777_CUST_18155551212_DT_2023-04-05T22-14-02.wav",
    "callRecords/Inbound_GUID_CALL_AGENT_19285557777_CUST_18155551212_DT_2023-04-05T22-14-02.json",
  ],
  ["an opaque SIP Call-ID", {}, "recordings/CALL.wav", "recordings/CALL.json"],
])("file names from %s", (name, overrides, recordingKey, recordKey) => {
  const callId = name === "an opaque SIP Call-ID" ? "a84b4c76e66710@pc33.atlanta.com" : `names-${name.replace(/[^a-z]/g, "")}`;
  const fileCallId = callId.replace("@", "_40");
  const call = makeCall(callId);
  const expectedRecording = recordingKey.replace("CALL", fileCallId);
  const expectedRecord = recordKey.replace("CALL", fileCallId);
  let record: any;

  beforeAll(async () => {
    const recorder = await recorderFor("verified", overrides);
    await settle(recorder, ended(call));
    record = recordAt(expectedRecord);
  });

  it(`records to ${recordingKey}`, () => {
    expect(harness.pipelines.pipelinesFor(callId)[0].body.S3RecordingSinkRuntimeConfiguration.Destination).toBe(
      `arn:aws:s3:::${RECORDING_BUCKET}/${expectedRecording}`,
    );
  });

  it(`writes the record to ${recordKey}, naming the recording, which passed its check`, () => {
    expect([record.recording.key, record.verification.status]).toEqual([expectedRecording, "verified"]);
  });
});
