import type { ChannelRole, EndedLeg } from "./call";
import type { AttemptEntry, LateRecordingEntry, RecordedChannel, ReportedLeg } from "./call-record";
import type { CallState } from "./call-state";
import type { RecordFacts } from "./recording-audit";
import type { RecordingFormat, Verification } from "./recording-check";

/** The channels of a recording, in file order, with what each holds. */
export function recordedChannels(streams: readonly EndedLeg[], roles: readonly ChannelRole[]): RecordedChannel[] {
  return streams.map((leg, index) => ({
    role: roles[index] ?? "unknown",
    streamArn: leg.streamArn,
    startMs: leg.startMs,
    endMs: leg.endMs,
    ...(leg.endSource === "inferred" ? { endInferred: true } : {}),
  }));
}

/** Every leg the connector reported, and whether one of the call's recordings holds it. */
export function reportedLegs(state: CallState, recordedArns: ReadonlySet<string>): ReportedLeg[] {
  const ended: ReportedLeg[] = state.legs.ended.map((leg) => ({
    role: leg.role ?? "unknown",
    streamArn: leg.streamArn,
    startMs: leg.startMs,
    endMs: leg.endMs,
    end: leg.endSource === "inferred" ? "inferred" : "reported",
    recorded: recordedArns.has(leg.streamArn),
  }));
  const open: ReportedLeg[] = state.legs.open.map((leg) => ({
    role: leg.role ?? "unknown",
    streamArn: leg.streamArn,
    startMs: leg.startMs,
    endMs: null,
    end: null,
    recorded: false,
  }));
  return [...ended, ...open].sort((a, b) => a.startMs - b.startMs);
}

export interface RecordingFacts {
  decided: RecordFacts["decided"];
  /** The call's recording as claimed; absent for items settled before claims were kept. */
  claim?: { streams: EndedLeg[]; channels: ChannelRole[] };
  recordingKey: string;
  format: RecordingFormat;
  pipelineArn?: string | null;
  requestedAtMs?: number | null;
  verification?: (Verification & { checkedAtMs: number }) | null;
  lateRecordings?: LateRecordingEntry[];
}

/** What the call's record says, from the table's view of the call and what became of its recordings. */
export function factsOf(state: CallState, facts: RecordingFacts): RecordFacts {
  const channels = facts.claim === undefined ? [] : recordedChannels(facts.claim.streams, facts.claim.channels);
  const late = facts.lateRecordings ?? [];
  const recorded = new Set([...channels, ...late.flatMap((entry) => entry.channels)].map((channel) => channel.streamArn));
  const attempts: AttemptEntry[] = state.attempts;
  return {
    callId: state.callId,
    voiceConnectorId: state.voiceConnectorId,
    details: state.details,
    decided: facts.decided,
    channels,
    recording: {
      bucket: "",
      key: facts.recordingKey,
      format: facts.format,
      pipelineArn: facts.pipelineArn ?? null,
      requestedAtMs: facts.requestedAtMs ?? null,
    },
    verification: facts.verification ?? null,
    legs: reportedLegs(state, recorded),
    failedLegEvents: state.legs.failures,
    attempts,
    lateRecordings: late,
  };
}
