import { type CallDetails, callRecord, NO_DETAILS, type RecordInput } from "../../lambda/recorder/call-record";
import { fileNameTemplateProblem, recordingFileName, recordingKey, recordKey } from "../../lambda/recorder/file-names";

const details: CallDetails = {
  transactionId: "ec97a8ff-3f83-4de2-8d73-d988070f6af4",
  direction: "Inbound",
  fromNumber: "+18155551212",
  toNumber: "+19285557777",
  siprecMetadata: null,
  inviteHeaders: null,
};
const call = { callId: "089b1d79-d4ca-4f74-b36b-681f606937f6", startMs: Date.parse("2023-04-05T22:14:02.238Z"), details };

/** PCA parses _GUID_, _AGENT_, _CUST_ and a YYYY-MM-DDTHH-MM-SS date-time out of file names. */
const PCA_PRESET = "{direction}_GUID_{callId}_AGENT_{toNumber}_CUST_{fromNumber}_DT_{date}T{time}";

describe("recording file names from the recording_file_name template", () => {
  it("is the call id by default", () => {
    expect(recordingFileName("{callId}", call)).toBe("089b1d79-d4ca-4f74-b36b-681f606937f6");
  });

  it.each([
    ["{transactionId}", "ec97a8ff-3f83-4de2-8d73-d988070f6af4"],
    ["{date}", "2023-04-05"],
    ["{time}", "22-14-02"],
    ["{fromNumber}", "18155551212"],
    ["{toNumber}", "19285557777"],
    ["{direction}", "Inbound"],
  ])("fills %s from the call (numbers without their +, date and time of the start in UTC)", (template, name) => {
    expect(recordingFileName(template, call)).toBe(name);
  });

  it("keeps folders and literal text", () => {
    expect(recordingFileName("calls/{date}/{callId}", call)).toBe("calls/2023-04-05/089b1d79-d4ca-4f74-b36b-681f606937f6");
  });

  it("encodes an opaque SIP Call-ID as the destination ARN's pattern allows", () => {
    expect(recordingFileName("{callId}", { ...call, callId: "a84b4c76e66710@pc33.atlanta.com" })).toBe(
      "a84b4c76e66710_40pc33.atlanta.com",
    );
  });

  it("writes unknown for what the events did not carry", () => {
    expect(recordingFileName("{fromNumber}-{direction}-{callId}", { ...call, details: NO_DETAILS })).toBe(
      "unknown-unknown-089b1d79-d4ca-4f74-b36b-681f606937f6",
    );
  });

  it("gives PCA's preset a name PCA parses: GUID, agent (callee), customer (caller) and date-time", () => {
    const name = recordingFileName(PCA_PRESET, call);
    expect(name).toBe(
      "Inbound_GUID_089b1d79-d4ca-4f74-b36b-681f606937f6_AGENT_19285557777_CUST_18155551212_DT_2023-04-05T22-14-02",
    );
    expect([/_GUID_(.*?)_/.exec(name)?.[1], /_AGENT_(.*?)_/.exec(name)?.[1], /_CUST_(.*?)_/.exec(name)?.[1]]).toEqual([
      "089b1d79-d4ca-4f74-b36b-681f606937f6",
      "19285557777",
      "18155551212",
    ]);
    expect(/(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})/.exec(name)?.slice(1)).toEqual([
      "2023",
      "04",
      "05",
      "22",
      "14",
      "02",
    ]);
  });

  it("always matches the destination ARN's pattern", () => {
    const name = recordingFileName("{callId}/{fromNumber}", {
      ...call,
      callId: "ünïcode id+=/ x",
      details: { ...details, fromNumber: "+1 (206) 555" },
    });
    expect(`arn:aws:s3:::bucket/${name}.wav`).toMatch(/^arn[/:\-_.a-zA-Z0-9]+$/);
  });
});

describe("the function's own check of the template", () => {
  it.each(["{callId}", PCA_PRESET, "calls/{date}/{transactionId}"])("accepts %j", (template) => {
    expect(fileNameTemplateProblem(template)).toBeNull();
  });

  it.each([
    ["{callid}", "has unknown placeholders {callid}"],
    ["{callId} {date}", "has characters other than letters, digits, placeholders and . _ : / -"],
    ["{date}-{time}", "names no {callId} or {transactionId}, so every call would write the same file"],
    ["/{callId}", "has an empty folder (a leading, trailing or doubled /)"],
  ])("refuses %j: it %s", (template, problem) => {
    expect(fileNameTemplateProblem(template)).toBe(problem);
  });
});

describe("where recordings and records go", () => {
  it("puts the record beside the recording, .json in place of the audio extension", () => {
    const location = { recordingPrefix: "originalAudio", metadataPrefix: "" };
    expect([recordingKey(location, "c1", "Wav"), recordKey(location, "c1")]).toEqual([
      "originalAudio/c1.wav",
      "originalAudio/c1.json",
    ]);
  });

  it("puts the record under metadata_prefix when it is set", () => {
    expect(recordKey({ recordingPrefix: "originalAudio", metadataPrefix: "callRecords" }, "c1")).toBe("callRecords/c1.json");
  });

  it("names an Opus recording .ogg, the extension Amazon Transcribe takes for Ogg Opus", () => {
    expect(recordingKey({ recordingPrefix: "" }, "c1", "Opus")).toBe("c1.ogg");
  });
});

const streams = {
  caller: "arn:aws:kinesisvideo:us-east-1:112233445566:stream/ChimeVoiceConnector-vc-caller/1",
  callee: "arn:aws:kinesisvideo:us-east-1:112233445566:stream/ChimeVoiceConnector-vc-callee/1",
};
const twoLegs: RecordInput = {
  callId: call.callId,
  voiceConnectorId: "bfggco08s5m5esgxfskzks",
  details,
  decided: "recorded",
  channels: [
    {
      role: "caller",
      streamArn: streams.caller,
      startMs: Date.parse("2023-04-05T22:14:03.993Z"),
      endMs: Date.parse("2023-04-05T22:15:17.788Z"),
    },
    {
      role: "callee",
      streamArn: streams.callee,
      startMs: Date.parse("2023-04-05T22:14:02.238Z"),
      endMs: Date.parse("2023-04-05T22:15:17.500Z"),
    },
  ],
  recording: {
    bucket: "recordings",
    key: `${call.callId}.wav`,
    format: "Wav",
    pipelineArn: "arn:aws:chime:us-east-1:112233445566:media-pipeline/p1",
    requestedAtMs: Date.parse("2023-04-05T22:15:20.000Z"),
  },
  verification: {
    status: "verified",
    bytes: 2_400_044,
    channels: 2,
    sampleRateHz: 8000,
    durationSeconds: 75,
    reason: null,
    checkedAtMs: Date.parse("2023-04-05T22:31:00.000Z"),
  },
};

describe("the per-call record (schema version 2)", () => {
  it("holds every member for a two-leg call, caller's channel first", () => {
    expect(callRecord(twoLegs)).toEqual({
      schemaVersion: 2,
      callId: "089b1d79-d4ca-4f74-b36b-681f606937f6",
      transactionId: "ec97a8ff-3f83-4de2-8d73-d988070f6af4",
      voiceConnectorId: "bfggco08s5m5esgxfskzks",
      direction: "Inbound",
      fromNumber: "+18155551212",
      toNumber: "+19285557777",
      startTime: "2023-04-05T22:14:02.238Z",
      endTime: "2023-04-05T22:15:17.788Z",
      durationSeconds: 75.55,
      outcome: "recorded",
      split: false,
      channels: [
        {
          channel: 0,
          role: "caller",
          isCaller: true,
          streamArn: streams.caller,
          startTime: "2023-04-05T22:14:03.993Z",
          endTime: "2023-04-05T22:15:17.788Z",
          endInferred: false,
        },
        {
          channel: 1,
          role: "callee",
          isCaller: false,
          streamArn: streams.callee,
          startTime: "2023-04-05T22:14:02.238Z",
          endTime: "2023-04-05T22:15:17.500Z",
          endInferred: false,
        },
      ],
      // Without a list of the legs reported, the recorded channels are the legs.
      legs: [
        {
          role: "callee",
          streamArn: streams.callee,
          startTime: "2023-04-05T22:14:02.238Z",
          endTime: "2023-04-05T22:15:17.500Z",
          end: "reported",
          recorded: true,
        },
        {
          role: "caller",
          streamArn: streams.caller,
          startTime: "2023-04-05T22:14:03.993Z",
          endTime: "2023-04-05T22:15:17.788Z",
          end: "reported",
          recorded: true,
        },
      ],
      failedLegEvents: 0,
      recording: {
        bucket: "recordings",
        key: "089b1d79-d4ca-4f74-b36b-681f606937f6.wav",
        format: "Wav",
        pipelineArn: "arn:aws:chime:us-east-1:112233445566:media-pipeline/p1",
        requestedAt: "2023-04-05T22:15:20.000Z",
        attempts: [],
      },
      verification: {
        status: "verified",
        checkedAt: "2023-04-05T22:31:00.000Z",
        bytes: 2_400_044,
        channels: 2,
        sampleRateHz: 8000,
        durationSeconds: 75,
      },
      lateRecordings: [],
      siprec: null,
    });
  });

  it("has one channel and the outcome single_leg for a single-leg call", () => {
    const record = callRecord({ ...twoLegs, decided: "single_leg", channels: [twoLegs.channels[1]] });
    expect([record.outcome, record.channels.map((channel) => channel.role)]).toEqual(["single_leg", ["callee"]]);
  });

  it("takes the check's status as the outcome when the audio fails it", () => {
    const verification = { ...twoLegs.verification!, status: "short" as const, durationSeconds: 12 };
    expect(callRecord({ ...twoLegs, verification }).outcome).toBe("short");
  });

  it("carries a SIPREC call's metadata and invite headers, and null roles when the events gave no isCaller", () => {
    const siprecMetadata = '<?xml version="1.0"?><recording xmlns="urn:ietf:params:xml:ns:recording:1"/>';
    const inviteHeaders = { "x-customer-id": "42" };
    const record = callRecord({
      ...twoLegs,
      details: { ...details, siprecMetadata, inviteHeaders },
      channels: twoLegs.channels.map((channel) => ({ ...channel, role: "unknown" as const })),
    });
    expect([record.siprec, record.channels.map((channel) => [channel.role, channel.isCaller])]).toEqual([
      { metadata: siprecMetadata, inviteHeaders },
      [
        [null, null],
        [null, null],
      ],
    ]);
  });

  it("marks a channel whose leg's end was inferred from its stream", () => {
    const inferred = { ...twoLegs.channels[0], endInferred: true };
    const record = callRecord({ ...twoLegs, channels: [inferred, twoLegs.channels[1]] });
    expect([record.channels.map((channel) => channel.endInferred), record.legs.map((leg) => leg.end)]).toEqual([
      [true, false],
      ["reported", "inferred"],
    ]);
  });

  it("lists a leg reported but never recorded, with no end, and the FAILED events received", () => {
    const open = {
      role: "callee" as const,
      streamArn: streams.callee,
      startMs: twoLegs.channels[1].startMs,
      endMs: null,
      end: null,
      recorded: false,
    };
    const record = callRecord({
      ...twoLegs,
      decided: "single_leg",
      channels: [twoLegs.channels[0]],
      legs: [open],
      failedLegEvents: 1,
    });
    expect([record.legs, record.failedLegEvents]).toEqual([
      [
        {
          role: "callee",
          streamArn: streams.callee,
          startTime: "2023-04-05T22:14:02.238Z",
          endTime: null,
          end: null,
          recorded: false,
        },
      ],
      1,
    ]);
  });

  it("says a call is split and lists a late leg's own recording; a call closed without audio takes the late recording's outcome", () => {
    const late = {
      key: `${call.callId}-callee.wav`,
      pipelineArn: "arn:aws:chime:us-east-1:112233445566:media-pipeline/p2",
      requestedAtMs: Date.parse("2023-04-05T22:40:00.000Z"),
      channels: [twoLegs.channels[1]],
      verification: twoLegs.verification,
    };
    const record = callRecord({ ...twoLegs, decided: "no_audio", channels: [], verification: null, lateRecordings: [late] });
    expect([record.split, record.outcome, record.lateRecordings.map((entry) => [entry.key, entry.verification?.status])]).toEqual(
      [true, "single_leg", [[`${call.callId}-callee.wav`, "verified"]]],
    );
  });

  it("lists each attempt at the recording with why it failed", () => {
    const attempts = [
      {
        attempt: 1,
        pipelineArn: "arn:aws:chime:us-east-1:112233445566:media-pipeline/p0",
        requestedAtMs: 0,
        failureReason: "Access denied",
      },
      {
        attempt: 2,
        pipelineArn: "arn:aws:chime:us-east-1:112233445566:media-pipeline/p1",
        requestedAtMs: 1000,
        failureReason: null,
      },
    ];
    expect(callRecord({ ...twoLegs, attempts }).recording.attempts).toEqual([
      {
        attempt: 1,
        pipelineArn: attempts[0].pipelineArn,
        requestedAt: "1970-01-01T00:00:00.000Z",
        failureReason: "Access denied",
      },
      { attempt: 2, pipelineArn: attempts[1].pipelineArn, requestedAt: "1970-01-01T00:00:01.000Z", failureReason: null },
    ]);
  });

  it("keeps every member, null, for a call without audio", () => {
    const record = callRecord({
      ...twoLegs,
      details: NO_DETAILS,
      decided: "no_audio",
      channels: [],
      recording: { ...twoLegs.recording, pipelineArn: null, requestedAtMs: null },
      verification: null,
    });
    expect(record).toMatchObject({
      outcome: "no_audio",
      startTime: null,
      endTime: null,
      durationSeconds: null,
      fromNumber: null,
      verification: null,
    });
  });
});
