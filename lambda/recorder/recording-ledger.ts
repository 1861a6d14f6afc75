import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { ChannelRole, Claim } from "./call";
import { ATTRIBUTES as A, attemptValue, CHECK_DUE, claimValue, type Item, PENDING } from "./call-item";
import { type CallState, query, stateOf } from "./call-store";
import type { RecordingFormat, VerificationStatus } from "./recording-check";
import { createTableUpdate, n, s } from "./table-update";

/**
 * The recordings of calls already claimed, in the call table: a late leg's own recording, a new
 * attempt after a pipeline failed, and the checks of started recordings.
 */

/** The call's own recording, once its pipeline started. */
export interface StartedRecording {
  outcome: "recorded" | "single_leg";
  channels: ChannelRole[];
  pipelineArn: string;
  /** When the pipeline was started (the call was settled). */
  requestedAtMs: number;
  recordingKey: string;
  format: RecordingFormat;
  /** The streams recorded, in file order. */
  streamArns: string[];
  checkDueMs: number;
  /** Kept by an earlier check (a late leg's recording is due now). */
  checkStatus: VerificationStatus | undefined;
}

/** A call with a recording whose check is due. */
export interface DueCheck extends CallState {
  /** Undefined when the call itself was closed without a pipeline and only a late leg was recorded. */
  main: StartedRecording | undefined;
  /** Where the call's one record goes. */
  recordKey: string;
  format: RecordingFormat;
  checkAttempts: number;
}

/** The statuses one check found, by recording: the call's own and each late leg's (by attribute). */
export interface CheckResults {
  main?: VerificationStatus;
  late: Record<string, VerificationStatus>;
}

function readDueCheck(item: Item, defaultVoiceConnectorId: string): DueCheck {
  const callId = item[A.callId]?.S ?? "";
  const state = stateOf(callId, item, defaultVoiceConnectorId);
  const format: RecordingFormat = item[A.format]?.S === "Opus" ? "Opus" : "Wav";
  const since = Number(item[A.since]?.N ?? 0);
  const outcome = item[A.outcome]?.S;
  // A started recording has its key and outcome; its pipeline ARN only when the service named it.
  const main: StartedRecording | undefined =
    item[A.recordingKey] === undefined || (outcome !== "recorded" && outcome !== "single_leg")
      ? undefined
      : {
          outcome: outcome === "single_leg" ? "single_leg" : "recorded",
          channels: (item[A.channels]?.L ?? []).map((role) => (role.S ?? "unknown") as ChannelRole),
          pipelineArn: item[A.pipeline]?.S ?? "",
          requestedAtMs: Number(item[A.recorded]?.N ?? 0),
          recordingKey: item[A.recordingKey]?.S ?? "",
          format,
          streamArns: (item[A.streams]?.L ?? []).map((arn) => arn.S ?? ""),
          // Items of earlier versions kept the due time in the index only.
          checkDueMs: item[A.checkDue]?.N === undefined ? since : Number(item[A.checkDue].N),
          checkStatus: item[A.checkStatus]?.S as VerificationStatus | undefined,
        };
  return {
    ...state,
    main,
    recordKey: item[A.recordKey]?.S ?? state.late.find((late) => late.recordKey !== undefined)?.recordKey ?? "",
    format,
    checkAttempts: Number(item[A.checkAttempts]?.N ?? 0),
  };
}

export interface LateKeys {
  recordingKey: string;
  recordKey: string;
}

export function createRecordingLedger(client: DynamoDBClient, callTable: string, defaultVoiceConnectorId: string) {
  const update = createTableUpdate(client, callTable);
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

    /** Calls with a recording whose check is due by `nowMs` (at most `limit`), the earliest first. */
    async findDueChecks(nowMs: number, limit: number): Promise<DueCheck[]> {
      return (await query(client, callTable, CHECK_DUE, nowMs, limit)).map((item) => readDueCheck(item, defaultVoiceConnectorId));
    },

    /** Puts off the next check of a call whose check failed; false when it is no longer due for a check. */
    async deferCheck(callId: string, attempts: number, dueMs: number): Promise<boolean> {
      const item = await update(callId, {
        expression: "SET #since = :due, #attempts = :attempts",
        condition: "#pending = :check",
        names: { "#since": A.since, "#attempts": A.checkAttempts, "#pending": A.pending },
        values: { ":due": n(dueMs), ":attempts": n(attempts), ":check": s(CHECK_DUE) },
      });
      return item !== null;
    },

    /**
     * Keeps each checked recording's status; the call leaves the index, or stays listed at `nextDueMs`
     * when a recording of it is due later. Once only: a concurrent sweep that checked first keeps its result.
     */
    async markChecked(callId: string, results: CheckResults, nextDueMs: number | undefined, nowMs: number): Promise<boolean> {
      const sets = ["#checkedAt = :now"];
      const names: Record<string, string> = { "#checkedAt": "checked_at", "#pending": A.pending, "#since": A.since };
      const values: Record<string, AttributeValue> = { ":now": n(nowMs), ":check": s(CHECK_DUE) };
      if (results.main !== undefined) {
        sets.push("#status = :status");
        names["#status"] = A.checkStatus;
        values[":status"] = s(results.main);
      }
      Object.entries(results.late).forEach(([attribute, status], i) => {
        sets.push(`#late${i}.#lateStatus = :late${i}`);
        names[`#late${i}`] = attribute;
        names["#lateStatus"] = "check_status";
        values[`:late${i}`] = s(status);
      });
      if (nextDueMs !== undefined) {
        sets.push("#since = :next");
        values[":next"] = n(nextDueMs);
      }
      const item = await update(callId, {
        expression: `SET ${sets.join(", ")}${nextDueMs === undefined ? " REMOVE #pending, #since" : ""}`,
        condition: "#pending = :check",
        names,
        values,
      });
      return item !== null;
    },
  };
}

export type RecordingLedger = ReturnType<typeof createRecordingLedger>;
