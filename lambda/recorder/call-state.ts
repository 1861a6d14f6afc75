import type { CallLegs } from "./call";
import {
  claimedStreams,
  type Item,
  type LateRecording,
  type PipelineAttempt,
  readClaim,
  readDetails,
  readLateRecordings,
  readLegEntries,
  readLegs,
  readPipelineAttempts,
  type StoredClaim,
} from "./call-item";
import type { CallDetails } from "./call-record";
import { ATTRIBUTES as A } from "./table-schema";

/** Everything the table holds of a call that decisions are made from. */
export interface CallState {
  callId: string;
  /** The connector that carried the call; for items of the version that recorded one connector, that one. */
  voiceConnectorId: string;
  legs: CallLegs;
  details: CallDetails;
  /** legs_version as read: a claim holds only if it is unchanged. Undefined for items of earlier versions. */
  version: number | undefined;
  /** The call's own recording, once claimed. */
  claim: StoredClaim | undefined;
  /** The streams the call's recording holds once claimed (or settled by an earlier version). */
  claimedStreams: string[] | undefined;
  /** The claim was acted on: a pipeline started, or the call closed without one. */
  settled: boolean;
  /** What the settled claim became (recorded, no_audio, not_recorded, ...). */
  outcome: string | undefined;
  late: LateRecording[];
  /** Each leg's attribute name, by stream ARN. */
  legNames: Record<string, string>;
  attempts: PipelineAttempt[];
}

export interface PendingCall extends CallState {
  /** When the sweep may next try the call. */
  dueMs: number;
  /** When the call's first event was stored. */
  firstEventMs: number;
  /** Sweep tries that failed, or found a leg still streaming, so far. */
  sweepAttempts: number;
}

export function stateOf(callId: string, item: Item, defaultVoiceConnectorId: string): CallState {
  const legNames: Record<string, string> = {};
  for (const entry of readLegEntries(item)) legNames[entry.leg.streamArn] = entry.name;
  const version = item[A.version]?.N;
  return {
    callId,
    voiceConnectorId: item[A.voiceConnector]?.S ?? defaultVoiceConnectorId,
    legs: readLegs(item),
    details: readDetails(item),
    version: version === undefined ? undefined : Number(version),
    claim: readClaim(item[A.claim]),
    claimedStreams: claimedStreams(item),
    settled: item[A.recorded] !== undefined,
    outcome: item[A.outcome]?.S,
    late: readLateRecordings(item),
    legNames,
    attempts: readPipelineAttempts(item),
  };
}

/**
 * When a pending call is due and when its first event was stored. Versions before first_event_ms
 * kept the first event's time in pending_since; such an item lacks first_event_ms, or got it from
 * a later event (if_not_exists), after its pending_since.
 */
function readPending(item: Item, legWaitMs: number): { dueMs: number; firstEventMs: number } {
  const since = Number(item[A.since]?.N ?? 0);
  const first = item[A.firstEvent]?.N === undefined ? undefined : Number(item[A.firstEvent].N);
  if (first === undefined || first > since) return { dueMs: since + legWaitMs, firstEventMs: since };
  return { dueMs: since, firstEventMs: first };
}

/** A call the pending index lists, with when it is due (readPending). */
export function pendingCallOf(item: Item, legWaitMs: number, defaultVoiceConnectorId: string): PendingCall {
  const callId = item[A.callId]?.S ?? "";
  return {
    ...stateOf(callId, item, defaultVoiceConnectorId),
    ...readPending(item, legWaitMs),
    sweepAttempts: Number(item[A.attempts]?.N ?? 0),
  };
}
