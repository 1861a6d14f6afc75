import type { EndedLeg, OpenLeg } from "./call";
import type { CallDetails } from "./call-record";
import {
  callIdOf,
  detailOf,
  isObject,
  type Json,
  malformed,
  nonEmptyString,
  optionalString,
  parseJson,
  roleOf,
  timeOf,
} from "./event-fields";
import { SWEEP_DETAIL_TYPE, SWEEP_SOURCE } from "./sweep";

export const STREAMING_STATUS = "Chime VoiceConnector Streaming Status";
export const MEDIA_INSIGHTS_STATE_CHANGE = "Media Insights State Change";
export const PERMANENT_FAILURE = "chime:MediaInsightsPermanentFailure";

/** One SQS message body, validated and reduced to what the recorder acts on. */
export type InboundMessage =
  /** A leg's STARTED: the call exists from its first event of any kind. */
  | {
      kind: "started";
      callId: string;
      voiceConnectorId: string;
      leg: OpenLeg;
      fromNumber?: string;
      toNumber?: string;
      details: CallDetails;
    }
  | {
      kind: "ended";
      callId: string;
      voiceConnectorId: string;
      leg: EndedLeg;
      fromNumber?: string;
      toNumber?: string;
      details: CallDetails;
    }
  /**
   * A FAILED event names the call, not the leg: it carries no isCaller and no stream. `eventKey` tells
   * one FAILED event from another (two legs may fail in the same millisecond) and is the same for
   * each delivery of one event.
   */
  | {
      kind: "failed";
      callId: string;
      voiceConnectorId: string;
      failedMs: number;
      eventKey: string;
      failureReason: string;
      details: CallDetails;
    }
  | { kind: "ignored"; reason: string; callId?: string }
  | {
      kind: "pipeline-failure";
      callId?: string;
      voiceConnectorId?: string;
      pipelineArn?: string;
      failureReason?: string;
      /** From the runtime metadata: which recording of the call, and which attempt at it. */
      recording?: string;
      attempt?: number;
    }
  | { kind: "sweep" }
  /** A refused call's dead letter from the sweep, redriven: record the call from what the table holds. */
  | { kind: "retry"; callId: string; voiceConnectorId: string };

const RETRY_SOURCE = "call-recorder.retry";
const RETRY_DETAIL_TYPE = "Record refused call";

/** The dead letter of a call the service refused during a sweep, which has no event of its own. */
export function retryMessage(callId: string, voiceConnectorId: string): string {
  return JSON.stringify({ source: RETRY_SOURCE, "detail-type": RETRY_DETAIL_TYPE, detail: { callId, voiceConnectorId } });
}

const STREAM_ARN = /^arn:\S{1,1020}$/;

/**
 * EventBridge gives every event an `id`, which stays with the event through EventBridge's and the
 * queue's redeliveries. Without one (not seen from AWS), the fail time stands in.
 */
function eventKeyOf(event: Json, failedMs: number): string {
  return typeof event.id === "string" && event.id !== "" ? event.id : `failTime:${failedMs}`;
}

function streamingStatus(event: Json): InboundMessage {
  const detail = detailOf(event);
  const status = detail.streamingStatus;
  if (status === "UPDATED") {
    // UPDATED carries SIPREC metadata updates and no stream: nothing to record from it.
    return {
      kind: "ignored",
      reason: `streaming status ${status}`,
      callId: typeof detail.callId === "string" ? detail.callId : undefined,
    };
  }
  if (status !== "STARTED" && status !== "ENDED" && status !== "FAILED") {
    throw malformed("detail.streamingStatus", status, "is not a known status", "STARTED, UPDATED, ENDED or FAILED");
  }
  const callId = callIdOf(detail);
  const voiceConnectorId = nonEmptyString(detail, "voiceConnectorId", "the id of the Voice Connector that carried the call");
  if (status === "FAILED") {
    const failedMs = timeOf(detail, "failTime");
    const failureReason = typeof detail.failureReason === "string" ? detail.failureReason : "";
    return {
      kind: "failed",
      callId,
      voiceConnectorId,
      failedMs,
      eventKey: eventKeyOf(event, failedMs),
      failureReason,
      details: detailsOf(detail),
    };
  }
  const role = roleOf(detail);
  const streamArn = nonEmptyString(detail, "streamArn", "a Kinesis Video stream ARN starting with arn:");
  if (!STREAM_ARN.test(streamArn)) {
    throw malformed("detail.streamArn", streamArn, "is not an ARN", "a Kinesis Video stream ARN starting with arn:");
  }
  const startMs = timeOf(detail, "startTime");
  if (status === "STARTED") {
    const open: OpenLeg = role === undefined ? { streamArn, startMs } : { streamArn, startMs, role };
    return {
      kind: "started",
      callId,
      voiceConnectorId,
      leg: open,
      fromNumber: optionalString(detail.fromNumber),
      toNumber: optionalString(detail.toNumber),
      details: detailsOf(detail),
    };
  }
  const endMs = timeOf(detail, "endTime");
  if (endMs < startMs) {
    throw malformed(
      "detail.endTime",
      detail.endTime,
      `is before detail.startTime ${String(detail.startTime)}`,
      "an end at or after the start",
    );
  }
  const leg: EndedLeg = role === undefined ? { streamArn, startMs, endMs } : { streamArn, startMs, endMs, role };
  // The do-not-record list is matched against the numbers as the event gives them (E.164 for PSTN calls).
  return {
    kind: "ended",
    callId,
    voiceConnectorId,
    leg,
    fromNumber: optionalString(detail.fromNumber),
    toNumber: optionalString(detail.toNumber),
    details: detailsOf(detail),
  };
}

/**
 * What the call's record keeps of an event: its numbers and ids, and for SIPREC the recording
 * metadata and INVITE headers as given. A FAILED event carries the ids and the direction only.
 */
function detailsOf(detail: Json): CallDetails {
  const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
  const headers = detail.inviteHeaders;
  return {
    transactionId: text(detail.transactionId),
    direction: text(detail.direction),
    fromNumber: text(detail.fromNumber),
    toNumber: text(detail.toNumber),
    siprecMetadata: text(detail.siprecMetadata),
    inviteHeaders: isObject(headers) ? headers : null,
  };
}

/** The attempt the recorder put in the runtime metadata, as the event echoes it (a string); undefined when absent or unreadable. */
function attemptOf(value: unknown): number | undefined {
  return typeof value === "string" && /^[1-9][0-9]{0,5}$/.test(value) ? Number(value) : undefined;
}

function mediaInsightsStateChange(event: Json): InboundMessage {
  const detail = detailOf(event);
  const eventType = nonEmptyString(detail, "eventType", "a chime:MediaInsights* event type");
  if (eventType !== PERMANENT_FAILURE) return { kind: "ignored", reason: `media insights event ${eventType}` };
  return {
    kind: "pipeline-failure",
    // Present when the pipeline was started by this function (runtime metadata); optional otherwise.
    callId: optionalString(detail.callId),
    voiceConnectorId: optionalString(detail.voiceConnectorId),
    pipelineArn: optionalString(detail.mediaInsightsPipelineArn),
    failureReason: optionalString(detail.failureReason),
    recording: optionalString(detail.recording),
    attempt: attemptOf(detail.attempt),
  };
}

/** Throws MalformedEventError for anything the recorder cannot act on. */
export function parseMessage(body: string): InboundMessage {
  const event = parseJson(body);
  const detailType = event["detail-type"];
  if (event.source === SWEEP_SOURCE && detailType === SWEEP_DETAIL_TYPE) return { kind: "sweep" };
  if (event.source === RETRY_SOURCE && detailType === RETRY_DETAIL_TYPE) {
    const detail = detailOf(event);
    return {
      kind: "retry",
      callId: callIdOf(detail),
      voiceConnectorId: nonEmptyString(detail, "voiceConnectorId", "the recorded voice connector's id"),
    };
  }
  if (detailType === STREAMING_STATUS) return streamingStatus(event);
  if (detailType === MEDIA_INSIGHTS_STATE_CHANGE) return mediaInsightsStateChange(event);
  throw malformed(
    "detail-type",
    detailType,
    "is not handled",
    `"${STREAMING_STATUS}", "${MEDIA_INSIGHTS_STATE_CHANGE}" or the sweep message {"source":"${SWEEP_SOURCE}","detail-type":"${SWEEP_DETAIL_TYPE}"}`,
  );
}
