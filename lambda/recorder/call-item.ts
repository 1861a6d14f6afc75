import { createHash } from "node:crypto";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { CallLegs, ChannelRole, Claim, EndedLeg, LegRole, OpenLeg } from "./call";
import { type CallDetails, NO_DETAILS } from "./call-record";
import { ATTRIBUTES } from "./table-schema";

/**
 * The values of the call item's attributes (table-schema.ts names them): how the stores write them
 * and how they read back, including items an earlier version left behind.
 */
export type Item = Record<string, AttributeValue>;

export const n = (value: number): AttributeValue => ({ N: String(value) });
export const s = (value: string): AttributeValue => ({ S: value });

const ROLE_ATTRIBUTE: Record<LegRole, string> = { caller: "caller_leg", callee: "callee_leg" };
const ATTRIBUTE_ROLE: Record<string, LegRole> = { caller_leg: "caller", callee_leg: "callee" };
/** Legs without a role are keyed by their stream, so that the two legs of such a call pair. */
const UNKNOWN_ROLE_PREFIX = "leg_";
/** A leg that reported after its call was claimed keeps its own recording in `late_<leg attribute>`. */
const LATE_PREFIX = "late_";

export function legAttribute(leg: { role?: LegRole; streamArn: string }): string {
  if (leg.role !== undefined) return ROLE_ATTRIBUTE[leg.role];
  return `${UNKNOWN_ROLE_PREFIX}${createHash("sha256").update(leg.streamArn).digest("hex").slice(0, 16)}`;
}

export const lateAttribute = (legName: string): string => `${LATE_PREFIX}${legName}`;

export function openLegValue(leg: OpenLeg): AttributeValue {
  return { M: { state: s("STARTED"), stream_arn: s(leg.streamArn), start_ms: n(leg.startMs) } };
}

export function endedLegValue(leg: EndedLeg): AttributeValue {
  return {
    M: {
      state: s("ENDED"),
      stream_arn: s(leg.streamArn),
      start_ms: n(leg.startMs),
      end_ms: n(leg.endMs),
      ...(leg.endSource === undefined ? {} : { end_source: s(leg.endSource) }),
    },
  };
}

const legsValue = (legs: readonly EndedLeg[]): AttributeValue => ({
  L: legs.map((leg) => ({
    M: { ...endedLegValue(leg).M, ...(leg.role === undefined ? {} : { role: s(leg.role) }) },
  })),
});

export function claimValue(claim: Claim, token: string, nowMs: number): AttributeValue {
  return {
    M: {
      recording: s(claim.recording),
      attempt: n(claim.attempt),
      outcome: s(claim.outcome),
      token: s(token),
      file_name: s(claim.fileName),
      streams: legsValue(claim.streams),
      channels: { L: claim.channels.map((role) => s(role)) },
      claimed_at: n(nowMs),
    },
  };
}

/** A claim as stored, with the token its request carries. */
export interface StoredClaim extends Claim {
  token: string;
}

function readLeg(name: string, value: Record<string, AttributeValue> | undefined, role?: LegRole): EndedLeg | OpenLeg {
  const streamArn = value?.stream_arn?.S;
  const startMs = value?.start_ms?.N;
  if (streamArn === undefined || startMs === undefined) {
    // Only this function writes legs, so an unreadable one is a bug worth a retry and an alarm.
    throw new Error(`unreadable ${name}: ${JSON.stringify(value)}`);
  }
  const base = role === undefined ? { streamArn, startMs: Number(startMs) } : { streamArn, startMs: Number(startMs), role };
  if (value?.state?.S === "STARTED") {
    const scanned = value.scanned_to_ms?.N;
    return scanned === undefined ? base : { ...base, scannedToMs: Number(scanned) };
  }
  if (value?.state?.S !== "ENDED" || value.end_ms?.N === undefined)
    throw new Error(`unreadable ${name}: ${JSON.stringify(value)}`);
  const ended: EndedLeg = { ...base, endMs: Number(value.end_ms.N) };
  return value.end_source?.S === "inferred" ? { ...ended, endSource: "inferred" } : ended;
}

const isEnded = (leg: EndedLeg | OpenLeg): leg is EndedLeg => "endMs" in leg;

/** Every leg the item holds, by attribute name. */
export function readLegEntries(item: Item): { name: string; leg: EndedLeg | OpenLeg }[] {
  const entries: { name: string; leg: EndedLeg | OpenLeg }[] = [];
  for (const [name, attribute] of Object.entries(item)) {
    const role = ATTRIBUTE_ROLE[name];
    if (role === undefined && !name.startsWith(UNKNOWN_ROLE_PREFIX)) continue;
    // Written by versions that filed a FAILED under a role; counted as a failure (readLegs).
    if (attribute.M?.state?.S === "FAILED") continue;
    entries.push({ name, leg: readLeg(name, attribute.M, role) });
  }
  return entries;
}

export function readLegs(item: Item): CallLegs {
  const legacyFailures = Object.entries(item).filter(
    ([name, attribute]) =>
      (ATTRIBUTE_ROLE[name] !== undefined || name.startsWith(UNKNOWN_ROLE_PREFIX)) && attribute.M?.state?.S === "FAILED",
  ).length;
  const failures =
    Math.max(item[ATTRIBUTES.failedAt]?.NS?.length ?? 0, item[ATTRIBUTES.failedEvents]?.SS?.length ?? 0) + legacyFailures;
  const legs = readLegEntries(item).map((entry) => entry.leg);
  return { ended: legs.filter(isEnded), open: legs.filter((leg): leg is OpenLeg => !isEnded(leg)), failures };
}

export function readDetails(item: Item): CallDetails {
  const json = item[ATTRIBUTES.details]?.S ?? item[ATTRIBUTES.failedDetails]?.S;
  return json === undefined ? NO_DETAILS : { ...NO_DETAILS, ...(JSON.parse(json) as Partial<CallDetails>) };
}

function readClaimLegs(value: AttributeValue | undefined): EndedLeg[] {
  return (value?.L ?? []).map((entry, index) => {
    const role = entry.M?.role?.S as LegRole | undefined;
    const leg = readLeg(`claimed leg ${index}`, entry.M, role);
    if (!isEnded(leg)) throw new Error(`claimed leg ${index} has no end`);
    return leg;
  });
}

export function readClaim(value: AttributeValue | undefined): StoredClaim | undefined {
  const claim = value?.M;
  if (claim === undefined) return undefined;
  const outcome = claim.outcome?.S;
  return {
    recording: claim.recording?.S ?? "call",
    attempt: Number(claim.attempt?.N ?? 1),
    outcome: outcome === "single_leg" || outcome === "no_audio" ? outcome : "recorded",
    streams: readClaimLegs(claim.streams),
    channels: (claim.channels?.L ?? []).map((role) => (role.S ?? "unknown") as ChannelRole),
    fileName: claim.file_name?.S ?? "",
    token: claim.token?.S ?? "",
  };
}

/**
 * The streams the call's recording holds. Items settled before claims were kept name them in
 * recorded_streams, or, older still, recorded every leg they held.
 */
export function claimedStreams(item: Item): string[] | undefined {
  const claim = readClaim(item[ATTRIBUTES.claim]);
  if (claim !== undefined) return claim.streams.map((leg) => leg.streamArn);
  if (item[ATTRIBUTES.recorded] === undefined) return undefined;
  const recorded = item[ATTRIBUTES.streams]?.L;
  if (recorded !== undefined) return recorded.map((arn) => arn.S ?? "");
  if (item[ATTRIBUTES.outcome]?.S === "no_audio") return [];
  return readLegEntries(item).map((entry) => entry.leg.streamArn);
}

/** A late leg's own recording, as kept in `late_<leg attribute>`. */
export interface LateRecording {
  attribute: string;
  /** `open`: known from its STARTED only; `claimed`: its request is fixed; `started`: its pipeline runs. */
  state: "open" | "claimed" | "started";
  claim?: StoredClaim;
  pipelineArn?: string;
  requestedAtMs?: number;
  recordingKey?: string;
  recordKey?: string;
  checkDueMs?: number;
  checkStatus?: string;
  streamArn: string;
}

export function readLateRecordings(item: Item): LateRecording[] {
  return Object.entries(item)
    .filter(([name]) => name.startsWith(LATE_PREFIX))
    .map(([attribute, value]) => {
      const late = value.M ?? {};
      const state = late.state?.S === "started" ? "started" : late.state?.S === "claimed" ? "claimed" : "open";
      return {
        attribute,
        state,
        claim: readClaim(late.claim),
        pipelineArn: late.pipeline_arn?.S,
        requestedAtMs: late.requested_at?.N === undefined ? undefined : Number(late.requested_at.N),
        recordingKey: late.recording_key?.S,
        recordKey: late.record_key?.S,
        checkDueMs: late.check_due?.N === undefined ? undefined : Number(late.check_due.N),
        checkStatus: late.check_status?.S,
        streamArn: late.stream_arn?.S ?? "",
      };
    });
}

/** One attempt at the call's recording, for the record. */
export interface PipelineAttempt {
  attempt: number;
  pipelineArn: string | null;
  requestedAtMs: number | null;
  failureReason: string | null;
}

/** Entries of one attempt merge: the start adds the pipeline, a failure its reason. */
export function readPipelineAttempts(item: Item): PipelineAttempt[] {
  const byAttempt = new Map<number, PipelineAttempt>();
  for (const entry of item[ATTRIBUTES.pipelineAttempts]?.L ?? []) {
    const attempt = Number(entry.M?.attempt?.N ?? 0);
    const known = byAttempt.get(attempt) ?? { attempt, pipelineArn: null, requestedAtMs: null, failureReason: null };
    byAttempt.set(attempt, {
      attempt,
      pipelineArn: entry.M?.pipeline_arn?.S ?? known.pipelineArn,
      requestedAtMs: entry.M?.requested_at?.N === undefined ? known.requestedAtMs : Number(entry.M.requested_at.N),
      failureReason: entry.M?.failure_reason?.S ?? known.failureReason,
    });
  }
  return [...byAttempt.values()].sort((a, b) => a.attempt - b.attempt);
}

export const attemptValue = (attempt: PipelineAttempt): AttributeValue => ({
  M: {
    attempt: n(attempt.attempt),
    ...(attempt.pipelineArn === null ? {} : { pipeline_arn: s(attempt.pipelineArn) }),
    ...(attempt.requestedAtMs === null ? {} : { requested_at: n(attempt.requestedAtMs) }),
    ...(attempt.failureReason === null ? {} : { failure_reason: s(attempt.failureReason) }),
  },
});
