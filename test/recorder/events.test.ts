import { MalformedEventError } from "../../lambda/recorder/errors";
import { parseMessage } from "../../lambda/recorder/events";
import { SWEEP_EVENT } from "../../lambda/recorder/sweep";
import permanentFailure from "./fixtures/media-insights-permanent-failure.json";
import ended from "./fixtures/streaming-ended.json";
import failed from "./fixtures/streaming-failed.json";
import started from "./fixtures/streaming-started.json";

const body = (event: unknown): string => JSON.stringify(event);
const withDetail = (event: { detail: object }, changes: Record<string, unknown>) => ({
  ...event,
  detail: { ...event.detail, ...changes },
});
const without = (event: { detail: Record<string, unknown> }, field: string) => {
  const { [field]: _removed, ...detail } = event.detail;
  return { ...event, detail };
};

function rejection(text: string): MalformedEventError {
  try {
    parseMessage(text);
  } catch (error) {
    if (error instanceof MalformedEventError) return error;
    throw error;
  }
  throw new Error(`accepted: ${text}`);
}

describe("the sample events (AWS documentation shapes)", () => {
  it("reads an ENDED event as the ended leg with its role, stream and times, and the call's numbers", () => {
    expect(parseMessage(body(ended))).toEqual({
      kind: "ended",
      callId: "089b1d79-d4ca-4f74-b36b-681f606937f6",
      voiceConnectorId: "bfggco08s5m5esgxfskzks",
      leg: {
        role: "caller",
        streamArn: ended.detail.streamArn,
        startMs: Date.parse("2023-04-05T22:14:03.993Z"),
        endMs: Date.parse("2023-04-05T22:14:17.788Z"),
      },
      fromNumber: "+18155551212",
      toNumber: "+19285557777",
      details: {
        transactionId: "ec97a8ff-3f83-4de2-8d73-d988070f6af4",
        direction: "Inbound",
        fromNumber: "+18155551212",
        toNumber: "+19285557777",
        siprecMetadata: null,
        inviteHeaders: null,
      },
    });
  });

  it("keeps a SIPREC ENDED event's recording metadata and INVITE headers for the call's record", () => {
    const siprecMetadata = '<?xml version="1.0" encoding="UTF-8"?><recording xmlns="urn:ietf:params:xml:ns:recording:1"/>';
    const inviteHeaders = { "x-customer-id": "42", from: "<sip:+18155551212@198.51.100.10>" };
    expect(parseMessage(body(withDetail(ended, { siprecMetadata, inviteHeaders })))).toMatchObject({
      details: { siprecMetadata, inviteHeaders },
    });
  });

  it("reads an ENDED event without numbers as a leg of a call whose numbers are unknown", () => {
    expect(parseMessage(body(without(without(ended, "fromNumber"), "toNumber")))).toMatchObject({
      kind: "ended",
      fromNumber: undefined,
      toNumber: undefined,
    });
  });

  it("reads the documented FAILED event, which names the call and no leg, as a failure of the call", () => {
    expect(parseMessage(body(failed))).toEqual({
      kind: "failed",
      callId: "089b1d79-d4ca-4f74-b36b-681f606937f6",
      voiceConnectorId: "bfggco08s5m5esgxfskzks",
      failedMs: Date.parse("2023-04-05T22:14:10.120Z"),
      eventKey: "5d2c6a1e-2b7f-4c55-9d3e-0f1a2b3c4d5e",
      failureReason: "Internal failure",
      details: {
        transactionId: "ec97a8ff-3f83-4de2-8d73-d988070f6af4",
        direction: "Inbound",
        fromNumber: null,
        toNumber: null,
        siprecMetadata: null,
        inviteHeaders: null,
      },
    });
  });

  it("tells FAILED events apart by their EventBridge id, the same for every delivery of one event", () => {
    const other = { ...failed, id: "0b7c1f5e-8a34-4d2e-9f61-3c5a7e9d1b24" };
    expect(
      [parseMessage(body(failed)), parseMessage(body(other))].map((message) => "eventKey" in message && message.eventKey),
    ).toEqual([failed.id, other.id]);
  });

  it("tells a FAILED event without an id by its fail time", () => {
    const { id: _id, ...withoutId } = failed;
    expect(parseMessage(body(withoutId))).toMatchObject({ eventKey: `failTime:${Date.parse(failed.detail.failTime)}` });
  });

  it("reads an ENDED event without isCaller (SIPREC without recording metadata) as a leg of unknown role", () => {
    expect(parseMessage(body(without(ended, "isCaller")))).toEqual({
      kind: "ended",
      callId: ended.detail.callId,
      voiceConnectorId: ended.detail.voiceConnectorId,
      leg: {
        streamArn: ended.detail.streamArn,
        startMs: Date.parse(ended.detail.startTime),
        endMs: Date.parse(ended.detail.endTime),
      },
      fromNumber: ended.detail.fromNumber,
      toNumber: ended.detail.toNumber,
      details: expect.objectContaining({ fromNumber: ended.detail.fromNumber, toNumber: ended.detail.toNumber }),
    });
  });

  it("reads a STARTED event as an open leg: its stream, start and role, and the call's numbers", () => {
    expect(parseMessage(body(started))).toEqual({
      kind: "started",
      callId: started.detail.callId,
      voiceConnectorId: started.detail.voiceConnectorId,
      leg: { streamArn: started.detail.streamArn, startMs: Date.parse(started.detail.startTime), role: "callee" },
      fromNumber: started.detail.fromNumber,
      toNumber: started.detail.toNumber,
      details: expect.objectContaining({ fromNumber: started.detail.fromNumber, transactionId: started.detail.transactionId }),
    });
  });

  it("reads a STARTED event without isCaller as an open leg of unknown role", () => {
    expect(parseMessage(body(without(started, "isCaller")))).toMatchObject({
      kind: "started",
      leg: { streamArn: started.detail.streamArn, startMs: Date.parse(started.detail.startTime) },
    });
  });

  it("refuses a STARTED event without its stream, which no leg can be recorded from", () => {
    expect(() => parseMessage(body(without(started, "streamArn")))).toThrow(MalformedEventError);
  });

  it("ignores an UPDATED event, which carries no stream", () => {
    expect(parseMessage(body(withDetail(started, { streamingStatus: "UPDATED" })))).toMatchObject({ kind: "ignored" });
  });

  it("reads a permanent pipeline failure with its call id, pipeline and reason", () => {
    expect(parseMessage(body(permanentFailure))).toEqual({
      kind: "pipeline-failure",
      callId: "089b1d79-d4ca-4f74-b36b-681f606937f6",
      voiceConnectorId: undefined,
      pipelineArn: permanentFailure.detail.mediaInsightsPipelineArn,
      failureReason: "Access denied when assuming resource access role",
      recording: undefined,
      attempt: undefined,
    });
  });

  it("reads the recording and attempt a permanent failure echoes from the runtime metadata, as strings", () => {
    const echoed = withDetail(permanentFailure, { recording: "call", attempt: "2" });
    expect(parseMessage(body(echoed))).toMatchObject({ kind: "pipeline-failure", recording: "call", attempt: 2 });
  });

  it("reads an attempt that is no whole number as unknown", () => {
    expect(parseMessage(body(withDetail(permanentFailure, { attempt: "two" })))).toMatchObject({ attempt: undefined });
  });

  it("reads the connector id a permanent failure echoes from the runtime metadata", () => {
    const ours = withDetail(permanentFailure, { voiceConnectorId: "bfggco08s5m5esgxfskzks" });
    expect(parseMessage(body(ours))).toMatchObject({ kind: "pipeline-failure", voiceConnectorId: "bfggco08s5m5esgxfskzks" });
  });

  it("ignores other media insights state changes", () => {
    const inProgress = withDetail(permanentFailure, { eventType: "chime:MediaInsightsInProgress" });
    expect(parseMessage(body(inProgress))).toMatchObject({ kind: "ignored" });
  });
});

describe("an opaque callId", () => {
  it.each([
    ["a SIP Call-ID (RFC 3261's example)", "a84b4c76e66710@pc33.atlanta.com"],
    ["spaces, slashes and plus signs", "a b/c+d=e"],
    ["non-ASCII characters", "appel-été-€"],
    ["exactly 256 bytes", "a".repeat(256)],
  ])("is accepted as is: %s", (_name, callId) => {
    expect(parseMessage(body(withDetail(ended, { callId })))).toMatchObject({ kind: "ended", callId });
  });
});

describe("the sweep message", () => {
  it("is recognised from the exact JSON the schedule sends", () => {
    expect(parseMessage('{"source":"call-recorder.sweep","detail-type":"Sweep pending calls"}')).toEqual({ kind: "sweep" });
  });

  it("is the serialisation of the exported constant", () => {
    expect(JSON.stringify(SWEEP_EVENT)).toBe('{"source":"call-recorder.sweep","detail-type":"Sweep pending calls"}');
  });
});

describe("a malformed event is rejected with the field at fault", () => {
  const cases: [string, string, string][] = [
    ["a body that is not JSON", "{not json", "body"],
    ["a body that is JSON but not an object", "[1,2]", "body"],
    ["a null detail", body({ ...ended, detail: null }), "detail"],
    ["a missing detail", body({ ...ended, detail: undefined }), "detail"],
    ["a missing callId", body(without(ended, "callId")), "detail.callId"],
    ["an empty callId", body(withDetail(ended, { callId: "" })), "detail.callId"],
    ["a callId that is not a string", body(withDetail(ended, { callId: 42 })), "detail.callId"],
    ["a callId longer than 256 bytes", body(withDetail(ended, { callId: "a".repeat(257) })), "detail.callId"],
    ["a callId of 129 three-byte characters (387 bytes)", body(withDetail(ended, { callId: "€".repeat(129) })), "detail.callId"],
    ["an ENDED without streamArn", body(without(ended, "streamArn")), "detail.streamArn"],
    ["an ENDED with an empty streamArn", body(withDetail(ended, { streamArn: "" })), "detail.streamArn"],
    [
      "a streamArn that is not an ARN",
      body(withDetail(ended, { streamArn: "stream/ChimeVoiceConnector-x" })),
      "detail.streamArn",
    ],
    ["an unparseable startTime", body(withDetail(ended, { startTime: "yesterday" })), "detail.startTime"],
    ["an unparseable endTime", body(withDetail(ended, { endTime: "2023-04-05 22:14" })), "detail.endTime"],
    ["an endTime before the startTime", body(withDetail(ended, { endTime: "2023-04-05T22:14:00.000Z" })), "detail.endTime"],
    ["an unparseable failTime", body(withDetail(failed, { failTime: 1680732850 })), "detail.failTime"],
    ["an isCaller that is not a boolean", body(withDetail(ended, { isCaller: "true" })), "detail.isCaller"],
    ["an unknown streamingStatus", body(withDetail(ended, { streamingStatus: "PAUSED" })), "detail.streamingStatus"],
    ["a missing voiceConnectorId", body(without(ended, "voiceConnectorId")), "detail.voiceConnectorId"],
    ["an unknown detail-type", body({ ...ended, "detail-type": "Chime Meeting State Change" }), "detail-type"],
  ];

  it.each(cases)("%s", (_name, text, field) => {
    expect(rejection(text).field).toBe(field);
  });
});

describe("the rejection message", () => {
  const error = rejection(body(withDetail(ended, { streamArn: "a b" })));

  it("names the field", () => {
    expect(error.message).toContain("detail.streamArn");
  });

  it("quotes the value", () => {
    expect(error.message).toContain('"a b"');
  });

  it("states the accepted form", () => {
    expect(error.message).toContain("a Kinesis Video stream ARN starting with arn:");
  });

  it("shortens a huge value", () => {
    expect(rejection("x".repeat(10_000)).value.length).toBeLessThan(300);
  });
});
