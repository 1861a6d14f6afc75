"use strict";
/**
 * EventBridge events shaped like the samples in /work/shared/events (Chime Voice Connector
 * streaming status and Media Insights state change), for one synthetic call at a time.
 */

const VOICE_CONNECTOR_ID = "bfggco08s5m5esgxfskzks";
const ACCOUNT = "112233445566";
/** Start of the first synthetic call: the sample's STARTED time. */
const FIRST_CALL_MS = Date.parse("2023-04-05T22:14:02.238Z");

/**
 * @typedef {{ streamArn: string, startMs: number, endMs: number }} LegTimes
 * @typedef {{ callId: string, voiceConnectorId: string, caller: LegTimes, callee: LegTimes }} Call
 */

/**
 * A call whose legs start and end at different, non-whole-second instants (the callee's stream
 * starts first, the caller's ends last), so that the recording range must round both ways.
 * @param {string} callId
 * @param {{ voiceConnectorId?: string, offsetMs?: number }} [options]
 * @returns {Call}
 */
function makeCall(callId, { voiceConnectorId = VOICE_CONNECTOR_ID, offsetMs = 0 } = {}) {
  const base = FIRST_CALL_MS + offsetMs;
  // Stream names take [a-zA-Z0-9_.-] only; a call id such as a SIP Call-ID has other characters.
  const streamName = `ChimeVoiceConnector-${voiceConnectorId}-${callId.replace(/[^a-zA-Z0-9_.-]/g, "-")}`;
  const stream = (side, createdMs) => `arn:aws:kinesisvideo:us-east-1:${ACCOUNT}:stream/${streamName}-${side}/${createdMs}`;
  return {
    callId,
    voiceConnectorId,
    caller: { streamArn: stream("caller", base + 1_000), startMs: base + 1_755, endMs: base + 15_550 },
    callee: { streamArn: stream("callee", base), startMs: base, endMs: base + 15_412 },
  };
}

const iso = (ms) => new Date(ms).toISOString();

function envelope(detailType, timeMs, detail) {
  return {
    version: "0",
    id: `${detail.callId ?? "event"}-${detail.streamingStatus ?? detail.eventType}-${detail.isCaller ?? detail.failTime ?? ""}`,
    "detail-type": detailType,
    source: "aws.chime",
    account: ACCOUNT,
    time: iso(Math.floor(timeMs / 1000) * 1000).replace(".000Z", "Z"),
    region: "us-east-1",
    resources: [],
    detail,
  };
}

/**
 * @param {Call} call
 * @param {"caller" | "callee"} side a FAILED names no leg: its side only sets the failTime
 * @param {"STARTED" | "UPDATED" | "ENDED" | "FAILED"} status
 */
function streamingEvent(call, side, status) {
  const leg = call[side];
  const common = {
    callId: call.callId,
    direction: "Inbound",
    fromNumber: "+18155551212",
    isCaller: side === "caller",
    toNumber: "+19285557777",
    transactionId: `tx-${call.callId}`,
    voiceConnectorId: call.voiceConnectorId,
    streamingStatus: status,
    version: "0",
  };
  const started = {
    mediaType: "audio/L16",
    startFragmentNumber: "91343852333181432392682062653077497216055113817",
    startTime: iso(leg.startMs),
    streamArn: leg.streamArn,
  };
  const details = {
    STARTED: { ...common, ...started },
    UPDATED: { ...common, updateHeaders: {} },
    ENDED: {
      ...common,
      ...started,
      endTime: iso(leg.endMs),
      currentFragmentNumber: "91343852333181432457054944695917274706600548493",
    },
    // The documented shape: a FAILED names the call, not the leg (no isCaller, numbers or stream).
    FAILED: {
      streamingStatus: status,
      voiceConnectorId: call.voiceConnectorId,
      transactionId: common.transactionId,
      callId: call.callId,
      direction: common.direction,
      failTime: iso(leg.startMs + 500),
      failureReason: "Internal failure",
      version: "0",
    },
  };
  const timeMs = { STARTED: leg.startMs, UPDATED: leg.startMs, ENDED: leg.endMs, FAILED: leg.startMs + 500 }[status];
  return envelope("Chime VoiceConnector Streaming Status", timeMs, details[status]);
}

/** The four events of a complete call: both STARTED, then both ENDED. */
function callEvents(call) {
  return [
    streamingEvent(call, "callee", "STARTED"),
    streamingEvent(call, "caller", "STARTED"),
    streamingEvent(call, "callee", "ENDED"),
    streamingEvent(call, "caller", "ENDED"),
  ];
}

/**
 * `metadata`: the runtime metadata the pipeline was created with, which the event echoes in `detail`.
 * @param {{ callId?: string, pipelineArn: string, failureReason?: string, metadata?: Record<string, string> }} options
 */
function permanentFailureEvent({ callId, pipelineArn, failureReason, metadata = {} }) {
  const detail = {
    version: "0",
    mediaInsightsPipelineArn: pipelineArn,
    eventType: "chime:MediaInsightsPermanentFailure",
    ...(failureReason === undefined ? {} : { failureReason }),
    ...(callId === undefined ? {} : { callId }),
    ...metadata,
  };
  return envelope("Media Insights State Change", FIRST_CALL_MS, detail);
}

/**
 * `makeCall`, with the callee's stream starting `agoMs` before now: for tests that read the legs'
 * streams, whose quiet stretches count up to the present.
 * @param {string} callId
 * @param {number} agoMs
 */
function recentCall(callId, agoMs) {
  return makeCall(callId, { offsetMs: Date.now() - agoMs - FIRST_CALL_MS });
}

module.exports = { VOICE_CONNECTOR_ID, makeCall, recentCall, streamingEvent, callEvents, permanentFailureEvent };
