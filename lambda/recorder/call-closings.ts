import { type Claim, claimToken } from "./call";
import { type FileSettings, keysOf } from "./call-files";
import type { CallState } from "./call-state";
import type { CallStore } from "./call-store";
import type { Config } from "./config";
import type { DeadLetters } from "./dead-letters";
import type { DoNotRecordList } from "./do-not-record";
import { type RecordingError, RejectedRecordingError } from "./errors";
import type { Logger } from "./logger";
import type { MediaPipelines } from "./media-pipelines";
import { factsOf } from "./record-facts";
import type { RecordingAuditor } from "./recording-audit";

/** What acting on a claim needs (claim-actions.ts, and these closings). */
export interface ClaimDependencies {
  config: Config;
  store: CallStore;
  pipelines: MediaPipelines;
  deadLetters: DeadLetters;
  doNotRecord: DoNotRecordList;
  auditor: RecordingAuditor;
  now: () => number;
  count: (name: string, voiceConnectorId: string) => void;
}

/**
 * The service's refusals: no number of retries over hours makes them succeed, so the call goes to
 * the dead-letter queue at once (its alarm fires within minutes) instead of after 70 receives.
 */
const REFUSALS = new Set(["BadRequestException", "ForbiddenException", "NotFoundException", "UnauthorizedClientException"]);

export const isRefusal = (error: unknown): error is RejectedRecordingError =>
  error instanceof RejectedRecordingError && error.operation === "CreateMediaInsightsPipeline" && REFUSALS.has(error.errorName);

/** How a claim ends without a recording: closed with its record, or refused by the service and dead-lettered. */
export function createClosings(deps: ClaimDependencies) {
  const { config, store, deadLetters, auditor, now, count } = deps;
  const files: FileSettings = config;
  const retentionMs = config.dataRetentionHours * 3_600_000;

  /** Writes the record of a claim that gets no pipeline, then settles it; counts `metric` when this attempt settled it. */
  async function closeWithout(
    state: CallState,
    claim: Claim,
    decided: "no_audio" | "audio_expired" | "not_recorded",
    log: Logger,
    metric?: string,
  ): Promise<boolean> {
    const token = claimToken(state.voiceConnectorId, state.callId, claim);
    const keys = keysOf(files, claim.fileName);
    // No claim in the facts: nothing was recorded, so the record lists no channel and every leg unrecorded.
    const facts = factsOf(state, { decided, recordingKey: keys.recordingKey, format: config.recordingFormat });
    const settled = await auditor.recordUnrecorded(facts, keys.recordKey, log, () =>
      store.settle(state.callId, token, { outcome: decided }, now()),
    );
    if (settled && metric !== undefined) count(metric, state.voiceConnectorId);
    return settled;
  }

  /**
   * `deadLetter` is what a redrive must deliver to record the call: the event that completed it, or
   * for the sweep a retry message naming it.
   */
  async function refuse(state: CallState, claim: Claim, refusal: RecordingError, deadLetter: string, log: Logger): Promise<void> {
    const fields = { operation: refusal.operation, errorName: refusal.errorName };
    // Some of the audio is gone: that, not the request, is why it was refused (unconfirmed which
    // error the service answers then), and a redrive cannot help.
    if (now() >= Math.min(...claim.streams.map((leg) => leg.startMs)) + retentionMs) {
      log.error(
        "the call's audio has expired from Kinesis Video Streams (data_retention_hours) before it could be recorded",
        fields,
      );
      await closeWithout(state, claim, "audio_expired", log, "AudioExpired");
      return;
    }
    // Marked first, still pending: a call settled meanwhile gets no dead letter, and one whose dead
    // letter is never sent (the send fails and is rethrown, or the invocation is lost) is tried again.
    const nowMs = now();
    if (!(await store.markRefused(state.callId, refusal.errorName, nowMs, nowMs + config.sweepRetrySeconds * 1000))) {
      log.info("the call was settled or dead-lettered by a concurrent attempt; no dead letter", fields);
      return;
    }
    await deadLetters.send(state.callId, deadLetter, refusal);
    log.error(`${refusal.message}; the call is in the dead-letter queue: fix the cause, then redrive it`, fields);
    try {
      await store.markDeadLettered(state.callId);
    } catch (error) {
      log.warn("the dead-lettered call stays pending: a later sweep refused again dead-letters it a second time", { error });
    }
  }

  return { closeWithout, refuse };
}
