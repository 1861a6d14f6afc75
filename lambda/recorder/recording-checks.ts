import { attemptAll } from "./bounded";
import type { CallActions } from "./call-actions";
import type { LateRecordingEntry } from "./call-record";
import { retryDelayMs, SWEEP_RESERVE_MS } from "./call-sweep";
import type { CheckResults, DueCheck } from "./checks-due";
import type { Config } from "./config";
import { RejectedRecordingError } from "./errors";
import type { Logger } from "./logger";
import type { MediaPipelines } from "./media-pipelines";
import { factsOf, recordedChannels } from "./record-facts";
import type { CheckedVerification, NewCheck, RecordingAuditor } from "./recording-audit";
import type { VerificationStatus } from "./recording-check";
import type { RecordingLedger } from "./recording-ledger";

/** Most calls one sweep checks: 3,000 calls an hour end about 250 to a 5-minute sweep. */
const MAX_CHECKS_PER_SWEEP = 1_000;
/** A check is two or three short S3 requests and one UpdateItem, none against the pipeline quota. */
const CHECK_CONCURRENCY = 10;
/** A pipeline in these states has not finished writing: its recording is checked again later. */
const STILL_RUNNING = new Set(["Initializing", "InProgress", "Stopping", "NotStarted", "Paused"]);

export interface CheckDependencies {
  config: Config;
  ledger: RecordingLedger;
  auditor: RecordingAuditor;
  pipelines: MediaPipelines;
  actions: CallActions;
  now: () => number;
  count: (name: string, voiceConnectorId: string) => void;
}

/** Checks the recordings whose check is due and (re)writes each call's one record. */
export function createRecordingChecks({ config, ledger, auditor, pipelines, actions, now, count }: CheckDependencies) {
  /** `rearmed`: started again, nothing to write yet; `running`: checked again later; `final`: the status stands. */
  async function judgeMissing(call: DueCheck, status: VerificationStatus, log: Logger): Promise<"rearmed" | "running" | "final"> {
    const main = call.main;
    if (main === undefined || main.pipelineArn === "" || (status !== "missing" && status !== "empty")) return "final";
    const pipelineStatus = await pipelines.pipelineStatus(call.callId, main.pipelineArn);
    if (STILL_RUNNING.has(pipelineStatus)) return "running";
    if (pipelineStatus !== "Failed" || call.claim === undefined) return "final";
    const reason = `the recording was ${status} and its pipeline's status is Failed`;
    const retried = await actions.retryRecording(call, call.claim.attempt, main.pipelineArn, reason, log);
    return retried === "rearmed" ? "rearmed" : "final";
  }

  async function checkCall(call: DueCheck, log: Logger): Promise<void> {
    const nowMs = now();
    const results: CheckResults = { late: {} };
    const checked: NewCheck[] = [];
    const dueLater: number[] = [];
    let mainVerification: CheckedVerification | null = null;
    const main = call.main;
    if (main !== undefined) {
      const streams = call.claim?.streams ?? call.legs.ended.filter((leg) => main.streamArns.includes(leg.streamArn));
      if (main.checkStatus !== undefined || main.checkDueMs <= nowMs) {
        mainVerification = await auditor.verify({
          key: main.recordingKey,
          format: main.format,
          channels: recordedChannels(streams, main.channels),
        });
        if (main.checkStatus === undefined) {
          const judged = await judgeMissing(call, mainVerification.status, log);
          if (judged === "rearmed") return;
          if (judged === "running") {
            log.info("the recording's pipeline is still running; it is checked again later", { pipelineArn: main.pipelineArn });
            await ledger.deferCheck(call.callId, call.checkAttempts + 1, nowMs + retryDelayMs(config, call.checkAttempts + 1));
            return;
          }
          results.main = mainVerification.status;
          checked.push({
            recordingKey: main.recordingKey,
            pipelineArn: main.pipelineArn || null,
            verification: mainVerification,
          });
        }
      } else {
        dueLater.push(main.checkDueMs);
      }
    }
    const lateRecordings: LateRecordingEntry[] = [];
    for (const late of call.late) {
      if (late.state !== "started" || late.claim === undefined) continue;
      const channels = recordedChannels(late.claim.streams, late.claim.channels);
      let verification: CheckedVerification | null = null;
      if (late.checkStatus !== undefined || (late.checkDueMs ?? 0) <= nowMs) {
        verification = await auditor.verify({ key: late.recordingKey ?? "", format: call.format, channels });
        if (late.checkStatus === undefined) {
          results.late[late.attribute] = verification.status;
          checked.push({ recordingKey: late.recordingKey ?? "", pipelineArn: late.pipelineArn ?? null, verification });
        }
      } else {
        dueLater.push(late.checkDueMs ?? nowMs);
      }
      lateRecordings.push({
        key: late.recordingKey ?? "",
        pipelineArn: late.pipelineArn ?? null,
        requestedAtMs: late.requestedAtMs ?? null,
        channels,
        verification,
      });
    }
    const facts = factsOf(call, {
      decided: main?.outcome ?? (call.outcome === "not_recorded" || call.outcome === "audio_expired" ? call.outcome : "no_audio"),
      claim: main === undefined ? undefined : { streams: call.claim?.streams ?? [], channels: main.channels },
      recordingKey: main?.recordingKey ?? "",
      format: call.format,
      pipelineArn: main?.pipelineArn || null,
      requestedAtMs: main?.requestedAtMs ?? null,
      verification: mainVerification,
      lateRecordings,
    });
    const nextDueMs = dueLater.length === 0 ? undefined : Math.min(...dueLater);
    await auditor.publish(facts, call.recordKey, checked, results.main !== undefined, log, () =>
      ledger.markChecked(call.callId, results, nextDueMs, now()),
    );
  }

  /**
   * Checks every recording whose check is due, writes its record, and keeps its status. A check that
   * fails is counted (RecordingChecksFailed) and put off with a doubling delay, as a failed call is,
   * so that checks that keep failing never hold up the ones behind them.
   */
  return async function checkRecordings(log: Logger, deadlineMs: number): Promise<void> {
    const due = await ledger.findDueChecks(now(), MAX_CHECKS_PER_SWEEP);
    const tally = { checked: 0, failed: 0, leftForNextSweep: 0 };
    const unchecked = await attemptAll(due, CHECK_CONCURRENCY, async (call) => {
      if (now() > deadlineMs - SWEEP_RESERVE_MS) {
        tally.leftForNextSweep += 1;
        return;
      }
      const callLog = log.with({ callId: call.callId });
      try {
        await checkCall(call, callLog);
        tally.checked += 1;
      } catch (error) {
        tally.failed += 1;
        count("RecordingChecksFailed", call.voiceConnectorId);
        const attempts = call.checkAttempts + 1;
        const delayMs = retryDelayMs(config, attempts);
        // A refusal (the bucket gone, access denied to it or its key) repeats until someone acts.
        if (error instanceof RejectedRecordingError) {
          callLog.error(
            `${error.message}; the recording cannot be checked nor its record written until the bucket or the role is fixed`,
            {
              operation: error.operation,
              errorName: error.errorName,
              attempts,
              retryInSeconds: delayMs / 1000,
            },
          );
        } else {
          callLog.warn("a recording's check failed; a later sweep checks it again", {
            attempts,
            retryInSeconds: delayMs / 1000,
            error,
          });
        }
        await ledger.deferCheck(call.callId, attempts, now() + delayMs);
      }
    });
    for (const error of unchecked) log.error("the sweep could not put off a failed check; it stays due", { error });
    if (due.length > 0) log.info("recordings checked", { due: due.length, ...tally });
  };
}
