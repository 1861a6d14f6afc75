import {
  type CallLegs,
  type Claim,
  claimToken,
  type Decision,
  decide,
  type EndedLeg,
  fragmentRange,
  type OpenLeg,
  type RecordingSettings,
  recordingRequest,
} from "../../lambda/recorder/call";
import { normalisePrefix } from "../../lambda/recorder/config";
import {
  callFileName,
  fitFileName,
  MAX_DESTINATION_LENGTH,
  recordingDestination,
  recordKey,
} from "../../lambda/recorder/file-names";
import { RANGE_START_MARGIN_MS } from "../../lambda/recorder/leg-timing";

const caller: EndedLeg = {
  role: "caller",
  streamArn: "arn:aws:kinesisvideo:us-east-1:112233445566:stream/ChimeVoiceConnector-vc-caller/1",
  startMs: Date.parse("2023-04-05T22:14:03.993Z"),
  endMs: Date.parse("2023-04-05T22:14:17.788Z"),
};
const callee: EndedLeg = {
  role: "callee",
  streamArn: "arn:aws:kinesisvideo:us-east-1:112233445566:stream/ChimeVoiceConnector-vc-callee/1",
  startMs: Date.parse("2023-04-05T22:14:02.238Z"),
  endMs: Date.parse("2023-04-05T22:14:17.412Z"),
};

const settings: RecordingSettings = {
  recordingFormat: "Wav",
  pipelineConfigurationArn: "arn:aws:chime:us-east-1:112233445566:media-insights-pipeline-configuration/recorder",
  partition: "aws",
  recordingBucket: "recordings-bucket",
  recordingPrefix: "calls",
};
const CONNECTOR = "bfggco08s5m5esgxfskzks";

const legs = (ended: EndedLeg[], failures = 0, open: OpenLeg[] = []): CallLegs => ({ ended, open, failures });
const opened = ({ endMs: _end, ...leg }: EndedLeg): OpenLeg => leg;
const record = (outcome: "recorded" | "single_leg", streams: EndedLeg[]): Decision => ({
  action: "record",
  outcome,
  streams,
  channels: streams.map((leg) => leg.role ?? "unknown"),
});

describe("deciding what to do with a call's legs", () => {
  const cases: [string, CallLegs, ReturnType<typeof decide>][] = [
    ["both legs ended: record both, caller first", legs([caller, callee]), record("recorded", [caller, callee])],
    ["both legs ended, callee's event first: still caller first", legs([callee, caller]), record("recorded", [caller, callee])],
    ["one leg ended and one FAILED: record the ended leg at once", legs([caller], 1), record("single_leg", [caller])],
    ["the callee ended and one FAILED: record the callee at once", legs([callee], 1), record("single_leg", [callee])],
    ["two FAILED: close without audio", legs([], 2), { action: "close", outcome: "no_audio" }],
    ["two FAILED and an ENDED (late): record the ended leg", legs([callee], 2), record("single_leg", [callee])],
    ["a FAILED and both legs ended: record both", legs([caller, callee], 1), record("recorded", [caller, callee])],
    ["only the caller ended: wait for the other leg", legs([caller]), { action: "wait" }],
    ["only the callee ended: wait for the other leg", legs([callee]), { action: "wait" }],
    ["only one FAILED: wait for the other leg", legs([], 1), { action: "wait" }],
  ];

  it.each(cases)("%s", (_name, state, decision) => {
    expect(decide(state, "may-arrive")).toEqual(decision);
  });
});

describe("deciding from the inventory, where STARTED makes a leg known before it ends", () => {
  const inferred: EndedLeg = { ...callee, endSource: "inferred" };
  const cases: [string, CallLegs, ReturnType<typeof decide>][] = [
    [
      "the caller started, the callee FAILED: wait, the caller may talk for long",
      legs([], 1, [opened(caller)]),
      { action: "wait" },
    ],
    ["the callee ended before the caller's STARTED came: wait", legs([callee]), { action: "wait" }],
    ["one leg ended, the other still open: wait for it", legs([callee], 0, [opened(caller)]), { action: "wait" }],
    [
      "one leg ended, the other open and a FAILED: the open one failed, record the ended",
      legs([callee], 1, [opened(caller)]),
      record("single_leg", [callee]),
    ],
    [
      "both open and one FAILED: which failed is unknown, wait",
      legs([], 1, [opened(caller), opened(callee)]),
      { action: "wait" },
    ],
    [
      "both open and two FAILED: both failed, close",
      legs([], 2, [opened(caller), opened(callee)]),
      { action: "close", outcome: "no_audio" },
    ],
  ];

  it.each(cases)("%s", (_name, state, decision) => {
    expect(decide(state, "may-arrive")).toEqual(decision);
  });

  const sweepCases: [string, CallLegs, ReturnType<typeof decide>][] = [
    [
      "a leg never ended and nothing accounts for it: read its end off its stream",
      legs([], 1, [opened(caller)]),
      { action: "scan", open: [opened(caller)] },
    ],
    [
      "an open leg beside an ended one, no FAILED: scan it",
      legs([callee], 0, [opened(caller)]),
      { action: "scan", open: [opened(caller)] },
    ],
    [
      "an open leg beside one whose end was inferred, and a FAILED: the inferred one may be the failed one, scan on",
      legs([inferred], 1, [opened(caller)]),
      { action: "scan", open: [opened(caller)] },
    ],
    [
      "a leg whose end was inferred is recorded like an ended one",
      legs([caller, inferred]),
      record("recorded", [caller, inferred]),
    ],
    ["the other leg never seen: record the ended one alone", legs([caller]), record("single_leg", [caller])],
  ];

  it.each(sweepCases)("in the sweep: %s", (_name, state, decision) => {
    expect(decide(state, "lost")).toEqual(decision);
  });
});

describe("the channel order of legs without roles (SIPREC without recording metadata)", () => {
  const unknown = (leg: EndedLeg, changes: Partial<EndedLeg> = {}): EndedLeg => {
    const { role: _role, ...rest } = leg;
    return { ...rest, ...changes };
  };
  const first = unknown(callee);
  const second = unknown(caller);

  it("puts the stream that started first on the first channel, whichever event came first", () => {
    expect(decide(legs([second, first]), "may-arrive")).toEqual(record("recorded", [first, second]));
  });

  it("orders streams that started in the same millisecond by stream ARN", () => {
    const a = unknown(caller, { startMs: 1_000, streamArn: "arn:aws:kinesisvideo:us-east-1:1:stream/a/1" });
    const b = unknown(callee, { startMs: 1_000, streamArn: "arn:aws:kinesisvideo:us-east-1:1:stream/b/1" });
    expect(decide(legs([b, a]), "may-arrive")).toEqual(record("recorded", [a, b]));
  });

  it("labels both channels unknown", () => {
    expect(decide(legs([first, second]), "may-arrive")).toMatchObject({ channels: ["unknown", "unknown"] });
  });

  it("treats one known role and one unknown as unknown, in start order", () => {
    expect(decide(legs([caller, first]), "may-arrive")).toEqual({
      ...record("recorded", [first, caller]),
      channels: ["unknown", "unknown"],
    });
  });

  it("records a lone leg without role on an unknown channel", () => {
    expect(decide(legs([first]), "lost")).toEqual(record("single_leg", [first]));
  });
});

describe("deciding in the sweep, where a missing leg is lost", () => {
  const cases: [string, CallLegs, ReturnType<typeof decide>][] = [
    ["only the caller ended: record it alone", legs([caller]), record("single_leg", [caller])],
    ["only the callee ended: record it alone", legs([callee]), record("single_leg", [callee])],
    ["only a FAILED: close without audio", legs([], 1), { action: "close", outcome: "no_audio" }],
    ["nothing at all: close without audio", legs([]), { action: "close", outcome: "no_audio" }],
    ["both legs ended: record both", legs([caller, callee]), record("recorded", [caller, callee])],
  ];

  it.each(cases)("%s", (_name, state, decision) => {
    expect(decide(state, "lost")).toEqual(decision);
  });
});

describe("the fragment range", () => {
  const at = (iso: string) => Date.parse(iso);
  const leg = (start: string, end: string): EndedLeg => ({ ...caller, startMs: at(start), endMs: at(end) });

  it("starts RANGE_START_MARGIN_MS before the earliest leg start, rounded down to the second", () => {
    expect([RANGE_START_MARGIN_MS, fragmentRange([caller, callee]).start]).toEqual([1000, new Date("2023-04-05T22:14:01.000Z")]);
  });

  it("ends at the latest leg end, rounded up to the second", () => {
    expect(fragmentRange([caller, callee]).end).toEqual(new Date("2023-04-05T22:14:18.000Z"));
  });

  it("keeps instants that are already whole seconds, the margin included", () => {
    const range = fragmentRange([leg("2023-04-05T22:14:02.000Z", "2023-04-05T22:14:09.000Z")]);
    expect(range).toEqual({ start: new Date("2023-04-05T22:14:01.000Z"), end: new Date("2023-04-05T22:14:09.000Z") });
  });

  it("never is empty, even for a leg that ends before the margin's second is over", () => {
    const range = fragmentRange([leg("2023-04-05T22:14:02.000Z", "2023-04-05T22:14:01.000Z")]);
    expect(range.end.getTime() - range.start.getTime()).toBe(1000);
  });

  it("covers a single leg on its own times", () => {
    expect(fragmentRange([callee])).toEqual({
      start: new Date("2023-04-05T22:14:01.000Z"),
      end: new Date("2023-04-05T22:14:18.000Z"),
    });
  });
});

describe("the recording destination", () => {
  const destination = (prefix: string) =>
    recordingDestination({ ...settings, recordingPrefix: normalisePrefix(prefix) }, "call-1");

  it.each([
    ["", "arn:aws:s3:::recordings-bucket/call-1.wav"],
    ["a", "arn:aws:s3:::recordings-bucket/a/call-1.wav"],
    ["a/", "arn:aws:s3:::recordings-bucket/a/call-1.wav"],
    ["/a/b/", "arn:aws:s3:::recordings-bucket/a/b/call-1.wav"],
    ["a//b", "arn:aws:s3:::recordings-bucket/a/b/call-1.wav"],
  ])("prefix %j gives %s", (prefix, expected) => {
    expect(destination(prefix)).toBe(expected);
  });

  it("uses the partition of the pipeline configuration", () => {
    expect(recordingDestination({ ...settings, partition: "aws-us-gov" }, "c")).toBe(
      "arn:aws-us-gov:s3:::recordings-bucket/calls/c.wav",
    );
  });
});

describe("the recording's file name for an opaque call id", () => {
  it.each([
    ["a Chime UUID, unchanged", "089b1d79-d4ca-4f74-b36b-681f606937f6", "089b1d79-d4ca-4f74-b36b-681f606937f6"],
    ["a SIP Call-ID: @ as _40", "a84b4c76e66710@pc33.atlanta.com", "a84b4c76e66710_40pc33.atlanta.com"],
    ["an underscore, escaped so names cannot collide", "a_40b", "a_5F40b"],
    ["slashes and spaces, which would make folders or break the ARN", "a/b c", "a_2Fb_20c"],
    ["non-ASCII, byte by byte", "é", "_C3_A9"],
  ])("%s", (_name, callId, name) => {
    expect(callFileName(callId)).toBe(name);
  });

  it("keeps the destination inside the API's ARN pattern", () => {
    const destination = recordingDestination(settings, callFileName("a84b4c76e66710@pc33.atlanta.com;tag=x/€"));
    expect(destination).toMatch(/^arn[/:\-_.a-zA-Z0-9]+$/);
  });
});

describe("a file name too long for the destination", () => {
  // The extremes: the longest prefix Terraform accepts, the longest bucket name, a 256-byte call id
  // of @s (768 characters encoded): 1,050 characters as they come.
  const extreme = { ...settings, recordingBucket: "b".repeat(63), recordingPrefix: "p".repeat(200), metadataPrefix: "" };
  const longest = callFileName("@".repeat(256));

  it("is shortened so that the destination holds the API's 1,024 characters", () => {
    expect(recordingDestination(extreme, fitFileName(extreme, longest)).length).toBe(MAX_DESTINATION_LENGTH);
  });

  it("keeps the destination inside the API's ARN pattern", () => {
    expect(recordingDestination(extreme, fitFileName(extreme, longest))).toMatch(/^arn[/:\-_.a-zA-Z0-9]+$/);
  });

  it("ends with a hash of the whole name, so two long names that share their start stay apart", () => {
    const other = callFileName(`${"@".repeat(255)}!`);
    expect(fitFileName(extreme, longest)).not.toBe(fitFileName(extreme, other));
  });

  it("is shortened for a record key under a long metadata_prefix too", () => {
    const records = { ...settings, recordingPrefix: "", metadataPrefix: "m".repeat(400) };
    expect(recordKey(records, fitFileName(records, longest)).length).toBeLessThanOrEqual(MAX_DESTINATION_LENGTH);
  });

  it("is left alone when it fits", () => {
    expect(fitFileName({ ...settings, metadataPrefix: "" }, longest)).toBe(longest);
  });
});

const claimOf = (streams: EndedLeg[], changes: Partial<Claim> = {}): Claim => ({
  recording: "call",
  attempt: 1,
  outcome: streams.length === 2 ? "recorded" : "single_leg",
  streams,
  channels: streams.map((leg) => leg.role ?? "unknown"),
  fileName: "call-1",
  ...changes,
});

describe("the client request token of a claim", () => {
  const connector = "bfggco08s5m5esgxfskzks";
  const callId = "089b1d79-d4ca-4f74-b36b-681f606937f6";
  const token = claimToken(connector, callId, claimOf([caller, callee]));

  it("matches the API's pattern", () => {
    expect(token).toMatch(/^[-_a-zA-Z0-9]{2,64}$/);
  });

  it("is the same every time for the same claim", () => {
    expect(claimToken(connector, callId, claimOf([caller, callee]))).toBe(token);
  });

  it.each([
    ["another call", () => claimToken(connector, "another-call", claimOf([caller, callee]))],
    ["another voice connector", () => claimToken("othervoiceconnector", callId, claimOf([caller, callee]))],
    ["another leg set: one token never carries two sets of streams", () => claimToken(connector, callId, claimOf([callee]))],
    ["another end of a leg", () => claimToken(connector, callId, claimOf([caller, { ...callee, endMs: callee.endMs + 1 }]))],
    ["another attempt, after a pipeline failed", () => claimToken(connector, callId, claimOf([caller, callee], { attempt: 2 }))],
    [
      "another recording of the call (a late leg's)",
      () => claimToken(connector, callId, claimOf([caller, callee], { recording: "late_callee_leg" })),
    ],
  ])("differs for %s", (_name, other) => {
    expect(other()).not.toBe(token);
  });

  it("matches the API's pattern for a SIP Call-ID", () => {
    expect(claimToken(connector, "a84b4c76e66710@pc33.atlanta.com", claimOf([caller]))).toMatch(/^[-_a-zA-Z0-9]{2,64}$/);
  });
});

describe("the CreateMediaInsightsPipeline request", () => {
  it("writes to the file name recording_file_name gave the call", () => {
    expect(
      recordingRequest("call-1", CONNECTOR, claimOf([caller, callee], { fileName: "Inbound/2023-04-05/call-1" }), settings)
        .S3RecordingSinkRuntimeConfiguration?.Destination,
    ).toBe("arn:aws:s3:::recordings-bucket/calls/Inbound/2023-04-05/call-1.wav");
  });

  const request = recordingRequest("call-1", CONNECTOR, claimOf([caller, callee]), settings);

  it("carries the whole recording specification", () => {
    expect(request).toEqual({
      MediaInsightsPipelineConfigurationArn: settings.pipelineConfigurationArn,
      KinesisVideoStreamRecordingSourceRuntimeConfiguration: {
        Streams: [{ StreamArn: caller.streamArn }, { StreamArn: callee.streamArn }],
        FragmentSelector: {
          FragmentSelectorType: "ProducerTimestamp",
          TimestampRange: {
            StartTimestamp: new Date("2023-04-05T22:14:01.000Z"),
            EndTimestamp: new Date("2023-04-05T22:14:18.000Z"),
          },
        },
      },
      S3RecordingSinkRuntimeConfiguration: {
        Destination: "arn:aws:s3:::recordings-bucket/calls/call-1.wav",
        RecordingFileFormat: "Wav",
      },
      ClientRequestToken: claimToken(CONNECTOR, "call-1", claimOf([caller, callee])),
      MediaInsightsRuntimeMetadata: {
        callId: "call-1",
        voiceConnectorId: "bfggco08s5m5esgxfskzks",
        recording: "call",
        attempt: "1",
      },
    });
  });

  it("records a single leg with a token of its own: its parameters differ", () => {
    expect(recordingRequest("call-1", CONNECTOR, claimOf([callee]), settings).ClientRequestToken).not.toBe(
      request.ClientRequestToken,
    );
  });

  it("asks for Opus in an .ogg file when recording_format is Opus", () => {
    expect(
      recordingRequest("call-1", CONNECTOR, claimOf([caller, callee]), { ...settings, recordingFormat: "Opus" })
        .S3RecordingSinkRuntimeConfiguration,
    ).toEqual({
      Destination: "arn:aws:s3:::recordings-bucket/calls/call-1.ogg",
      RecordingFileFormat: "Opus",
    });
  });

  it("records a single leg as the only stream", () => {
    expect(
      recordingRequest("call-1", CONNECTOR, claimOf([callee]), settings).KinesisVideoStreamRecordingSourceRuntimeConfiguration
        ?.Streams,
    ).toEqual([{ StreamArn: callee.streamArn }]);
  });

  it("names the attempt in the runtime metadata, so a failure event about an older attempt is told apart", () => {
    expect(
      recordingRequest("call-1", CONNECTOR, claimOf([callee], { attempt: 3 }), settings).MediaInsightsRuntimeMetadata,
    ).toMatchObject({
      attempt: "3",
    });
  });
});
