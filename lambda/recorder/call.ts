import { createHash } from "node:crypto";
import type { CreateMediaInsightsPipelineCommandInput } from "@aws-sdk/client-chime-sdk-media-pipelines";
import { type RecordLocation, recordingKey, recordKey } from "./call-record";
import { RANGE_START_MARGIN_MS } from "./leg-timing";
import type { RecordingFormat } from "./recording-check";

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

export interface RecordingSettings {
  /** Wav or Opus: the file's format and extension. */
  recordingFormat: RecordingFormat;
  pipelineConfigurationArn: string;
  partition: string;
  recordingBucket: string;
  /** Already normalised: no leading, trailing or repeated slashes. */
  recordingPrefix: string;
}

/** Bytes an S3 destination ARN holds as they are; every other byte is written `_XX` (hex). */
const KEY_SAFE = /[A-Za-z0-9.-]/;

/**
 * The call id as a file name an S3 destination ARN (^arn[\/\:\-\_\.a-zA-Z0-9]+$) accepts:
 * letters, digits, `.` and `-` stay, every other UTF-8 byte (`_` included, so that no two call
 * ids share a name) becomes `_` and two hex digits. A Chime UUID is unchanged.
 */
export function callFileName(callId: string): string {
  let name = "";
  for (const byte of Buffer.from(callId, "utf8")) {
    const char = String.fromCharCode(byte);
    name += KEY_SAFE.test(char) ? char : `_${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return name;
}

/**
 * The longest S3RecordingSinkRuntimeConfiguration.Destination the API takes (its shape `Arn`, max
 * 1024, in botocore's chime-sdk-media-pipelines 2021-07-15), which is also S3's limit on a key.
 */
export const MAX_DESTINATION_LENGTH = 1_024;
/** Hex digits of the hash that keeps shortened file names apart. */
const NAME_HASH_LENGTH = 16;

/**
 * `fileName`, or when the destination ARN or the record's key would be longer than 1,024
 * characters, its start followed by `-` and a hash of the whole name: still one name per call. A
 * 256-byte call id of `@`s is 768 characters encoded, so a long prefix and bucket can overflow.
 * The destination and the keys hold ASCII only, so characters are bytes.
 */
export function fitFileName(settings: RecordingSettings & RecordLocation, fileName: string): string {
  const room =
    MAX_DESTINATION_LENGTH -
    Math.max(recordingDestination(settings, "").length, recordKey(settings, "").length, recordingKey(settings, "", "Wav").length);
  if (fileName.length <= room) return fileName;
  const hash = createHash("sha256").update(fileName).digest("hex").slice(0, NAME_HASH_LENGTH);
  return `${fileName.slice(0, room - NAME_HASH_LENGTH - 1)}-${hash}`;
}

/** `fileName` is recording_file_name filled in for the call (call-record.ts), without extension. */
export function recordingDestination(settings: RecordingSettings, fileName: string): string {
  return `arn:${settings.partition}:s3:::${settings.recordingBucket}/${recordingKey(settings, fileName, settings.recordingFormat)}`;
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
  /** recording_file_name filled in for the call, fitted (fitFileName), without extension. */
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
