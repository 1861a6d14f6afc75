import { CALL_RECORDING } from "./call";
import { type CallActions, createCallActions } from "./call-actions";
import type { CallState, CallStore } from "./call-store";
import { createCallSweep } from "./call-sweep";
import type { Config } from "./config";
import type { DeadLetters } from "./dead-letters";
import { type DoNotRecordList, EMPTY_LIST } from "./do-not-record";
import {
  DeadlineExceededError,
  MalformedEventError,
  type RecordingError,
  RejectedRecordingError,
  RetryableRecordingError,
} from "./errors";
import { type InboundMessage, parseMessage } from "./events";
import type { Logger } from "./logger";
import type { MediaPipelines } from "./media-pipelines";
import { type CountMetric, connectorCount } from "./metrics";
import type { RecordingAuditor } from "./recording-audit";
import { createRecordingChecks } from "./recording-checks";
import type { RecordingLedger } from "./recording-ledger";
import { RESPONSE_MARGIN_MS } from "./request-bounds";
import type { StreamFragments } from "./stream-fragments";

/** Why an event was acknowledged without effect; the `Reason` dimension of `DroppedEvents`. */
export type DropReason = "malformed" | "foreign_connector";

export interface RecorderDependencies {
  config: Config;
  store: CallStore;
  ledger: RecordingLedger;
  pipelines: MediaPipelines;
  deadLetters: DeadLetters;
  fragments: StreamFragments;
  now: () => number;
  emitMetric: (metric: CountMetric) => void;
  /** Numbers whose calls are not recorded; none when absent. */
  doNotRecord?: DoNotRecordList;
  /** Checks recordings and writes each call's record. */
  auditor: RecordingAuditor;
}

export interface Recorder {
  /**
   * Settles one SQS message body. Resolves when the message may be deleted (including malformed
   * and foreign events, which are logged); rejects when the queue should deliver it again. Settles
   * RESPONSE_MARGIN_MS before `deadlineMs` at the latest: a record still running then rejects with
   * DeadlineExceededError, while the sweep's message resolves (the schedule is its retry).
   */
  process(body: string, log: Logger, deadlineMs: number): Promise<void>;
}

/** Logs why a record goes back to the queue, at a level that matches who must act. */
export function reportFailure(log: Logger, error: unknown): void {
  if (error instanceof RetryableRecordingError) {
    log.warn(`${error.message}; the queue will deliver the event again`, fields(error));
  } else if (error instanceof RejectedRecordingError) {
    log.error(`${error.message}; retrying will not help quickly, the event goes on to the dead-letter queue`, fields(error));
  } else if (error instanceof DeadlineExceededError) {
    log.warn(`${error.message}; the queue will deliver the event again`);
  } else {
    log.error("unexpected error; the queue will deliver the event again", { error });
  }
}

const fields = (error: RecordingError) => ({ callId: error.callId, operation: error.operation, errorName: error.errorName });

/**
 * Settles with `work`, or after `delayMs` as `onTimeUp` does (returns or throws) if `work` is still
 * running then. A batch that times out returns no partial response and every record burns a
 * receive; work left running is idempotent if it resumes in a later invocation.
 */
function settleBy(work: Promise<void>, delayMs: number, onTimeUp: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, delayMs));
  }).then(onTimeUp);
  return Promise.race([work, timeUp]).finally(() => clearTimeout(timer));
}

type LegMessage = Extract<InboundMessage, { kind: "started" | "ended" | "failed" }>;

export function createRecorder(deps: RecorderDependencies): Recorder {
  const { config, store, ledger, pipelines, deadLetters, fragments, now, emitMetric, auditor } = deps;
  const doNotRecord = deps.doNotRecord ?? EMPTY_LIST;

  const count = (name: string, voiceConnectorId: string): void =>
    emitMetric(connectorCount(config.metricsNamespace, name, voiceConnectorId, new Date(now())));

  /** What concerns no one call (a sweep that failed): counted in total only. */
  const countTotal = (name: string): void =>
    emitMetric({
      namespace: config.metricsNamespace,
      name,
      value: 1,
      dimensions: {},
      dimensionSets: [[]],
      timestamp: new Date(now()),
    });

  /** `voiceConnectorId`: the one the event names (another connector's, for `foreign_connector`), or `unknown`. */
  function countDropped(reason: DropReason, voiceConnectorId = "unknown"): void {
    const metric = connectorCount(config.metricsNamespace, "DroppedEvents", voiceConnectorId, new Date(now()), {
      Reason: reason,
    });
    // The total is alarmed; the breakdowns say where to look.
    emitMetric({ ...metric, dimensionSets: [[], ["Reason"], ["VoiceConnectorId"], ["VoiceConnectorId", "Reason"]] });
  }

  const actions: CallActions = createCallActions({
    config,
    store,
    ledger,
    pipelines,
    deadLetters,
    doNotRecord,
    auditor,
    now,
    count,
  });
  const sweepCalls = createCallSweep({ config, store, actions, fragments, now, emitMetric, count });
  const checkRecordings = createRecordingChecks({ config, ledger, auditor, pipelines, actions, now, count });

  /** False, counted and logged, for a connector not recorded here: the rules match the recorded connectors only. */
  function ours(voiceConnectorId: string | undefined, log: Logger, what: string): voiceConnectorId is string {
    if (voiceConnectorId !== undefined && config.voiceConnectorIds.includes(voiceConnectorId)) return true;
    log.warn(`${what} of another voice connector dropped`, { voiceConnectorId });
    countDropped("foreign_connector", voiceConnectorId);
    return false;
  }

  function store_(message: LegMessage): Promise<CallState> {
    const nowMs = now();
    const { callId, voiceConnectorId, details } = message;
    if (message.kind === "failed")
      return store.storeFailure(callId, voiceConnectorId, message.failedMs, message.eventKey, details, nowMs);
    if (message.kind === "started") return store.storeStarted(callId, voiceConnectorId, message.leg, details, nowMs);
    return store.storeEnded(callId, voiceConnectorId, message.leg, details, nowMs);
  }

  async function onLegEvent(message: LegMessage, body: string, log: Logger): Promise<void> {
    if (!ours(message.voiceConnectorId, log, "event")) return;
    if (message.kind === "failed")
      log.warn("media streaming of a leg of the call failed", { failureReason: message.failureReason });
    // Read before the leg is stored: a list that cannot be read leaves nothing for the sweep to record.
    const listed = message.kind === "failed" ? undefined : await doNotRecord.match(message, message.callId);
    const state = await store_(message);
    // A listed call is closed at once, whatever its other leg does.
    await actions.advance(state, listed === undefined ? "may-arrive" : "listed", log, body);
  }

  async function onRetry(message: Extract<InboundMessage, { kind: "retry" }>, body: string, log: Logger): Promise<void> {
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
  }

  async function onPipelineFailure(message: Extract<InboundMessage, { kind: "pipeline-failure" }>, log: Logger): Promise<void> {
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
  }

  /** Acts on one message; a malformed one is logged, counted and acknowledged. */
  async function dispatch(body: string, message: InboundMessage | MalformedEventError, log: Logger, deadlineMs: number) {
    if (message instanceof MalformedEventError) {
      log.error(`malformed event dropped: ${message.message}`, {
        field: message.field,
        value: message.value,
        accepted: message.accepted,
      });
      countDropped("malformed");
      return;
    }
    switch (message.kind) {
      case "started":
      case "ended":
      case "failed":
        return onLegEvent(message, body, log.with({ callId: message.callId }));
      case "retry":
        return onRetry(message, body, log.with({ callId: message.callId }));
      case "pipeline-failure":
        return onPipelineFailure(message, log);
      case "sweep":
        return sweepCalls(log, deadlineMs)
          .then(() => checkRecordings(log, deadlineMs))
          .catch((error: unknown) => {
            log.error("the sweep failed; the next scheduled sweep tries again", { error });
            countTotal("SweepFailures");
          });
      case "ignored":
        log.debug("event ignored", { reason: message.reason, callId: message.callId });
    }
  }

  const parsed = (body: string): InboundMessage | MalformedEventError => {
    try {
      return parseMessage(body);
    } catch (error) {
      if (error instanceof MalformedEventError) return error;
      throw error;
    }
  };

  return {
    async process(body, log, deadlineMs) {
      const message = parsed(body);
      const work = dispatch(body, message, log, deadlineMs);
      const delayMs = deadlineMs - RESPONSE_MARGIN_MS - now();
      if (!(message instanceof MalformedEventError) && message.kind === "sweep") {
        // Never failed for the deadline: a sweep message returned to the queue would only multiply sweeps.
        return settleBy(work, delayMs, () => {
          log.warn("the sweep was still running at its cutoff; its message is acknowledged, the next sweep takes what it left");
          countTotal("SweepFailures");
        });
      }
      return settleBy(work, delayMs, () => {
        throw new DeadlineExceededError();
      });
    },
  };
}
