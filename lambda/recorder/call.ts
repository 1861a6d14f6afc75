import { createHash } from "node:crypto";
import type { CreateMediaInsightsPipelineCommandInput } from "@aws-sdk/client-chime-sdk-media-pipelines";

/** `isCaller: true` is the caller leg; Chime computes the flag, it need not be who dialled. */
export type LegRole = "caller" | "callee";

export interface EndedLeg {
  state: "ENDED";
  streamArn: string;
  startMs: number;
  endMs: number;
}

export interface FailedLeg {
  state: "FAILED";
  failedMs: number;
  failureReason: string;
}

export type Leg = EndedLeg | FailedLeg;

export interface CallLegs {
  caller?: Leg;
  callee?: Leg;
}

/** A leg with no event yet may still report (event path) or is given up for lost (sweep). */
export type MissingLegs = "may-arrive" | "lost";

export type Outcome = "recorded" | "single_leg" | "no_audio";

export type Decision =
  | { action: "wait" }
  | { action: "record"; outcome: "recorded" | "single_leg"; streams: EndedLeg[] }
  | { action: "close"; outcome: "no_audio" };

const isEnded = (leg: Leg | undefined): leg is EndedLeg => leg?.state === "ENDED";

export function decide(legs: CallLegs, missing: MissingLegs): Decision {
  const { caller, callee } = legs;
  if (missing === "may-arrive" && (caller === undefined || callee === undefined)) return { action: "wait" };
  // Caller first, always: Streams[0] becomes the caller's channel and downstream analytics label
  // channels by position.
  const streams = [caller, callee].filter(isEnded);
  if (streams.length === 2) return { action: "record", outcome: "recorded", streams };
  if (streams.length === 1) return { action: "record", outcome: "single_leg", streams };
  return { action: "close", outcome: "no_audio" };
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
  pipelineConfigurationArn: string;
  partition: string;
  recordingBucket: string;
  /** Already normalised: no leading, trailing or repeated slashes. */
  recordingPrefix: string;
  voiceConnectorId: string;
}

export function recordingDestination(settings: RecordingSettings, callId: string): string {
  const key = settings.recordingPrefix === "" ? `${callId}.wav` : `${settings.recordingPrefix}/${callId}.wav`;
  return `arn:${settings.partition}:s3:::${settings.recordingBucket}/${key}`;
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
      Destination: recordingDestination(settings, callId),
      RecordingFileFormat: "Wav",
    },
    ClientRequestToken: clientRequestToken(settings.voiceConnectorId, callId),
    // Echoed in Media Insights State Change events: the rule keeps only this connector's, and a
    // failure can be traced to its call.
    MediaInsightsRuntimeMetadata: { callId, voiceConnectorId: settings.voiceConnectorId },
  };
}
