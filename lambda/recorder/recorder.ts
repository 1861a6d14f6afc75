import { type Decision, decide, recordingRequest } from "./call";
import type { CallStore, StoreResult } from "./call-store";
import type { Config } from "./config";
import {
  MalformedEventError,
  RejectedRecordingError,
  type RecordingError,
  RetryableRecordingError,
  SweepIncompleteError,
} from "./errors";
import { type InboundMessage, parseMessage } from "./events";
import type { Logger } from "./logger";
import type { MediaPipelines } from "./media-pipelines";
import type { CountMetric } from "./metrics";

/** Bounds one sweep so that it fits in the function's 60 s timeout; the next sweep takes the rest. */
const MAX_CALLS_PER_SWEEP = 50;
/** Keeps a sweep from bursting into the pipeline quota and the API's throttling. */
const SWEEP_CONCURRENCY = 5;

/** Why an event was acknowledged without effect; the `Reason` dimension of `DroppedEvents`. */
export type DropReason = "malformed" | "foreign_connector";

export interface RecorderDependencies {
  config: Config;
  store: CallStore;
  pipelines: MediaPipelines;
  now: () => number;
  emitMetric: (metric: CountMetric) => void;
}

export interface Recorder {
  /**
   * Settles one SQS message body. Resolves when the message may be deleted (including malformed
   * and foreign events, which are logged); rejects when the queue should deliver it again.
   */
  process(body: string, log: Logger): Promise<void>;
}

/** Logs why a record goes back to the queue, at a level that matches who must act. */
export function reportFailure(log: Logger, error: unknown): void {
  if (error instanceof RetryableRecordingError) {
    log.warn(`${error.message}; the queue will deliver the event again`, fields(error));
  } else if (error instanceof RejectedRecordingError) {
    log.error(`${error.message}; retrying will not help quickly, the event goes on to the dead-letter queue`, fields(error));
  } else if (error instanceof SweepIncompleteError) {
    log.warn(`${error.message}; the sweep will run again`, { failed: error.failed, attempted: error.attempted });
  } else {
    log.error("unexpected error; the queue will deliver the event again", { error });
  }
}

const fields = (error: RecordingError) => ({
  callId: error.callId,
  operation: error.operation,
  errorName: error.errorName,
});

/** Runs `work` over `items` with at most `limit` in flight; every item is attempted. */
async function attemptAll<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<unknown[]> {
  const errors: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await work(item).catch((error: unknown) => errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return errors;
}

export function createRecorder({ config, store, pipelines, now, emitMetric }: RecorderDependencies): Recorder {
  async function act(callId: string, decision: Decision, log: Logger): Promise<void> {
    if (decision.action === "wait") {
      log.debug("waiting for the other leg's ENDED or FAILED event, or the sweep");
      return;
    }
    if (decision.action === "close") {
      log.warn("no leg of the call produced a stream; closing it without a recording", { outcome: decision.outcome });
      await store.settle(callId, { outcome: decision.outcome }, now());
      return;
    }
    const { outcome, streams, channels } = decision;
    if (outcome === "single_leg") {
      log.warn("recording a single leg because the other failed or never reported; the WAV has one channel", {
        streamArn: streams[0].streamArn,
      });
    }
    if (channels.includes("unknown")) {
      log.warn("channel roles are unknown (the events carry no isCaller: SIPREC without recording metadata); channels are in stream start order", {
        streamArns: streams.map((leg) => leg.streamArn),
      });
    }
    const pipelineArn = await pipelines.startRecording(callId, recordingRequest(callId, streams, config));
    const settledNow = await store.settle(callId, { outcome, pipelineArn, channels }, now());
    log.info(settledNow ? "recording started" : "recording was already settled by a concurrent attempt", {
      pipelineArn,
      outcome,
      channels,
    });
  }

  async function onLegEvent(
    message: Extract<InboundMessage, { kind: "ended" | "failed" }>,
    log: Logger,
  ): Promise<void> {
    if (message.voiceConnectorId !== config.voiceConnectorId) {
      // The streaming rule matches this connector only: such an event means the rule or the
      // queue's senders changed.
      log.warn("event from another voice connector dropped", { voiceConnectorId: message.voiceConnectorId });
      countDropped("foreign_connector");
      return;
    }
    let stored: StoreResult;
    if (message.kind === "failed") {
      log.warn("media streaming of a leg of the call failed", { failureReason: message.failureReason });
      stored = await store.storeFailure(message.callId, message.failedMs, now());
    } else {
      stored = await store.storeEnded(message.callId, message.leg, now());
    }
    if (stored.status === "settled") {
      log.info("call already settled; event absorbed", { event: message.kind });
      return;
    }
    await act(message.callId, decide(stored.legs, "may-arrive"), log);
  }

  async function sweep(log: Logger): Promise<void> {
    const cutoffMs = now() - config.legWaitSeconds * 1000;
    const calls = await store.findWaiting(cutoffMs, MAX_CALLS_PER_SWEEP);
    const errors = await attemptAll(calls, SWEEP_CONCURRENCY, ({ callId, legs }) =>
      act(callId, decide(legs, "lost"), log.with({ callId })),
    );
    for (const error of errors) reportFailure(log, error);
    if (errors.length > 0) throw new SweepIncompleteError(errors.length, calls.length);
    log.info("sweep finished", { settled: calls.length });
  }

  function countDropped(reason: DropReason): void {
    emitMetric({
      namespace: config.metricsNamespace,
      name: "DroppedEvents",
      value: 1,
      dimensions: { VoiceConnectorId: config.voiceConnectorId, Reason: reason },
      // The total is alarmed; the breakdown says where to look.
      dimensionSets: [["VoiceConnectorId"], ["VoiceConnectorId", "Reason"]],
      timestamp: new Date(now()),
    });
  }

  function onPipelineFailure(message: Extract<InboundMessage, { kind: "pipeline-failure" }>, log: Logger): void {
    if (message.voiceConnectorId !== config.voiceConnectorId) {
      // The rule matches this connector only, so this is another application's pipeline or one
      // started without our runtime metadata: not a call of ours to alarm on.
      log.warn("permanent failure of another connector's media insights pipeline ignored", {
        voiceConnectorId: message.voiceConnectorId,
        pipelineArn: message.pipelineArn,
      });
      countDropped("foreign_connector");
      return;
    }
    log.error("media insights pipeline failed permanently; the call's recording is missing", {
      callId: message.callId,
      pipelineArn: message.pipelineArn,
      failureReason: message.failureReason,
    });
    emitMetric({
      namespace: config.metricsNamespace,
      name: "PermanentPipelineFailures",
      value: 1,
      dimensions: { VoiceConnectorId: config.voiceConnectorId },
      timestamp: new Date(now()),
    });
  }

  return {
    async process(body, log) {
      let message: InboundMessage;
      try {
        message = parseMessage(body);
      } catch (error) {
        if (!(error instanceof MalformedEventError)) throw error;
        log.error(`malformed event dropped: ${error.message}`, {
          field: error.field,
          value: error.value,
          accepted: error.accepted,
        });
        countDropped("malformed");
        return;
      }
      switch (message.kind) {
        case "ended":
        case "failed":
          return onLegEvent(message, log.with({ callId: message.callId }));
        case "pipeline-failure":
          return onPipelineFailure(message, log);
        case "sweep":
          return sweep(log);
        case "ignored":
          log.debug("event ignored", { reason: message.reason, callId: message.callId });
      }
    },
  };
}
