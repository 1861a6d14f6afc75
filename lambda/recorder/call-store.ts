import { type AttributeValue, type DynamoDBClient, QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { CallLegs, Leg, LegRole, Outcome } from "./call";
import { classifyAwsError, isConditionalCheckFailure } from "./errors";

import { CALL_TABLE_SCHEMA } from "./table-schema";

const { partitionKey: CALL_ID, ttlAttribute: EXPIRES_AT, pendingIndex: PENDING_INDEX } = CALL_TABLE_SCHEMA;
const PENDING = "1";

const LEG_ATTRIBUTE: Record<LegRole, string> = { caller: "caller_leg", callee: "callee_leg" };

/** `settled`: the call already has `recorded_at`, so nothing more may happen to it. */
export type StoreResult = { status: "open"; legs: CallLegs } | { status: "settled" };

export interface WaitingCall {
  callId: string;
  legs: CallLegs;
}

export interface Settlement {
  outcome: Outcome;
  pipelineArn?: string;
}

export interface CallStore {
  /** One UpdateItem; returns both legs as now stored. */
  storeLeg(callId: string, role: LegRole, leg: Leg, nowMs: number): Promise<StoreResult>;
  /** Returns false when another attempt settled the call first. */
  settle(callId: string, settlement: Settlement, nowMs: number): Promise<boolean>;
  /** Oldest first, at most `limit` calls waiting since before `cutoffMs`. */
  findWaiting(cutoffMs: number, limit: number): Promise<WaitingCall[]>;
}

export interface CallStoreOptions {
  callTable: string;
  callTtlDays: number;
}

function legValue(leg: Leg): AttributeValue {
  return leg.state === "ENDED"
    ? {
        M: {
          state: { S: leg.state },
          stream_arn: { S: leg.streamArn },
          start_ms: { N: String(leg.startMs) },
          end_ms: { N: String(leg.endMs) },
        },
      }
    : {
        M: {
          state: { S: leg.state },
          failed_ms: { N: String(leg.failedMs) },
          failure_reason: { S: leg.failureReason },
        },
      };
}

function readLeg(item: Record<string, AttributeValue>, role: LegRole): Leg | undefined {
  const value = item[LEG_ATTRIBUTE[role]]?.M;
  if (value === undefined) return undefined;
  const state = value.state?.S;
  if (state === "ENDED" && value.stream_arn?.S !== undefined && value.start_ms?.N !== undefined && value.end_ms?.N !== undefined) {
    return { state, streamArn: value.stream_arn.S, startMs: Number(value.start_ms.N), endMs: Number(value.end_ms.N) };
  }
  if (state === "FAILED") {
    return { state, failedMs: Number(value.failed_ms?.N ?? 0), failureReason: value.failure_reason?.S ?? "" };
  }
  // Only this function writes legs, so an unreadable one is a bug worth a retry and an alarm.
  throw new Error(`call ${item[CALL_ID]?.S} has an unreadable ${LEG_ATTRIBUTE[role]}: ${JSON.stringify(value)}`);
}

const readLegs = (item: Record<string, AttributeValue>): CallLegs => ({
  caller: readLeg(item, "caller"),
  callee: readLeg(item, "callee"),
});

export function createCallStore(client: DynamoDBClient, options: CallStoreOptions): CallStore {
  const TableName = options.callTable;
  const ttlSeconds = options.callTtlDays * 86_400;

  return {
    async storeLeg(callId, role, leg, nowMs) {
      // ENDED replaces whatever the leg held; FAILED never replaces an ENDED that arrived first.
      const legUpdate = leg.state === "ENDED" ? "#leg = :leg" : "#leg = if_not_exists(#leg, :leg)";
      let item: Record<string, AttributeValue>;
      try {
        const { Attributes } = await client.send(
          new UpdateItemCommand({
            TableName,
            Key: { [CALL_ID]: { S: callId } },
            UpdateExpression: `SET ${legUpdate}, #expires = if_not_exists(#expires, :expires), #pending = :pending, #since = if_not_exists(#since, :now)`,
            ConditionExpression: "attribute_not_exists(#recorded)",
            ExpressionAttributeNames: {
              "#leg": LEG_ATTRIBUTE[role],
              "#expires": EXPIRES_AT,
              "#pending": PENDING_INDEX.partitionKey,
              "#since": PENDING_INDEX.sortKey,
              "#recorded": "recorded_at",
            },
            ExpressionAttributeValues: {
              ":leg": legValue(leg),
              ":expires": { N: String(Math.floor(nowMs / 1000) + ttlSeconds) },
              ":pending": { S: PENDING },
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
      return { status: "open", legs: readLegs(item) };
    },

    async settle(callId, { outcome, pipelineArn }, nowMs) {
      const setPipeline = pipelineArn === undefined ? "" : ", #pipeline = :pipeline";
      try {
        await client.send(
          new UpdateItemCommand({
            TableName,
            Key: { [CALL_ID]: { S: callId } },
            UpdateExpression: `SET #recorded = :now, #outcome = :outcome${setPipeline} REMOVE #pending, #since`,
            // attribute_exists: a call that expired meanwhile must not come back as a TTL-less stub.
            ConditionExpression: "attribute_exists(#callId) AND attribute_not_exists(#recorded)",
            ExpressionAttributeNames: {
              "#callId": CALL_ID,
              "#recorded": "recorded_at",
              "#outcome": "outcome",
              "#pending": PENDING_INDEX.partitionKey,
              "#since": PENDING_INDEX.sortKey,
              ...(pipelineArn === undefined ? {} : { "#pipeline": "pipeline_arn" }),
            },
            ExpressionAttributeValues: {
              ":now": { N: String(nowMs) },
              ":outcome": { S: outcome },
              ...(pipelineArn === undefined ? {} : { ":pipeline": { S: pipelineArn } }),
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw classifyAwsError(error, { callId, operation: "UpdateItem" });
      }
    },

    async findWaiting(cutoffMs, limit) {
      const items: Record<string, AttributeValue>[] = [];
      let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
      try {
        do {
          const page = await client.send(
            new QueryCommand({
              TableName,
              IndexName: PENDING_INDEX.name,
              KeyConditionExpression: "#pending = :pending AND #since < :cutoff",
              ExpressionAttributeNames: { "#pending": PENDING_INDEX.partitionKey, "#since": PENDING_INDEX.sortKey },
              ExpressionAttributeValues: { ":pending": { S: PENDING }, ":cutoff": { N: String(cutoffMs) } },
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
      return items.map((item) => ({ callId: item[CALL_ID]?.S ?? "", legs: readLegs(item) }));
    },
  };
}
