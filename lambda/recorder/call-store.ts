import { type AttributeValue, type DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import type { ChannelRole, Claim, Outcome } from "./call";
import { attemptValue, claimValue, n, s } from "./call-item";
import { type CallState, type PendingCall, pendingCallOf, stateOf } from "./call-state";
import { classifyAwsError } from "./errors";
import { createLegStore, type LegStoreOptions } from "./leg-store";
import { queryIndex } from "./pending-index";
import type { RecordingFormat } from "./recording-check";
import { ATTRIBUTES as A, CHECK_DUE, PENDING } from "./table-schema";
import { type Change, createTableUpdate } from "./table-update";

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

export interface CallStoreOptions extends LegStoreOptions {
  callTable: string;
}

/** A condition on the call's claim holding still, and the names it uses. */
const claimHolds = { condition: "#claim.#token = :token", names: { "#claim": A.claim, "#token": "token" } };

/** The update that acts on the claim with `token` as `settlement` says, once only. */
function settlementChange(token: string, settlement: Settlement, nowMs: number): Change {
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
  return {
    expression: `SET ${sets.join(", ")}${remove}`,
    condition: `${claimHolds.condition} AND attribute_not_exists(#recorded)`,
    names,
    values,
  };
}

/** The call table as the event path and the sweep see a call: its legs, its claim and its place in the pending index. */
export function createCallStore(client: DynamoDBClient, options: CallStoreOptions) {
  const update = createTableUpdate(client, options.callTable);
  const legWaitMs = options.legWaitSeconds * 1000;
  /** The update's condition held. */
  const applied = async (callId: string, change: Change): Promise<boolean> => (await update(callId, change)) !== null;

  return {
    ...createLegStore(update, options),

    /**
     * Claims the call's recording for exactly `claim`'s legs, if the legs are still as read
     * (`version`) and nothing claimed it first. The call stays pending, due at `retryAtMs`, so that
     * the sweep takes up a claim whose request never completed.
     */
    async claim(callId: string, version: number | undefined, claim: Claim, token: string, nowMs: number, retryAtMs: number) {
      const versionHolds = version === undefined ? "attribute_not_exists(#version)" : "#version = :version";
      return applied(callId, {
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
    },

    /** Acts on the claim with `token`; false when it was settled, or replaced by a new attempt, first. */
    async settle(callId: string, token: string, settlement: Settlement, nowMs: number): Promise<boolean> {
      return applied(callId, settlementChange(token, settlement, nowMs));
    },

    /**
     * Notes that the service refused the call, before its dead letter is sent: the call stays pending,
     * due again at `retryAtMs`, so that a dead letter that is never sent (a failed send, a lost
     * invocation) is retried rather than lost. False when the call was settled: it needs no dead letter.
     */
    async markRefused(callId: string, errorName: string, nowMs: number, retryAtMs: number): Promise<boolean> {
      return applied(callId, {
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
    },

    /**
     * Takes a refused call whose dead letter was sent out of the pending index without settling it, so
     * that no sweep retries it and a redrive of its dead letter can still record it. False when it was
     * settled or reopened meanwhile.
     */
    async markDeadLettered(callId: string): Promise<boolean> {
      return applied(callId, {
        // pending_since stays: a redriven call is due at once.
        expression: "REMOVE #pending",
        condition: "attribute_exists(#pending) AND attribute_exists(#refusedAt) AND attribute_not_exists(#recorded)",
        names: { "#recorded": A.recorded, "#refusedAt": "refused_at", "#pending": A.pending },
      });
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
      return applied(callId, {
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
      const items = await queryIndex(client, options.callTable, PENDING, undefined, limit);
      return items.map((item) => pendingCallOf(item, legWaitMs, options.defaultVoiceConnectorId));
    },
  };
}

export type CallStore = ReturnType<typeof createCallStore>;
