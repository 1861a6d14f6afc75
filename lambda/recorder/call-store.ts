import { createHash } from "node:crypto";
import { type AttributeValue, type DynamoDBClient, QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { CallLegs, ChannelRole, EndedLeg, LegRole, Outcome } from "./call";
import { type CallDetails, NO_DETAILS } from "./call-record";
import { classifyAwsError, isConditionalCheckFailure } from "./errors";
import type { RecordingFormat, VerificationStatus } from "./recording-check";

import { CALL_TABLE_SCHEMA } from "./table-schema";

/**
 * The pending index's sort key (pending_since) holds when the call is next due for the sweep (first
 * event plus LEG_WAIT_SECONDS, pushed back after each failed try). Its name is older than that
 * meaning: it stays so that the table and calls pending during an upgrade keep their index, and
 * items written before first_event_ms was kept hold the first event's time there (readPending).
 */
const { partitionKey: CALL_ID, ttlAttribute: EXPIRES_AT, pendingIndex: PENDING_INDEX } = CALL_TABLE_SCHEMA;
const PENDING = "1";
/** The same sparse index lists started recordings until they are checked, sorted by when the check is due. */
const CHECK_DUE = "check";
/** What the events said of the call (numbers, ids, SIPREC metadata), as JSON. */
const DETAILS = "call_details";

const ROLE_ATTRIBUTE: Record<LegRole, string> = { caller: "caller_leg", callee: "callee_leg" };
const ATTRIBUTE_ROLE: Record<string, LegRole> = { caller_leg: "caller", callee_leg: "callee" };
/** Legs without a role are keyed by their stream, so that the two legs of such a call pair. */
const UNKNOWN_ROLE_PREFIX = "leg_";
/** The failTime of each FAILED event: a number set, so a redelivered FAILED counts once. */
const FAILED_AT = "failed_at";
/**
 * The EventBridge id of each FAILED event: a string set, so that two legs failing in the same
 * millisecond count twice while a redelivery still counts once. A call has as many failures as the
 * larger of the two sets: items written before the ids were kept hold fail times only.
 */
const FAILED_EVENTS = "failed_events";

/** `settled`: the call already has `recorded_at`, so nothing more may happen to it. */
export type StoreResult = { status: "open"; legs: CallLegs; details: CallDetails } | { status: "settled" };

export interface PendingCall {
  callId: string;
  legs: CallLegs;
  /** When the sweep may next try the call: LEG_WAIT_SECONDS after its first event, then after each failure. */
  dueMs: number;
  /** When the call's first event was stored. */
  firstEventMs: number;
  /** Sweep attempts that failed so far. */
  attempts: number;
  details: CallDetails;
}

/** Where a started recording is and when to check it. */
export interface RecordingCheck {
  dueMs: number;
  recordingKey: string;
  recordKey: string;
  format: RecordingFormat;
  /** The streams recorded, in file order: a leg that reports after the call was settled is not among them. */
  streamArns: string[];
}

/** A started recording whose check is due, with everything its record needs. */
export interface DueCheck {
  callId: string;
  legs: CallLegs;
  details: CallDetails;
  outcome: "recorded" | "single_leg";
  channels: ChannelRole[];
  pipelineArn: string;
  /** When the pipeline was started (the call was settled). */
  requestedAtMs: number;
  recordingKey: string;
  recordKey: string;
  format: RecordingFormat;
  streamArns: string[];
  /** Checks of this recording that failed so far (a refused or failed read or write). */
  checkAttempts: number;
}

export interface Settlement {
  outcome: Outcome;
  pipelineArn?: string;
  /** What each channel of the recording holds, first channel first. */
  channels?: ChannelRole[];
  /** For a started recording: the call stays in the sparse index until its check. */
  check?: RecordingCheck;
}

export interface CallStore {
  /** One UpdateItem; returns the call's legs as now stored. */
  storeEnded(callId: string, leg: EndedLeg, details: CallDetails, nowMs: number): Promise<StoreResult>;
  /** One UpdateItem; returns the call's legs as now stored. */
  storeFailure(callId: string, failedMs: number, eventKey: string, details: CallDetails, nowMs: number): Promise<StoreResult>;
  /** Returns false when another attempt settled the call first. */
  settle(callId: string, settlement: Settlement, nowMs: number): Promise<boolean>;
  /**
   * Notes that the service refused the call, before its dead letter is sent: the call stays pending,
   * due again at `retryAtMs`, so that a dead letter that is never sent (a failed send, a lost
   * invocation) is retried rather than lost. False when the call was settled: it needs no dead letter.
   */
  markRefused(callId: string, errorName: string, nowMs: number, retryAtMs: number): Promise<boolean>;
  /**
   * Takes a refused call whose dead letter was sent out of the pending index without settling it, so
   * that no sweep retries it and a redrive of its dead letter can still record it. False when it was
   * settled or reopened meanwhile.
   */
  markDeadLettered(callId: string): Promise<boolean>;
  /**
   * For an ENDED that found its call settled: keeps the leg in the settled item and says whether its
   * audio was to be recorded and is not (`late`: the call was recorded, or closed as no_audio, without
   * this leg) or not (`absorbed`: a redelivery of a recorded leg, or a call not to be recorded at all,
   * not_recorded or audio_expired, whose other leg's on-time ENDED lands here).
   */
  noteLateLeg(callId: string, leg: EndedLeg): Promise<"late" | "absorbed">;
  /** Puts a refused call back in the pending index (its dead letter was redriven); returns its legs. */
  reopen(callId: string, nowMs: number): Promise<StoreResult>;
  /** Every pending call (at most `limit`), the earliest due first. */
  findPending(limit: number): Promise<PendingCall[]>;
  /**
   * Puts off the sweep's next try of a call whose attempt failed, keeping when its first event was
   * stored (`firstEventMs` as findPending read it); false when it is no longer pending.
   */
  defer(callId: string, attempts: number, dueMs: number, firstEventMs: number): Promise<boolean>;
  /** Started recordings whose check is due by `nowMs` (at most `limit`), the earliest first. */
  findDueChecks(nowMs: number, limit: number): Promise<DueCheck[]>;
  /**
   * Puts off the next check of a recording whose check failed, so that it does not stay at the head of
   * the checks due ahead of later ones; false when it is no longer due for a check.
   */
  deferCheck(callId: string, attempts: number, dueMs: number): Promise<boolean>;
  /** Keeps the check's status in the item (until it expires) and takes the call out of the index. */
  markChecked(callId: string, status: VerificationStatus, nowMs: number): Promise<boolean>;
}

export interface CallStoreOptions {
  callTable: string;
  callTtlDays: number;
  legWaitSeconds: number;
}

/** When the call's first event was stored. */
const FIRST_EVENT = "first_event_ms";
const ATTEMPTS = "sweep_attempts";
const CHECK_ATTEMPTS = "check_attempts";

function legAttribute(leg: EndedLeg): string {
  if (leg.role !== undefined) return ROLE_ATTRIBUTE[leg.role];
  return `${UNKNOWN_ROLE_PREFIX}${createHash("sha256").update(leg.streamArn).digest("hex").slice(0, 16)}`;
}

const legValue = (leg: EndedLeg): AttributeValue => ({
  M: {
    state: { S: "ENDED" },
    stream_arn: { S: leg.streamArn },
    start_ms: { N: String(leg.startMs) },
    end_ms: { N: String(leg.endMs) },
  },
});

function readDetails(item: Record<string, AttributeValue>): CallDetails {
  const json = item[DETAILS]?.S;
  return json === undefined ? NO_DETAILS : { ...NO_DETAILS, ...(JSON.parse(json) as Partial<CallDetails>) };
}

function readLegs(item: Record<string, AttributeValue>): CallLegs {
  const ended: EndedLeg[] = [];
  let failures = Math.max(item[FAILED_AT]?.NS?.length ?? 0, item[FAILED_EVENTS]?.SS?.length ?? 0);
  for (const [name, attribute] of Object.entries(item)) {
    const role = ATTRIBUTE_ROLE[name];
    if (role === undefined && !name.startsWith(UNKNOWN_ROLE_PREFIX)) continue;
    const value = attribute.M;
    if (value?.state?.S === "FAILED") {
      // Written by versions that filed a FAILED under a role; it still accounts for one leg.
      failures += 1;
      continue;
    }
    if (
      value?.state?.S !== "ENDED" ||
      value.stream_arn?.S === undefined ||
      value.start_ms?.N === undefined ||
      value.end_ms?.N === undefined
    ) {
      // Only this function writes legs, so an unreadable one is a bug worth a retry and an alarm.
      throw new Error(`call ${item[CALL_ID]?.S} has an unreadable ${name}: ${JSON.stringify(attribute)}`);
    }
    const leg: EndedLeg = { streamArn: value.stream_arn.S, startMs: Number(value.start_ms.N), endMs: Number(value.end_ms.N) };
    ended.push(role === undefined ? leg : { ...leg, role });
  }
  return { ended, failures };
}

/**
 * When a pending call is due and when its first event was stored. Versions before first_event_ms
 * kept the first event's time in pending_since; such an item lacks first_event_ms, or got it from
 * a later event (if_not_exists), after its pending_since. Every item written since has
 * pending_since = first_event_ms + LEG_WAIT_SECONDS (at least 1 s) or a later due time.
 */
function readPending(item: Record<string, AttributeValue>, legWaitMs: number): { dueMs: number; firstEventMs: number } {
  const since = Number(item[PENDING_INDEX.sortKey]?.N ?? 0);
  const first = item[FIRST_EVENT]?.N === undefined ? undefined : Number(item[FIRST_EVENT].N);
  if (first === undefined || first > since) return { dueMs: since + legWaitMs, firstEventMs: since };
  return { dueMs: since, firstEventMs: first };
}

export function createCallStore(client: DynamoDBClient, options: CallStoreOptions): CallStore {
  const TableName = options.callTable;
  const ttlSeconds = options.callTtlDays * 86_400;
  const legWaitMs = options.legWaitSeconds * 1000;

  /** One conditional UpdateItem that also keeps the call in the pending index; returns ALL_NEW. */
  async function update(
    callId: string,
    nowMs: number,
    change: { set?: string; add?: string },
    names: Record<string, string>,
    values: Record<string, AttributeValue>,
    condition = "attribute_not_exists(#recorded)",
  ): Promise<StoreResult> {
    const pending =
      "#expires = if_not_exists(#expires, :expires), #pending = :pending, #since = if_not_exists(#since, :due), #first = if_not_exists(#first, :now)";
    const set = [change.set, pending].filter((clause) => clause !== undefined).join(", ");
    const expression = change.add === undefined ? `SET ${set}` : `SET ${set} ADD ${change.add}`;
    let item: Record<string, AttributeValue>;
    try {
      const { Attributes } = await client.send(
        new UpdateItemCommand({
          TableName,
          Key: { [CALL_ID]: { S: callId } },
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: {
            ...names,
            ...(condition.includes("#callId") ? { "#callId": CALL_ID } : {}),
            "#expires": EXPIRES_AT,
            "#pending": PENDING_INDEX.partitionKey,
            "#since": PENDING_INDEX.sortKey,
            "#first": FIRST_EVENT,
            "#recorded": "recorded_at",
          },
          ExpressionAttributeValues: {
            ...values,
            ":expires": { N: String(Math.floor(nowMs / 1000) + ttlSeconds) },
            ":pending": { S: PENDING },
            ":due": { N: String(nowMs + legWaitMs) },
            ":now": { N: String(nowMs) },
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      item = Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailure(error)) return { status: "settled" };
      throw classifyAwsError(error, { callId, operation: "UpdateItem" });
    }
    return { status: "open", legs: readLegs(item), details: readDetails(item) };
  }

  return {
    async storeEnded(callId, leg, details, nowMs) {
      // ENDED replaces whatever the leg held: a redelivery carries the same values. Its details are
      // the fullest an event gives (numbers, SIPREC metadata), so they replace a FAILED's.
      return update(
        callId,
        nowMs,
        { set: "#leg = :leg, #details = :details" },
        { "#leg": legAttribute(leg), "#details": DETAILS },
        { ":leg": legValue(leg), ":details": { S: JSON.stringify(details) } },
      );
    },

    async storeFailure(callId, failedMs, eventKey, details, nowMs) {
      return update(
        callId,
        nowMs,
        { set: "#details = if_not_exists(#details, :details)", add: "#failed :failed, #failedEvents :failedEvents" },
        { "#failed": FAILED_AT, "#failedEvents": FAILED_EVENTS, "#details": DETAILS },
        {
          ":failed": { NS: [String(failedMs)] },
          ":failedEvents": { SS: [eventKey] },
          ":details": { S: JSON.stringify(details) },
        },
      );
    },

    async settle(callId, { outcome, pipelineArn, channels, check }, nowMs) {
      const setPipeline = pipelineArn === undefined ? "" : ", #pipeline = :pipeline";
      const setChannels = channels === undefined ? "" : ", #channels = :channels";
      // A started recording moves from the pending calls to the checks due; anything else leaves the index.
      const index =
        check === undefined
          ? " REMOVE #pending, #since"
          : ", #pending = :check, #since = :checkDue, #recordingKey = :recordingKey, #recordKey = :recordKey, #format = :format, #streams = :streams";
      try {
        await client.send(
          new UpdateItemCommand({
            TableName,
            Key: { [CALL_ID]: { S: callId } },
            UpdateExpression: `SET #recorded = :now, #outcome = :outcome${setPipeline}${setChannels}${index}`,
            // attribute_exists: a call that expired meanwhile must not come back as a TTL-less stub.
            ConditionExpression: "attribute_exists(#callId) AND attribute_not_exists(#recorded)",
            ExpressionAttributeNames: {
              "#callId": CALL_ID,
              "#recorded": "recorded_at",
              "#outcome": "outcome",
              "#pending": PENDING_INDEX.partitionKey,
              "#since": PENDING_INDEX.sortKey,
              ...(pipelineArn === undefined ? {} : { "#pipeline": "pipeline_arn" }),
              ...(channels === undefined ? {} : { "#channels": "channel_roles" }),
              ...(check === undefined
                ? {}
                : {
                    "#recordingKey": "recording_key",
                    "#recordKey": "record_key",
                    "#format": "recording_format",
                    "#streams": "recorded_streams",
                  }),
            },
            ExpressionAttributeValues: {
              ":now": { N: String(nowMs) },
              ":outcome": { S: outcome },
              ...(pipelineArn === undefined ? {} : { ":pipeline": { S: pipelineArn } }),
              ...(channels === undefined ? {} : { ":channels": { L: channels.map((role) => ({ S: role })) } }),
              ...(check === undefined
                ? {}
                : {
                    ":check": { S: CHECK_DUE },
                    ":checkDue": { N: String(check.dueMs) },
                    ":recordingKey": { S: check.recordingKey },
                    ":recordKey": { S: check.recordKey },
                    ":format": { S: check.format },
                    ":streams": { L: check.streamArns.map((arn) => ({ S: arn })) },
                  }),
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw classifyAwsError(error, { callId, operation: "UpdateItem" });
      }
    },

    async markRefused(callId, errorName, nowMs, retryAtMs) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName,
            Key: { [CALL_ID]: { S: callId } },
            // An item of the old shape keeps its first event's time, which pending_since held until now.
            UpdateExpression:
              "SET #refusedAt = :now, #refusal = :refusal, #first = if_not_exists(#first, #since), #since = :retryAt",
            ConditionExpression: "attribute_exists(#pending) AND attribute_not_exists(#recorded)",
            ExpressionAttributeNames: {
              "#recorded": "recorded_at",
              "#refusedAt": "refused_at",
              "#refusal": "refusal",
              "#pending": PENDING_INDEX.partitionKey,
              "#since": PENDING_INDEX.sortKey,
              "#first": FIRST_EVENT,
            },
            ExpressionAttributeValues: {
              ":now": { N: String(nowMs) },
              ":refusal": { S: errorName },
              ":retryAt": { N: String(retryAtMs) },
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw classifyAwsError(error, { callId, operation: "UpdateItem" });
      }
    },

    async markDeadLettered(callId) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName,
            Key: { [CALL_ID]: { S: callId } },
            // pending_since stays: a redriven call is due at once.
            UpdateExpression: "REMOVE #pending",
            ConditionExpression:
              "attribute_exists(#pending) AND attribute_exists(#refusedAt) AND attribute_not_exists(#recorded)",
            ExpressionAttributeNames: {
              "#recorded": "recorded_at",
              "#refusedAt": "refused_at",
              "#pending": PENDING_INDEX.partitionKey,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw classifyAwsError(error, { callId, operation: "UpdateItem" });
      }
    },

    async noteLateLeg(callId, leg) {
      const attribute = legAttribute(leg);
      try {
        const { Attributes: old = {} } = await client.send(
          new UpdateItemCommand({
            TableName,
            Key: { [CALL_ID]: { S: callId } },
            UpdateExpression: "SET #leg = if_not_exists(#leg, :leg)",
            // Only an item that is still there: an expired call must not come back as a stub.
            ConditionExpression: "attribute_exists(#recorded)",
            ExpressionAttributeNames: { "#leg": attribute, "#recorded": "recorded_at" },
            ExpressionAttributeValues: { ":leg": legValue(leg) },
            ReturnValues: "ALL_OLD",
          }),
        );
        const outcome = old.outcome?.S;
        // no_audio: the call was closed for want of a stream, so this leg's audio was not recorded.
        if (outcome === "no_audio") return "late";
        // not_recorded and audio_expired: no audio was to be recorded, whenever the leg ended.
        if (outcome !== "recorded" && outcome !== "single_leg") return "absorbed";
        const recorded = old.recorded_streams?.L;
        // Calls settled before recorded_streams was kept: a leg the item did not hold was not recorded.
        if (recorded === undefined) return old[attribute] === undefined ? "late" : "absorbed";
        return recorded.some((arn) => arn.S === leg.streamArn) ? "absorbed" : "late";
      } catch (error) {
        if (isConditionalCheckFailure(error)) return "absorbed";
        throw classifyAwsError(error, { callId, operation: "UpdateItem" });
      }
    },

    async reopen(callId, nowMs) {
      return update(callId, nowMs, {}, {}, {}, "attribute_exists(#callId) AND attribute_not_exists(#recorded)");
    },

    async defer(callId, attempts, dueMs, firstEventMs) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName,
            Key: { [CALL_ID]: { S: callId } },
            // first_event_ms too: with a due time in pending_since, an item of the old shape is no longer recognisable.
            UpdateExpression: "SET #since = :due, #attempts = :attempts, #first = :first",
            ConditionExpression: "attribute_exists(#pending) AND attribute_not_exists(#recorded)",
            ExpressionAttributeNames: {
              "#since": PENDING_INDEX.sortKey,
              "#attempts": ATTEMPTS,
              "#first": FIRST_EVENT,
              "#pending": PENDING_INDEX.partitionKey,
              "#recorded": "recorded_at",
            },
            ExpressionAttributeValues: {
              ":due": { N: String(dueMs) },
              ":attempts": { N: String(attempts) },
              ":first": { N: String(firstEventMs) },
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw classifyAwsError(error, { callId, operation: "UpdateItem" });
      }
    },

    async findPending(limit) {
      const items: Record<string, AttributeValue>[] = [];
      let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
      try {
        do {
          const page = await client.send(
            new QueryCommand({
              TableName,
              IndexName: PENDING_INDEX.name,
              KeyConditionExpression: "#pending = :pending",
              ExpressionAttributeNames: { "#pending": PENDING_INDEX.partitionKey },
              ExpressionAttributeValues: { ":pending": { S: PENDING } },
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
      return items.map((item) => ({
        callId: item[CALL_ID]?.S ?? "",
        legs: readLegs(item),
        ...readPending(item, legWaitMs),
        attempts: Number(item[ATTEMPTS]?.N ?? 0),
        details: readDetails(item),
      }));
    },

    async findDueChecks(nowMs, limit) {
      let items: Record<string, AttributeValue>[];
      try {
        const page = await client.send(
          new QueryCommand({
            TableName,
            IndexName: PENDING_INDEX.name,
            KeyConditionExpression: "#pending = :check AND #since <= :now",
            ExpressionAttributeNames: { "#pending": PENDING_INDEX.partitionKey, "#since": PENDING_INDEX.sortKey },
            ExpressionAttributeValues: { ":check": { S: CHECK_DUE }, ":now": { N: String(nowMs) } },
            Limit: limit,
          }),
        );
        items = page.Items ?? [];
      } catch (error) {
        throw classifyAwsError(error, { operation: "Query" });
      }
      return items.map((item) => ({
        callId: item[CALL_ID]?.S ?? "",
        legs: readLegs(item),
        details: readDetails(item),
        outcome: item.outcome?.S === "single_leg" ? "single_leg" : "recorded",
        channels: (item.channel_roles?.L ?? []).map((role) => (role.S ?? "unknown") as ChannelRole),
        pipelineArn: item.pipeline_arn?.S ?? "",
        requestedAtMs: Number(item.recorded_at?.N ?? 0),
        recordingKey: item.recording_key?.S ?? "",
        recordKey: item.record_key?.S ?? "",
        format: item.recording_format?.S === "Opus" ? "Opus" : "Wav",
        streamArns: (item.recorded_streams?.L ?? []).map((arn) => arn.S ?? ""),
        checkAttempts: Number(item[CHECK_ATTEMPTS]?.N ?? 0),
      }));
    },

    async deferCheck(callId, attempts, dueMs) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName,
            Key: { [CALL_ID]: { S: callId } },
            UpdateExpression: "SET #since = :due, #attempts = :attempts",
            ConditionExpression: "#pending = :check",
            ExpressionAttributeNames: {
              "#since": PENDING_INDEX.sortKey,
              "#attempts": CHECK_ATTEMPTS,
              "#pending": PENDING_INDEX.partitionKey,
            },
            ExpressionAttributeValues: {
              ":due": { N: String(dueMs) },
              ":attempts": { N: String(attempts) },
              ":check": { S: CHECK_DUE },
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw classifyAwsError(error, { callId, operation: "UpdateItem" });
      }
    },

    async markChecked(callId, status, nowMs) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName,
            Key: { [CALL_ID]: { S: callId } },
            UpdateExpression: "SET #status = :status, #checkedAt = :now REMOVE #pending, #since",
            // Once only: a concurrent sweep that checked the call first keeps its result.
            ConditionExpression: "#pending = :check",
            ExpressionAttributeNames: {
              "#status": "check_status",
              "#checkedAt": "checked_at",
              "#pending": PENDING_INDEX.partitionKey,
              "#since": PENDING_INDEX.sortKey,
            },
            ExpressionAttributeValues: { ":status": { S: status }, ":now": { N: String(nowMs) }, ":check": { S: CHECK_DUE } },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw classifyAwsError(error, { callId, operation: "UpdateItem" });
      }
    },
  };
}
