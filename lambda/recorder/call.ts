import { createHash } from "node:crypto";
import type { CreateMediaInsightsPipelineCommandInput } from "@aws-sdk/client-chime-sdk-media-pipelines";
import { type RecordLocation, recordingKey, recordKey } from "./call-record";
import type { RecordingFormat } from "./recording-check";

/** `isCaller: true` is the caller leg; Chime computes the flag, it need not be who dialled. */
export type LegRole = "caller" | "callee";

/** What one channel of the recording holds; `unknown` for SIPREC without RFC 7865 recording metadata. */
export type ChannelRole = LegRole | "unknown";

export interface EndedLeg {
  streamArn: string;
  startMs: number;
  endMs: number;
  /** Absent when the ENDED event carries no `isCaller`. */
  role?: LegRole;
}

/**
 * What is known of a call's two legs. A FAILED event names the call, not the leg, so failures are
 * only counted: one ENDED and one FAILED account for both legs.
 */
export interface CallLegs {
  ended: EndedLeg[];
  failures: number;
}

/** A leg with no event yet may still report (event path) or is given up for lost (sweep). */
export type MissingLegs = "may-arrive" | "lost";

/** `audio_expired`: Kinesis Video Streams no longer held the audio when the recording was requested. */
export type Outcome = "recorded" | "single_leg" | "no_audio" | "audio_expired" | "not_recorded";

export type Decision =
  | { action: "wait" }
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

export function decide({ ended, failures }: CallLegs, missing: MissingLegs): Decision {
  if (ended.length < 2 && missing === "may-arrive" && ended.length + failures < 2) return { action: "wait" };
  if (ended.length === 0) return { action: "close", outcome: "no_audio" };
  // A call has two streams; more than two ENDED legs can only be a concurrent race's view, and the
  // API takes at most two.
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
  const startMs = Math.floor(Math.min(...streams.map((leg) => leg.startMs)) / 1000) * 1000;
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
  voiceConnectorId: string;
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

/**
 * The same for every attempt at the same call, so duplicate events, concurrent instances and
 * retries after a lost response all get the one pipeline back. Hex sha256 is exactly 64 characters.
 */
export function clientRequestToken(voiceConnectorId: string, callId: string): string {
  return createHash("sha256").update(`${voiceConnectorId}:${callId}`).digest("hex");
}

/** A single stream gives a one-channel WAV; two give the caller's channel first. */
export function recordingRequest(
  callId: string,
  streams: readonly EndedLeg[],
  settings: RecordingSettings,
  fileName: string,
): CreateMediaInsightsPipelineCommandInput {
  const range = fragmentRange(streams);
  return {
    MediaInsightsPipelineConfigurationArn: settings.pipelineConfigurationArn,
    KinesisVideoStreamRecordingSourceRuntimeConfiguration: {
      Streams: streams.map((leg) => ({ StreamArn: leg.streamArn })),
      FragmentSelector: {
        FragmentSelectorType: "ProducerTimestamp",
        TimestampRange: { StartTimestamp: range.start, EndTimestamp: range.end },
      },
    },
    S3RecordingSinkRuntimeConfiguration: {
      Destination: recordingDestination(settings, fileName),
      RecordingFileFormat: settings.recordingFormat,
    },
    ClientRequestToken: clientRequestToken(settings.voiceConnectorId, callId),
    // Echoed in Media Insights State Change events: the rule keeps only this connector's, and a
    // failure can be traced to its call.
    MediaInsightsRuntimeMetadata: { callId, voiceConnectorId: settings.voiceConnectorId },
  };
}
