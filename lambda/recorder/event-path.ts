import { CALL_RECORDING } from "./call";
import type { CallActions } from "./call-actions";
import type { CallState } from "./call-state";
import type { CallStore } from "./call-store";
import type { Config } from "./config";
import type { DoNotRecordList } from "./do-not-record";
import type { InboundMessage } from "./events";
import type { Logger } from "./logger";
import type { Counters } from "./metrics";

type LegMessage = Extract<InboundMessage, { kind: "started" | "ended" | "failed" }>;

export interface EventPathDependencies {
  config: Config;
  store: CallStore;
  actions: CallActions;
  doNotRecord: DoNotRecordList;
  now: () => number;
  counters: Counters;
}

/** What the recorder does with each event of a call: a leg's, a redriven dead letter, a pipeline's permanent failure. */
export function createEventPath({ config, store, actions, doNotRecord, now, counters }: EventPathDependencies) {
  const { count, countDropped } = counters;

  /** False, counted and logged, for a connector not recorded here: the rules match the recorded connectors only. */
  function ours(voiceConnectorId: string | undefined, log: Logger, what: string): voiceConnectorId is string {
    if (voiceConnectorId !== undefined && config.voiceConnectorIds.includes(voiceConnectorId)) return true;
    log.warn(`${what} of another voice connector dropped`, { voiceConnectorId });
    countDropped("foreign_connector", voiceConnectorId);
    return false;
  }

  function storeLegEvent(message: LegMessage): Promise<CallState> {
    const nowMs = now();
    const { callId, voiceConnectorId, details } = message;
    if (message.kind === "failed")
      return store.storeFailure(callId, voiceConnectorId, message.failedMs, message.eventKey, details, nowMs);
    if (message.kind === "started") return store.storeStarted(callId, voiceConnectorId, message.leg, details, nowMs);
    return store.storeEnded(callId, voiceConnectorId, message.leg, details, nowMs);
  }

  return {
    async onLegEvent(message: LegMessage, body: string, log: Logger): Promise<void> {
      if (!ours(message.voiceConnectorId, log, "event")) return;
      if (message.kind === "failed")
        log.warn("media streaming of a leg of the call failed", { failureReason: message.failureReason });
      // Read before the leg is stored: a list that cannot be read leaves nothing for the sweep to record.
      const listed = message.kind === "failed" ? undefined : await doNotRecord.match(message, message.callId);
      const state = await storeLegEvent(message);
      // A listed call is closed at once, whatever its other leg does.
      await actions.advance(state, listed === undefined ? "may-arrive" : "listed", log, body);
    },

    async onRetry(message: Extract<InboundMessage, { kind: "retry" }>, body: string, log: Logger): Promise<void> {
      if (!ours(message.voiceConnectorId, log, "retry")) return;
      const reopened = await store.reopen(message.callId, now());
      if (reopened !== null) {
        await actions.advance(reopened, "lost", log, body);
        return;
      }
      // A call whose last attempt failed was dead-lettered settled: its redrive is one more attempt.
      const state = await store.read(message.callId);
      const last = state?.attempts.at(-1);
      if (state?.claim !== undefined && last?.attempt === state.claim.attempt && last.failureReason !== null) {
        await actions.retryRecording(
          { ...state, claim: state.claim },
          state.claim.attempt,
          last.pipelineArn ?? undefined,
          last.failureReason,
          log,
          true,
        );
        return;
      }
      log.info("redriven call already settled or expired from the table; nothing to do");
    },

    async onPipelineFailure(message: Extract<InboundMessage, { kind: "pipeline-failure" }>, log: Logger): Promise<void> {
      // The rule matches the recorded connectors only, so another connector's is another application's
      // pipeline or one started without our runtime metadata: not a call of ours.
      const { voiceConnectorId } = message;
      if (!ours(voiceConnectorId, log, "permanent failure of a media insights pipeline")) return;
      const reason = message.failureReason ?? "no failure reason given";
      const fields = { callId: message.callId, pipelineArn: message.pipelineArn, failureReason: reason };
      if (message.callId === undefined || (message.recording !== undefined && message.recording !== CALL_RECORDING)) {
        // A late leg's own recording is not started again: its record shows it missing after its check.
        log.error("media insights pipeline failed permanently; its recording is missing", {
          ...fields,
          recording: message.recording,
        });
        count("PermanentPipelineFailures", voiceConnectorId);
        return;
      }
      const state = await store.read(message.callId);
      // Pipelines started before attempts were numbered were attempt 1.
      const attempt = message.attempt ?? 1;
      const callLog = log.with({ callId: message.callId });
      // A call the table no longer holds (it expired after call_ttl_days) cannot be started again.
      const result =
        state === null ? "unknown call" : await actions.retryRecording(state, attempt, message.pipelineArn, reason, callLog);
      if (result === "stale") {
        // Best effort and at least once: a late or repeated event about an attempt already replaced.
        callLog.info("permanent failure of an earlier attempt at the call's recording; ignored", { ...fields, attempt });
        return;
      }
      callLog.error("media insights pipeline failed permanently", { ...fields, attempt, next: result });
      count("PermanentPipelineFailures", voiceConnectorId);
    },
  };
}
