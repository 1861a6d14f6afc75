import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Claim } from "./call";
import { attemptValue, claimValue, n, s } from "./call-item";
import { stateOf } from "./call-state";
import { createChecksDue } from "./checks-due";
import { ATTRIBUTES as A, CHECK_DUE, PENDING } from "./table-schema";
import { createTableUpdate, type TableUpdate } from "./table-update";

/**
 * The recordings of calls already claimed, in the call table: a late leg's own recording, a new
 * attempt after a pipeline failed, and the checks of started recordings (checks-due.ts).
 */

export interface LateKeys {
  recordingKey: string;
  recordKey: string;
}

/** A leg that reported after its call was claimed: noted while it streams, then claimed and started on its own. */
function createLateLegLedger(update: TableUpdate) {
  const late = (attribute: string) => ({ "#late": attribute, "#state": "state" });

  return {
    /** Sets the flag `attribute` on the call; true only the first time, so what it marks is counted once. */
    async noteOnce(callId: string, attribute: string): Promise<boolean> {
      const item = await update(callId, {
        expression: "SET #flag = :now",
        condition: "attribute_exists(#callId) AND attribute_not_exists(#flag)",
        names: { "#flag": attribute, "#callId": A.callId },
        values: { ":now": { BOOL: true } },
      });
      return item !== null;
    },

    /** Notes a leg that started after its call was claimed; true the first time, when it is counted. */
    async noteLateLeg(callId: string, attribute: string, streamArn: string): Promise<boolean> {
      const item = await update(callId, {
        expression: "SET #late = :open",
        condition: "attribute_exists(#callId) AND attribute_not_exists(#late)",
        names: { "#late": attribute, "#callId": A.callId },
        values: { ":open": { M: { state: s("open"), stream_arn: s(streamArn) } } },
      });
      return item !== null;
    },

    /**
     * Claims a late leg's own recording. `new`: nobody had noted the leg (count it); `noted`: its
     * STARTED was counted before; null: claimed already.
     */
    async claimLate(callId: string, attribute: string, claim: Claim, token: string, keys: LateKeys, nowMs: number) {
      const value: AttributeValue = {
        M: {
          state: s("claimed"),
          stream_arn: s(claim.streams[0].streamArn),
          claim: claimValue(claim, token, nowMs),
          recording_key: s(keys.recordingKey),
          record_key: s(keys.recordKey),
        },
      };
      const old = await update(callId, {
        expression: "SET #late = :claimed",
        condition: "attribute_exists(#callId) AND (attribute_not_exists(#late) OR #late.#state = :open)",
        names: { ...late(attribute), "#callId": A.callId },
        values: { ":claimed": value, ":open": s("open") },
        returnValues: "ALL_OLD",
      });
      if (old === null) return null;
      return old[attribute] === undefined ? "new" : "noted";
    },

    /**
     * The late leg's pipeline started: the call is listed among the checks due at `checkDueMs` in the
     * same update, so a started recording is never left unchecked. Only once the call's own claim is
     * settled (which lists the call for its own check, or takes it out of the index): false until
     * then, and when the late claim was settled first.
     */
    async settleLate(
      callId: string,
      attribute: string,
      token: string,
      pipelineArn: string | undefined,
      nowMs: number,
      checkDueMs: number,
    ) {
      const item = await update(callId, {
        expression: `SET #late.#state = :started, #late.#requested = :now, #late.#due = :due, #pending = :check, #since = :due${pipelineArn === undefined ? "" : ", #late.#pipeline = :pipeline"}`,
        condition: "#late.#state = :claimed AND #late.#claim.#token = :token AND attribute_exists(#recorded)",
        names: {
          ...late(attribute),
          "#requested": "requested_at",
          "#due": "check_due",
          "#claim": "claim",
          "#token": "token",
          "#pending": A.pending,
          "#since": A.since,
          "#recorded": A.recorded,
          ...(pipelineArn === undefined ? {} : { "#pipeline": "pipeline_arn" }),
        },
        values: {
          ":started": s("started"),
          ":claimed": s("claimed"),
          ":check": s(CHECK_DUE),
          ":token": s(token),
          ":now": n(nowMs),
          ":due": n(checkDueMs),
          ...(pipelineArn === undefined ? {} : { ":pipeline": s(pipelineArn) }),
        },
      });
      return item !== null;
    },
  };
}

/** Attempts at the call's own recording after its pipeline failed for good. */
function createAttemptLedger(update: TableUpdate, defaultVoiceConnectorId: string) {
  return {
    /**
     * Starts a new attempt at the call's recording after attempt `failed` failed: same legs, range and
     * file, a new token. The call is pending again, due at once. False when the failure is not about
     * the current attempt (a late or repeated event) or the call is gone.
     */
    async rearm(
      callId: string,
      failed: number,
      pipelineArn: string | undefined,
      reason: string,
      nextToken: string,
      nowMs: number,
    ) {
      const item = await update(callId, {
        expression:
          "SET #claim.#attempt = :next, #claim.#token = :token, #pending = :pending, #since = :now, #attempts = list_append(if_not_exists(#attempts, :none), :failure) REMOVE #recorded, #pipeline, #checkStatus, #claim.#exhausted",
        condition: `#claim.#attempt = :failed AND attribute_exists(#recorded)${pipelineArn === undefined ? "" : " AND #pipeline = :arn"}`,
        names: {
          "#claim": A.claim,
          "#attempt": "attempt",
          "#token": "token",
          "#pending": A.pending,
          "#since": A.since,
          "#attempts": A.pipelineAttempts,
          "#recorded": A.recorded,
          "#pipeline": A.pipeline,
          "#checkStatus": A.checkStatus,
          "#exhausted": "exhausted",
        },
        values: {
          ":next": n(failed + 1),
          ":failed": n(failed),
          ":token": s(nextToken),
          ":pending": s(PENDING),
          ":now": n(nowMs),
          ":none": { L: [] },
          ":failure": {
            L: [attemptValue({ attempt: failed, pipelineArn: pipelineArn ?? null, requestedAtMs: null, failureReason: reason })],
          },
          ...(pipelineArn === undefined ? {} : { ":arn": s(pipelineArn) }),
        },
        returnValues: "ALL_NEW",
      });
      return item === null ? null : stateOf(callId, item, defaultVoiceConnectorId);
    },

    /**
     * Marks the last attempt failed, keeping why for the record. Once only: true for the one delivery
     * that marks it (which dead-letters the call), false for a repeated or older failure.
     */
    async exhaustAttempts(callId: string, attempt: number, pipelineArn: string | undefined, reason: string): Promise<boolean> {
      const item = await update(callId, {
        expression: "SET #claim.#exhausted = :true, #attempts = list_append(if_not_exists(#attempts, :none), :failure)",
        condition: "#claim.#attempt = :attempt AND attribute_exists(#recorded) AND attribute_not_exists(#claim.#exhausted)",
        names: {
          "#claim": A.claim,
          "#attempt": "attempt",
          "#exhausted": "exhausted",
          "#attempts": A.pipelineAttempts,
          "#recorded": A.recorded,
        },
        values: {
          ":attempt": n(attempt),
          ":true": { BOOL: true },
          ":none": { L: [] },
          ":failure": {
            L: [attemptValue({ attempt, pipelineArn: pipelineArn ?? null, requestedAtMs: null, failureReason: reason })],
          },
        },
      });
      return item !== null;
    },
  };
}

export function createRecordingLedger(client: DynamoDBClient, callTable: string, defaultVoiceConnectorId: string) {
  const update = createTableUpdate(client, callTable);
  return {
    ...createLateLegLedger(update),
    ...createAttemptLedger(update, defaultVoiceConnectorId),
    ...createChecksDue(client, callTable, defaultVoiceConnectorId),
  };
}

export type RecordingLedger = ReturnType<typeof createRecordingLedger>;
