import { createCallActions } from "./call-actions";
import type { CallStore } from "./call-store";
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
import { createEventPath } from "./event-path";
import { type InboundMessage, parseMessage } from "./events";
import type { Logger } from "./logger";
import type { MediaPipelines } from "./media-pipelines";
import { type CountMetric, createCounters } from "./metrics";
import type { RecordingAuditor } from "./recording-audit";
import type { RecordingLedger } from "./recording-ledger";
import { RESPONSE_MARGIN_MS } from "./request-bounds";
import type { StreamFragments } from "./stream-fragments";
import { createSweepPath } from "./sweep-path";

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

/** Settles each message on the event path or the sweep, within the invocation's deadline. */
export function createRecorder(deps: RecorderDependencies): Recorder {
  const { config, store, ledger, pipelines, deadLetters, fragments, now, emitMetric, auditor } = deps;
  const doNotRecord = deps.doNotRecord ?? EMPTY_LIST;
  const counters = createCounters(config.metricsNamespace, emitMetric, now);
  const { count, countTotal, countDropped } = counters;

  const actions = createCallActions({ config, store, ledger, pipelines, deadLetters, doNotRecord, auditor, now, count });
  const events = createEventPath({ config, store, actions, doNotRecord, now, counters });
  const sweep = createSweepPath({ config, store, ledger, actions, pipelines, fragments, auditor, now, emitMetric, counters });

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
        return events.onLegEvent(message, body, log.with({ callId: message.callId }));
      case "retry":
        return events.onRetry(message, body, log.with({ callId: message.callId }));
      case "pipeline-failure":
        return events.onPipelineFailure(message, log);
      case "sweep":
        return sweep(log, deadlineMs);
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
