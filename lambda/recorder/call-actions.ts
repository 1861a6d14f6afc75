import { CALL_RECORDING, type Claim, claimToken, decide, type MissingLegs, type OpenLeg } from "./call";
import type { ClaimDependencies } from "./call-closings";
import { fileNameOf } from "./call-files";
import type { CallState } from "./call-state";
import { createClaimActions } from "./claim-actions";
import { RejectedRecordingError } from "./errors";
import { retryMessage } from "./events";
import { createLateLegs, type LateLegDependencies } from "./late-legs";
import { LOSS_METRICS } from "./leg-timing";
import type { Logger } from "./logger";

/** What became of a call: acted on, waiting for events, or open legs whose end must be read off their streams. */
export type Progress = { kind: "done" } | { kind: "wait" } | { kind: "scan"; open: OpenLeg[] };

export interface ActionDependencies extends ClaimDependencies, LateLegDependencies {}

/** Claims and records calls: the one path the event handlers, the sweep and redrives share. */
export function createCallActions(deps: ActionDependencies) {
  const { config, store, ledger, deadLetters, now, count } = deps;
  const { actOnClaim } = createClaimActions(deps);
  const handleLateLegs = createLateLegs(deps);

  return {
    /**
     * Moves a call on from what the table holds: a claimed call's claim is acted on (again, with its
     * token) and its late legs recorded; an unclaimed call is claimed for exactly the legs decided on.
     */
    async advance(state: CallState, missing: MissingLegs | "listed", log: Logger, deadLetter: string): Promise<Progress> {
      if (state.claimedStreams !== undefined) {
        if (!state.settled && state.claim !== undefined) await actOnClaim(state, state.claim, log, deadLetter);
        await handleLateLegs(state, log);
        return { kind: "done" };
      }
      // A call with a listed number is closed at once (not_recorded), whatever its other legs do.
      const decision =
        missing === "listed" ? decide({ ...state.legs, open: [], failures: 2 }, "lost") : decide(state.legs, missing);
      if (decision.action === "wait") {
        log.debug("waiting for the call's other events, or the sweep");
        return { kind: "wait" };
      }
      if (decision.action === "scan") return { kind: "scan", open: decision.open };
      const streams = decision.action === "record" ? decision.streams : [];
      const claim: Claim = {
        recording: CALL_RECORDING,
        attempt: 1,
        outcome: decision.outcome,
        streams,
        channels: decision.action === "record" ? decision.channels : [],
        fileName: fileNameOf(config, state, streams, now),
      };
      const token = claimToken(state.voiceConnectorId, state.callId, claim);
      const nowMs = now();
      if (!(await store.claim(state.callId, state.version, claim, token, nowMs, nowMs + config.sweepRetrySeconds * 1000))) {
        log.info("the call's legs changed, or another attempt claimed it, since they were read; the latest attempt decides");
        return { kind: "done" };
      }
      await actOnClaim({ ...state, claim: { ...claim, token } }, claim, log, deadLetter);
      return { kind: "done" };
    },

    /**
     * A pipeline of attempt `failed` failed for good: the call's recording is claimed again with the
     * next attempt (same legs, range and file, a new token) and started, up to MAX_PIPELINE_ATTEMPTS;
     * after the last, the call is dead-lettered. `stale`: the failure is about an older attempt.
     */
    async retryRecording(
      state: CallState,
      failed: number,
      pipelineArn: string | undefined,
      reason: string,
      log: Logger,
      redriven = false,
    ) {
      if (state.claim === undefined || state.claim.attempt !== failed) return "stale" as const;
      // A redrive of an exhausted call's dead letter is the operator's go-ahead for one more attempt.
      if (failed >= config.maxPipelineAttempts && !redriven) {
        if (!(await ledger.exhaustAttempts(state.callId, failed, pipelineArn, reason))) return "stale" as const;
        const error = Object.assign(new Error(reason), { name: "MediaInsightsPermanentFailure" });
        const refusal = new RejectedRecordingError(error, { callId: state.callId, operation: "MediaInsightsPipeline" });
        await deadLetters.send(state.callId, retryMessage(state.callId, state.voiceConnectorId), refusal);
        count(LOSS_METRICS.pipelineRetriesExhausted, state.voiceConnectorId);
        log.error(
          "the last attempt at the call's recording failed; the call is in the dead-letter queue: fix the cause, then redrive it",
          {
            attempt: failed,
            pipelineArn,
            failureReason: reason,
          },
        );
        return "exhausted" as const;
      }
      const next: Claim = { ...state.claim, attempt: failed + 1 };
      const rearmed = await ledger.rearm(
        state.callId,
        failed,
        pipelineArn,
        reason,
        claimToken(state.voiceConnectorId, state.callId, next),
        now(),
      );
      if (rearmed === null || rearmed.claim === undefined) return "stale" as const;
      count(LOSS_METRICS.pipelineRetries, state.voiceConnectorId);
      log.warn("the call's pipeline failed for good; recording it again with a new attempt", {
        attempt: next.attempt,
        failedPipelineArn: pipelineArn,
        failureReason: reason,
      });
      await actOnClaim(rearmed, rearmed.claim, log, retryMessage(state.callId, state.voiceConnectorId));
      return "rearmed" as const;
    },
  };
}

export type CallActions = ReturnType<typeof createCallActions>;
