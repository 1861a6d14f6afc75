import type { RecordingFormat, Verification } from "./recording-check";

/** What the events tell of a call beyond its streams; each member null until an event carried it. */
export interface CallDetails {
  transactionId: string | null;
  direction: string | null;
  fromNumber: string | null;
  toNumber: string | null;
  /** SIPREC calls only: the recording metadata (RFC 7865) and the INVITE's headers, as the events carry them. */
  siprecMetadata: string | null;
  inviteHeaders: Record<string, unknown> | null;
}

export const NO_DETAILS: CallDetails = {
  transactionId: null,
  direction: null,
  fromNumber: null,
  toNumber: null,
  siprecMetadata: null,
  inviteHeaders: null,
};

export type ChannelRoleName = "caller" | "callee" | "unknown";

export interface RecordedChannel {
  role: ChannelRoleName;
  streamArn: string;
  startMs: number;
  endMs: number;
  /** The leg's ENDED never came: its end was read off its stream. */
  endInferred?: boolean;
}

/** Every leg the connector reported, recorded or not. */
export interface ReportedLeg {
  role: ChannelRoleName;
  streamArn: string;
  startMs: number;
  /** Null while no end is known (an open leg the failures account for). */
  endMs: number | null;
  end: "reported" | "inferred" | null;
  /** In one of the call's recordings. */
  recorded: boolean;
}

/** One attempt at a recording: a pipeline that failed for good is started again with a new token. */
export interface AttemptEntry {
  attempt: number;
  pipelineArn: string | null;
  requestedAtMs: number | null;
  failureReason: string | null;
}

/** `recorded`/`single_leg` when the audio passed its check, else the check's status; the rest end without audio. */
export type RecordOutcome =
  | "recorded"
  | "single_leg"
  | "short"
  | "empty"
  | "malformed"
  | "missing"
  | "no_audio"
  | "audio_expired"
  | "not_recorded";

type CheckedVerification = (Verification & { checkedAtMs: number }) | null;

/** A late leg's own recording: the leg reported after the call's recording was claimed. */
export interface LateRecordingEntry {
  key: string;
  pipelineArn: string | null;
  requestedAtMs: number | null;
  channels: RecordedChannel[];
  verification: CheckedVerification;
}

export interface RecordInput {
  callId: string;
  voiceConnectorId: string;
  details: CallDetails;
  /** What the recorder decided: recorded, single_leg, or an outcome without a pipeline. */
  decided: "recorded" | "single_leg" | "no_audio" | "audio_expired" | "not_recorded";
  /** In file order; empty for a call without audio. */
  channels: RecordedChannel[];
  recording: { bucket: string; key: string; format: RecordingFormat; pipelineArn: string | null; requestedAtMs: number | null };
  verification: CheckedVerification;
  /** Every leg reported; defaults to the channels. */
  legs?: ReportedLeg[];
  /** FAILED events received for the call. */
  failedLegEvents?: number;
  attempts?: AttemptEntry[];
  lateRecordings?: LateRecordingEntry[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const checkedOutcome = (decided: "recorded" | "single_leg", verification: CheckedVerification): RecordOutcome =>
  verification !== null && verification.status !== "verified" ? verification.status : decided;

const verificationOf = (verification: CheckedVerification) =>
  verification === null
    ? null
    : {
        status: verification.status,
        checkedAt: iso(verification.checkedAtMs),
        bytes: verification.bytes,
        channels: verification.channels,
        sampleRateHz: verification.sampleRateHz,
        durationSeconds: verification.durationSeconds,
      };

const channelsOf = (channels: readonly RecordedChannel[]) =>
  channels.map((channel, index) => ({
    channel: index,
    role: channel.role === "unknown" ? null : channel.role,
    isCaller: channel.role === "unknown" ? null : channel.role === "caller",
    streamArn: channel.streamArn,
    startTime: iso(channel.startMs),
    endTime: iso(channel.endMs),
    endInferred: channel.endInferred === true,
  }));

/**
 * The JSON record of one call, schema version 2: every member present, null where unknown. A call
 * whose leg reported after its recording was claimed is `split`: the late leg's own recordings are
 * listed, and a call closed without audio takes its outcome from the first of them.
 */
export function callRecord(input: RecordInput) {
  const { details, channels, recording, verification } = input;
  const late = input.lateRecordings ?? [];
  // The earliest start first, whatever the channel order.
  const legs: ReportedLeg[] = [
    ...(input.legs ??
      channels.map(
        (channel): ReportedLeg => ({ ...channel, end: channel.endInferred ? "inferred" : "reported", recorded: true }),
      )),
  ].sort((a, b) => a.startMs - b.startMs);
  const known = legs.filter((leg) => leg.endMs !== null);
  const startMs = legs.length === 0 ? null : Math.min(...legs.map((leg) => leg.startMs));
  const endMs = known.length === 0 ? null : Math.max(...known.map((leg) => leg.endMs ?? 0));
  let outcome: RecordOutcome =
    input.decided === "recorded" || input.decided === "single_leg" ? checkedOutcome(input.decided, verification) : input.decided;
  if (outcome === "no_audio" && late.length > 0) outcome = checkedOutcome("single_leg", late[0].verification);
  const siprec =
    details.siprecMetadata === null && details.inviteHeaders === null
      ? null
      : { metadata: details.siprecMetadata, inviteHeaders: details.inviteHeaders };
  return {
    schemaVersion: 2,
    callId: input.callId,
    transactionId: details.transactionId,
    voiceConnectorId: input.voiceConnectorId,
    direction: details.direction,
    fromNumber: details.fromNumber,
    toNumber: details.toNumber,
    startTime: iso(startMs),
    endTime: iso(endMs),
    durationSeconds: startMs === null || endMs === null ? null : (endMs - startMs) / 1000,
    outcome,
    split: late.length > 0,
    channels: channelsOf(channels),
    legs: legs.map((leg) => ({
      role: leg.role === "unknown" ? null : leg.role,
      streamArn: leg.streamArn,
      startTime: iso(leg.startMs),
      endTime: iso(leg.endMs),
      end: leg.end,
      recorded: leg.recorded,
    })),
    failedLegEvents: input.failedLegEvents ?? 0,
    recording: {
      bucket: recording.bucket,
      key: recording.key,
      format: recording.format,
      pipelineArn: recording.pipelineArn,
      requestedAt: iso(recording.requestedAtMs),
      attempts: (input.attempts ?? []).map((attempt) => ({
        attempt: attempt.attempt,
        pipelineArn: attempt.pipelineArn,
        requestedAt: iso(attempt.requestedAtMs),
        failureReason: attempt.failureReason,
      })),
    },
    verification: verificationOf(verification),
    lateRecordings: late.map((entry) => ({
      bucket: recording.bucket,
      key: entry.key,
      format: recording.format,
      pipelineArn: entry.pipelineArn,
      requestedAt: iso(entry.requestedAtMs),
      channels: channelsOf(entry.channels),
      verification: verificationOf(entry.verification),
    })),
    siprec,
  };
}

export type CallRecord = ReturnType<typeof callRecord>;
