import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { ChannelRole } from "./call";
import { type Item, n, s } from "./call-item";
import { type CallState, stateOf } from "./call-state";
import { queryIndex } from "./pending-index";
import type { RecordingFormat, VerificationStatus } from "./recording-check";
import { ATTRIBUTES as A, CHECK_DUE } from "./table-schema";
import { createTableUpdate } from "./table-update";

/** The checks due: started recordings stay listed in the pending index, by when their check is due, until checked. */

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

/** Finds the checks due, puts off a failed one, and keeps what a check found. */
export function createChecksDue(client: DynamoDBClient, callTable: string, defaultVoiceConnectorId: string) {
  const update = createTableUpdate(client, callTable);

  return {
    /** Calls with a recording whose check is due by `nowMs` (at most `limit`), the earliest first. */
    async findDueChecks(nowMs: number, limit: number): Promise<DueCheck[]> {
      return (await queryIndex(client, callTable, CHECK_DUE, nowMs, limit)).map((item) =>
        readDueCheck(item, defaultVoiceConnectorId),
      );
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
