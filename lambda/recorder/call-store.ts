import { type AttributeValue, type DynamoDBClient, GetItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import type { CallLegs, ChannelRole, Claim, EndedLeg, OpenLeg, Outcome } from "./call";
import {
  ATTRIBUTES as A,
  attemptValue,
  CHECK_DUE,
  claimedStreams,
  claimValue,
  endedLegValue,
  type Item,
  type LateRecording,
  legAttribute,
  openLegValue,
  PENDING,
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
import { classifyAwsError } from "./errors";
import type { LegEnd } from "./leg-end";
import type { RecordingFormat } from "./recording-check";
import { CALL_TABLE_SCHEMA } from "./table-schema";
import { createTableUpdate, n, s, type TableUpdate } from "./table-update";

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

/** Where a started recording is and when to check it. */
export interface RecordingCheck {
  dueMs: number;
  recordingKey: string;
  recordKey: string;
  format: RecordingFormat;
}

export interface Settlement {
  outcome: Outcome;
  /** The claim's attempt, kept with its pipeline for the record. */
  attempt?: number;
  pipelineArn?: string;
  /** What each channel of the recording holds, first channel first. */
  channels?: ChannelRole[];
  /** The streams recorded, in file order. */
  streamArns?: string[];
  /** For a started recording: the call moves to the checks due. */
  check?: RecordingCheck;
}

export interface CallStoreOptions {
  callTable: string;
  /** The connector of items written before the connector was kept (one connector was recorded then). */
  defaultVoiceConnectorId: string;
  callTtlDays: number;
  legWaitSeconds: number;
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

export function createCallStore(client: DynamoDBClient, options: CallStoreOptions) {
  const update: TableUpdate = createTableUpdate(client, options.callTable);
  const ttlSeconds = options.callTtlDays * 86_400;
  const legWaitMs = options.legWaitSeconds * 1000;

  /**
   * Stores what one event says. A call not yet claimed is (again) due LEG_WAIT_SECONDS after this,
   * its latest event; a claimed call keeps its place in the index, and its state tells what the
   * event means (a late leg, a redelivery).
   */
  async function storeEvent(
    callId: string,
    voiceConnectorId: string,
    nowMs: number,
    change: { set: string; add?: string; names: Record<string, string>; values: Record<string, AttributeValue> },
  ): Promise<CallState> {
    const set = `${change.set}, #connector = if_not_exists(#connector, :connector), #expires = if_not_exists(#expires, :expires), #first = if_not_exists(#first, :now), #last = :now`;
    const add = `ADD #version :one${change.add ?? ""}`;
    const names = {
      ...change.names,
      "#connector": A.voiceConnector,
      "#expires": A.expiresAt,
      "#first": A.firstEvent,
      "#last": A.lastEvent,
      "#version": A.version,
    };
    const values = {
      ...change.values,
      ":connector": s(voiceConnectorId),
      ":expires": n(Math.floor(nowMs / 1000) + ttlSeconds),
      ":now": n(nowMs),
      ":one": n(1),
    };
    for (let tries = 0; tries < 2; tries++) {
      const open = await update(callId, {
        expression: `SET ${set}, #pending = :pending, #since = :due ${add}`,
        condition: "attribute_not_exists(#claim) AND attribute_not_exists(#recorded)",
        names: { ...names, "#pending": A.pending, "#since": A.since, "#claim": A.claim, "#recorded": A.recorded },
        values: { ...values, ":pending": s(PENDING), ":due": n(nowMs + legWaitMs) },
        returnValues: "ALL_NEW",
      });
      if (open !== null) return stateOf(callId, open, options.defaultVoiceConnectorId);
      // Claimed, so the item exists: the condition keeps one that expired meanwhile from coming back as a stub.
      const claimed = await update(callId, {
        expression: `SET ${set} ${add}`,
        condition: "attribute_exists(#callId)",
        names: { ...names, "#callId": A.callId },
        values,
        returnValues: "ALL_NEW",
      });
      if (claimed !== null) return stateOf(callId, claimed, options.defaultVoiceConnectorId);
    }
    throw new Error(`call ${callId} expired while its event was stored`);
  }

  /** A condition on the call's claim holding still, and the names it uses. */
  const claimHolds = { condition: "#claim.#token = :token", names: { "#claim": A.claim, "#token": "token" } };

  return {
    /** A leg's STARTED: kept unless its ENDED (or an inferred end) is there already. Details are written once. */
    storeStarted(
      callId: string,
      voiceConnectorId: string,
      leg: OpenLeg,
      details: CallDetails,
      nowMs: number,
    ): Promise<CallState> {
      return storeEvent(callId, voiceConnectorId, nowMs, {
        set: "#leg = if_not_exists(#leg, :leg), #details = if_not_exists(#details, :details)",
        names: { "#leg": legAttribute(leg), "#details": A.details },
        values: { ":leg": openLegValue(leg), ":details": s(JSON.stringify(details)) },
      });
    },

    /** A leg's ENDED replaces what the leg held (its STARTED, an inferred end); a redelivery carries the same values. */
    storeEnded(callId: string, voiceConnectorId: string, leg: EndedLeg, details: CallDetails, nowMs: number): Promise<CallState> {
      return storeEvent(callId, voiceConnectorId, nowMs, {
        set: "#leg = :leg, #details = if_not_exists(#details, :details)",
        names: { "#leg": legAttribute(leg), "#details": A.details },
        values: { ":leg": endedLegValue(leg), ":details": s(JSON.stringify(details)) },
      });
    },

    /**
     * A FAILED: its fail time and event id join sets, so a redelivery counts once while two legs
     * failing in the same millisecond count twice. Items of earlier versions hold fail times only.
     */
    storeFailure(
      callId: string,
      voiceConnectorId: string,
      failedMs: number,
      eventKey: string,
      details: CallDetails,
      nowMs: number,
    ): Promise<CallState> {
      return storeEvent(callId, voiceConnectorId, nowMs, {
        set: "#failedDetails = if_not_exists(#failedDetails, :details)",
        add: ", #failed :failed, #failedEvents :failedEvents",
        names: { "#failed": A.failedAt, "#failedEvents": A.failedEvents, "#failedDetails": A.failedDetails },
        values: {
          ":failed": { NS: [String(failedMs)] },
          ":failedEvents": { SS: [eventKey] },
          ":details": s(JSON.stringify(details)),
        },
      });
    },

    /**
     * Keeps what a scan of open legs' streams found: an inferred end, or how far the stream was read.
     * Null when a leg changed meanwhile (its ENDED came): the caller decides again later.
     */
    async storeScan(callId: string, scans: readonly { name: string; leg: OpenLeg; end: LegEnd }[]): Promise<CallState | null> {
      const names: Record<string, string> = { "#version": A.version, "#state": "state" };
      const values: Record<string, AttributeValue> = { ":one": n(1), ":started": s("STARTED") };
      const sets: string[] = [];
      scans.forEach(({ name, leg, end }, i) => {
        names[`#leg${i}`] = name;
        if (end.state === "ended") {
          sets.push(`#leg${i} = :leg${i}`);
          values[`:leg${i}`] = endedLegValue({ ...leg, endMs: end.endMs, endSource: "inferred" });
        } else {
          names["#scanned"] = "scanned_to_ms";
          sets.push(`#leg${i}.#scanned = :scanned${i}`);
          values[`:scanned${i}`] = n(end.scannedToMs);
        }
      });
      const item = await update(callId, {
        expression: `SET ${sets.join(", ")} ADD #version :one`,
        condition: scans.map((_, i) => `#leg${i}.#state = :started`).join(" AND "),
        names,
        values,
        returnValues: "ALL_NEW",
      });
      return item === null ? null : stateOf(callId, item, options.defaultVoiceConnectorId);
    },

    /**
     * Claims the call's recording for exactly `claim`'s legs, if the legs are still as read
     * (`version`) and nothing claimed it first. The call stays pending, due at `retryAtMs`, so that
     * the sweep takes up a claim whose request never completed.
     */
    async claim(callId: string, version: number | undefined, claim: Claim, token: string, nowMs: number, retryAtMs: number) {
      const versionHolds = version === undefined ? "attribute_not_exists(#version)" : "#version = :version";
      const item = await update(callId, {
        // An item of the old shape keeps its first event's time, which pending_since held until then.
        expression: "SET #claim = :claim, #first = if_not_exists(#first, #since), #since = :retryAt",
        condition: `attribute_exists(#pending) AND attribute_not_exists(#claim) AND attribute_not_exists(#recorded) AND ${versionHolds}`,
        names: {
          "#claim": A.claim,
          "#pending": A.pending,
          "#recorded": A.recorded,
          "#since": A.since,
          "#version": A.version,
          "#first": A.firstEvent,
        },
        values: {
          ":claim": claimValue(claim, token, nowMs),
          ":retryAt": n(retryAtMs),
          ...(version === undefined ? {} : { ":version": n(version) }),
        },
      });
      return item !== null;
    },

    /** Acts on the claim with `token`; false when it was settled, or replaced by a new attempt, first. */
    async settle(callId: string, token: string, settlement: Settlement, nowMs: number): Promise<boolean> {
      const { outcome, attempt, pipelineArn, channels, streamArns, check } = settlement;
      const sets = ["#recorded = :now", "#outcome = :outcome"];
      const names: Record<string, string> = { ...claimHolds.names, "#recorded": A.recorded, "#outcome": A.outcome };
      const values: Record<string, AttributeValue> = { ":now": n(nowMs), ":outcome": s(outcome), ":token": s(token) };
      const put = (attribute: keyof typeof A, value: AttributeValue) => {
        sets.push(`#${attribute} = :${attribute}`);
        names[`#${attribute}`] = A[attribute];
        values[`:${attribute}`] = value;
      };
      if (pipelineArn !== undefined) {
        put("pipeline", s(pipelineArn));
        sets.push("#pipelineAttempts = list_append(if_not_exists(#pipelineAttempts, :noAttempts), :attempt)");
        names["#pipelineAttempts"] = A.pipelineAttempts;
        values[":noAttempts"] = { L: [] };
        values[":attempt"] = {
          L: [attemptValue({ attempt: attempt ?? 1, pipelineArn, requestedAtMs: nowMs, failureReason: null })],
        };
      }
      if (channels !== undefined) put("channels", { L: channels.map((role) => s(role)) });
      if (streamArns !== undefined) put("streams", { L: streamArns.map((arn) => s(arn)) });
      names["#pending"] = A.pending;
      names["#since"] = A.since;
      let remove = " REMOVE #pending, #since";
      if (check !== undefined) {
        put("recordingKey", s(check.recordingKey));
        put("recordKey", s(check.recordKey));
        put("format", s(check.format));
        put("checkDue", n(check.dueMs));
        sets.push("#pending = :checkIndex", "#since = :checkDueMs");
        values[":checkIndex"] = s(CHECK_DUE);
        values[":checkDueMs"] = n(check.dueMs);
        remove = "";
      }
      const item = await update(callId, {
        expression: `SET ${sets.join(", ")}${remove}`,
        condition: `${claimHolds.condition} AND attribute_not_exists(#recorded)`,
        names,
        values,
      });
      return item !== null;
    },

    /**
     * Notes that the service refused the call, before its dead letter is sent: the call stays pending,
     * due again at `retryAtMs`, so that a dead letter that is never sent (a failed send, a lost
     * invocation) is retried rather than lost. False when the call was settled: it needs no dead letter.
     */
    async markRefused(callId: string, errorName: string, nowMs: number, retryAtMs: number): Promise<boolean> {
      const item = await update(callId, {
        // An item of the old shape keeps its first event's time, which pending_since held until then.
        expression: "SET #refusedAt = :now, #refusal = :refusal, #first = if_not_exists(#first, #since), #since = :retryAt",
        condition: "attribute_exists(#pending) AND attribute_not_exists(#recorded)",
        names: {
          "#recorded": A.recorded,
          "#refusedAt": "refused_at",
          "#refusal": "refusal",
          "#pending": A.pending,
          "#since": A.since,
          "#first": A.firstEvent,
        },
        values: { ":now": n(nowMs), ":refusal": s(errorName), ":retryAt": n(retryAtMs) },
      });
      return item !== null;
    },

    /**
     * Takes a refused call whose dead letter was sent out of the pending index without settling it, so
     * that no sweep retries it and a redrive of its dead letter can still record it. False when it was
     * settled or reopened meanwhile.
     */
    async markDeadLettered(callId: string): Promise<boolean> {
      const item = await update(callId, {
        // pending_since stays: a redriven call is due at once.
        expression: "REMOVE #pending",
        condition: "attribute_exists(#pending) AND attribute_exists(#refusedAt) AND attribute_not_exists(#recorded)",
        names: { "#recorded": A.recorded, "#refusedAt": "refused_at", "#pending": A.pending },
      });
      return item !== null;
    },

    /** Puts a refused call back in the pending index (its dead letter was redriven); null when it is settled or gone. */
    async reopen(callId: string, nowMs: number): Promise<CallState | null> {
      const item = await update(callId, {
        expression: "SET #pending = :pending, #since = if_not_exists(#since, :now)",
        condition: "attribute_exists(#callId) AND attribute_not_exists(#recorded)",
        names: { "#callId": A.callId, "#pending": A.pending, "#since": A.since, "#recorded": A.recorded },
        values: { ":pending": s(PENDING), ":now": n(nowMs) },
        returnValues: "ALL_NEW",
      });
      return item === null ? null : stateOf(callId, item, options.defaultVoiceConnectorId);
    },

    /**
     * Puts off the sweep's next try of a call (a failed try, or a leg still streaming), keeping when its
     * first event was stored (`firstEventMs` as findPending read it); false when it is no longer pending.
     */
    async defer(callId: string, attempts: number, dueMs: number, firstEventMs: number): Promise<boolean> {
      const item = await update(callId, {
        // first_event_ms too: with a due time in pending_since, an item of the old shape is no longer recognisable.
        expression: "SET #since = :due, #attempts = :attempts, #first = :first",
        condition: "#pending = :pending AND attribute_not_exists(#recorded)",
        names: {
          "#since": A.since,
          "#attempts": A.attempts,
          "#first": A.firstEvent,
          "#pending": A.pending,
          "#recorded": A.recorded,
        },
        values: { ":due": n(dueMs), ":attempts": n(attempts), ":first": n(firstEventMs), ":pending": s(PENDING) },
      });
      return item !== null;
    },

    /** The call as the table holds it now (a consistent read); null when there is none. */
    async read(callId: string): Promise<CallState | null> {
      try {
        const { Item } = await client.send(
          new GetItemCommand({ TableName: options.callTable, Key: { [A.callId]: s(callId) }, ConsistentRead: true }),
        );
        return Item === undefined ? null : stateOf(callId, Item, options.defaultVoiceConnectorId);
      } catch (error) {
        throw classifyAwsError(error, { callId, operation: "GetItem" });
      }
    },

    /** Every pending call (at most `limit`), the earliest due first. */
    async findPending(limit: number): Promise<PendingCall[]> {
      const items = await query(client, options.callTable, PENDING, undefined, limit);
      return items.map((item) => {
        const callId = item[A.callId]?.S ?? "";
        return {
          ...stateOf(callId, item, options.defaultVoiceConnectorId),
          ...readPending(item, legWaitMs),
          sweepAttempts: Number(item[A.attempts]?.N ?? 0),
        };
      });
    },
  };
}

/** Items of one partition of the pending index, the earliest due first, up to `dueBy` when given. */
export async function query(
  client: DynamoDBClient,
  TableName: string,
  partition: string,
  dueBy: number | undefined,
  limit: number,
): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Item | undefined;
  try {
    do {
      const page = await client.send(
        new QueryCommand({
          TableName,
          IndexName: CALL_TABLE_SCHEMA.pendingIndex.name,
          KeyConditionExpression: dueBy === undefined ? "#pending = :pending" : "#pending = :pending AND #since <= :dueBy",
          ExpressionAttributeNames: { "#pending": A.pending, ...(dueBy === undefined ? {} : { "#since": A.since }) },
          ExpressionAttributeValues: { ":pending": s(partition), ...(dueBy === undefined ? {} : { ":dueBy": n(dueBy) }) },
          Limit: limit - items.length,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey !== undefined && items.length < limit);
  } catch (error) {
    throw classifyAwsError(error, { operation: "Query" });
  }
  return items;
}

export type CallStore = ReturnType<typeof createCallStore>;
