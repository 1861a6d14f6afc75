import { createHash } from "node:crypto";
import type { CreateMediaInsightsPipelineCommandInput } from "@aws-sdk/client-chime-sdk-media-pipelines";
import { type RecordingDestination, recordingDestination } from "./file-names";
import { RANGE_START_MARGIN_MS } from "./leg-timing";

/** `isCaller: true` is the caller leg; Chime computes the flag, it need not be who dialled. */
export type LegRole = "caller" | "callee";

/** What one channel of the recording holds; `unknown` for SIPREC without RFC 7865 recording metadata. */
export type ChannelRole = LegRole | "unknown";

export interface EndedLeg {
  streamArn: string;
  startMs: number;
  endMs: number;
  /** Absent when the events carry no `isCaller`. */
  role?: LegRole;
  /** `inferred`: no ENDED came, the end was read off the stream's fragments (leg-end.ts). Absent: reported by ENDED. */
  endSource?: "inferred";
}

/** A leg known from its STARTED event only: it may still be streaming. */
export interface OpenLeg {
  streamArn: string;
  startMs: number;
  role?: LegRole;
  /** The latest fragment already seen on its stream: the next scan for its end starts there. */
  scannedToMs?: number;
}

/**
 * What is known of a call's legs. A FAILED event names the call, not the leg, so failures are only
 * counted: they account for legs that have not reported an end, never for a leg that did.
 */
export interface CallLegs {
  ended: EndedLeg[];
  open: OpenLeg[];
  failures: number;
}

/** A leg with no event yet may still report (event path) or is given up for lost (sweep). */
export type MissingLegs = "may-arrive" | "lost";

/** `audio_expired`: Kinesis Video Streams no longer held the audio when the recording was requested. */
export type Outcome = "recorded" | "single_leg" | "no_audio" | "audio_expired" | "not_recorded";

export type Decision =
  | { action: "wait" }
  /** Open legs whose end must be read off their streams before the call can be decided (sweep only). */
  | { action: "scan"; open: OpenLeg[] }
  | { action: "record"; outcome: "recorded" | "single_leg"; streams: EndedLeg[]; channels: ChannelRole[] }
  | { action: "close"; outcome: "no_audio" };

const byStartThenArn = (a: EndedLeg, b: EndedLeg): number =>
  a.startMs - b.startMs || (a.streamArn < b.streamArn ? -1 : a.streamArn > b.streamArn ? 1 : 0);

/**
 * Caller first when both roles are known: Streams[0] becomes the first channel and downstream
 * analytics label channels by position. Without roles, the earlier stream first (then the lower
 * ARN), so that every attempt at the call sends the same request.
 */
export function channelOrder(ended: readonly EndedLeg[]): { streams: EndedLeg[]; channels: ChannelRole[] } {
  const roles = new Set(ended.map((leg) => leg.role));
  const rolesKnown = ended.length === 1 ? ended[0].role !== undefined : roles.has("caller") && roles.has("callee");
  if (rolesKnown) {
    const streams = [...ended].sort((a, b) => (a.role === b.role ? 0 : a.role === "caller" ? -1 : 1));
    return { streams, channels: streams.map((leg) => leg.role ?? "unknown") };
  }
  const streams = [...ended].sort(byStartThenArn);
  return { streams, channels: streams.map(() => "unknown") };
}

/** A call has two streams, one per direction. */
const LEGS_PER_CALL = 2;

/**
 * A call is decided when every leg is accounted for: ended (reported or inferred), or failed. A
 * FAILED names no leg, so failures first account for legs never seen; they account for an open leg
 * only when every leg without a reported end is a failed one (as many FAILED as such legs), since a
 * leg whose end was inferred may be the one that failed while the open one still streams. Legs never
 * seen are waited for on the event path (`may-arrive`) and given up by the sweep (`lost`); an open
 * leg the failures do not account for is never given up: the sweep reads its end off its stream.
 */
export function decide({ ended, open, failures }: CallLegs, missing: MissingLegs): Decision {
  const unseen = Math.max(0, LEGS_PER_CALL - ended.length - open.length);
  const inferred = ended.filter((leg) => leg.endSource === "inferred").length;
  const openAccounted = open.length === 0 || failures >= open.length + inferred + unseen;
  if (missing === "may-arrive" && (unseen > failures || !openAccounted)) return { action: "wait" };
  if (!openAccounted) return { action: "scan", open };
  if (ended.length === 0) return { action: "close", outcome: "no_audio" };
  // More than two ended legs can only be a concurrent race's view, and the API takes at most two.
  const { streams, channels } = channelOrder(ended);
  const recorded = { streams: streams.slice(0, 2), channels: channels.slice(0, 2) };
  return { action: "record", outcome: recorded.streams.length === 2 ? "recorded" : "single_leg", ...recorded };
}

/** From the earliest leg's start to the latest leg's end. */
export const durationSeconds = (legs: readonly EndedLeg[]): number =>
  (Math.max(...legs.map((leg) => leg.endMs)) - Math.min(...legs.map((leg) => leg.startMs))) / 1000;

export interface FragmentRange {
  start: Date;
  end: Date;
}

/**
 * Whole seconds, because the API takes epoch seconds: rounding outward keeps the first and last
 * fragments, which are included when their start lies inside the range.
 */
export function fragmentRange(streams: readonly EndedLeg[]): FragmentRange {
  const startMs = Math.floor((Math.min(...streams.map((leg) => leg.startMs)) - RANGE_START_MARGIN_MS) / 1000) * 1000;
  const endMs = Math.ceil(Math.max(...streams.map((leg) => leg.endMs)) / 1000) * 1000;
  // A leg that ends within its first whole second would give an empty range.
  return { start: new Date(startMs), end: new Date(Math.max(endMs, startMs + 1000)) };
}

/** What a recording request needs besides the call: the pipeline configuration and where it writes. */
export interface RecordingSettings extends RecordingDestination {
  pipelineConfigurationArn: string;
}

/** The recording of the call itself; a leg that reports after the call was claimed gets its own (lateRecordingId). */
export const CALL_RECORDING = "call";

/** What one recording request is for, fixed before it is sent: its leg set, attempt and file. */
export interface Claim {
  /** CALL_RECORDING, or a late leg's recording id. */
  recording: string;
  /** 1 for the first request; a pipeline that failed for good is claimed again with the next. */
  attempt: number;
  /** What the claim decided; not_recorded and audio_expired are decided when it is acted on. */
  outcome: "recorded" | "single_leg" | "no_audio";
  /** The legs recorded, in file order. */
  streams: EndedLeg[];
  channels: ChannelRole[];
  /** recording_file_name filled in for the call, fitted (fitFileName, file-names.ts), without extension. */
  fileName: string;
}

/**
 * One token per claim: the call, the recording, the attempt and the exact legs. Duplicate events,
 * concurrent instances and retries after a lost response send the same claim, so they get its one
 * pipeline back; a different leg set or a new attempt never reuses a token. Hex sha256 is exactly
 * 64 characters, the API's maximum.
 */
export function claimToken(
  voiceConnectorId: string,
  callId: string,
  claim: Pick<Claim, "recording" | "attempt" | "streams">,
): string {
  const legs = claim.streams.map((leg) => `${leg.streamArn}@${leg.startMs}-${leg.endMs}`).join(",");
  return createHash("sha256")
    .update(`${voiceConnectorId}\n${callId}\n${claim.recording}\n${claim.attempt}\n${legs}`)
    .digest("hex");
}

/**
 * A single stream gives a one-channel WAV; two give the caller's channel first. The runtime metadata
 * comes back in Media Insights State Change events: the rule keeps only this connector's, and a
 * failure is traced to its call, recording and attempt.
 */
export function recordingRequest(
  callId: string,
  voiceConnectorId: string,
  claim: Claim,
  settings: RecordingSettings,
): CreateMediaInsightsPipelineCommandInput {
  const range = fragmentRange(claim.streams);
  return {
    MediaInsightsPipelineConfigurationArn: settings.pipelineConfigurationArn,
    KinesisVideoStreamRecordingSourceRuntimeConfiguration: {
      Streams: claim.streams.map((leg) => ({ StreamArn: leg.streamArn })),
      FragmentSelector: {
        FragmentSelectorType: "ProducerTimestamp",
        TimestampRange: { StartTimestamp: range.start, EndTimestamp: range.end },
      },
    },
    S3RecordingSinkRuntimeConfiguration: {
      Destination: recordingDestination(settings, claim.fileName),
      RecordingFileFormat: settings.recordingFormat,
    },
    ClientRequestToken: claimToken(voiceConnectorId, callId, claim),
    MediaInsightsRuntimeMetadata: {
      callId,
      voiceConnectorId,
      recording: claim.recording,
      attempt: String(claim.attempt),
    },
  };
}
