import { type ChannelRole, channelOrder, type Decision, decide, type EndedLeg, fitFileName, recordingRequest } from "./call";
import { type CallDetails, type RecordedChannel, recordingFileName, recordingKey, recordKey } from "./call-record";
import type { CallStore, DueCheck, PendingCall, StoreResult } from "./call-store";
import type { Config } from "./config";
import type { DeadLetters } from "./dead-letters";
import { type DoNotRecordList, EMPTY_LIST, type ListedParty } from "./do-not-record";
import {
  DeadlineExceededError,
  MalformedEventError,
  type RecordingError,
  RejectedRecordingError,
  RetryableRecordingError,
} from "./errors";
import { type InboundMessage, parseMessage, retryMessage } from "./events";
import type { Logger } from "./logger";
import type { MediaPipelines } from "./media-pipelines";
import type { CountMetric } from "./metrics";
import type { RecordingAuditor, StartedCall } from "./recording-audit";
import { checkDueMs } from "./recording-check";
import { REQUEST_BUDGET_MS, RESPONSE_MARGIN_MS } from "./request-bounds";

/** Most pending calls one sweep reads; the backlog metric says when there are more. */
const MAX_PENDING_READ = 5_000;
/** Keeps a sweep from bursting into the pipeline quota and the API's throttling. */
const SWEEP_CONCURRENCY = 5;
/**
 * The most requests one call of a sweep makes in sequence: a recording's check (three ranged reads,
 * the record's PutObject, the UpdateItem that keeps its status). Trying a call makes at most four:
 * CreateMediaInsightsPipeline, then for a refusal an UpdateItem, the dead letter's SendMessage and an
 * UpdateItem, or the record's PutObject and an UpdateItem; a failed try ends with the UpdateItem that
 * puts it off.
 */
const MAX_SWEEP_CALL_REQUESTS = 5;
/**
 * A sweep starts no call with less than this left before the invocation's deadline, so that a call
 * started just before the cutoff finishes even if each of its requests takes its whole budget:
 * 3 s to respond + 5 requests x 7 s = 38 s. The next sweep takes the rest.
 */
export const SWEEP_RESERVE_MS = RESPONSE_MARGIN_MS + MAX_SWEEP_CALL_REQUESTS * REQUEST_BUDGET_MS;
/** The longest wait between two sweep tries of a failing call. */
const MAX_RETRY_DELAY_MS = 3_600_000;
/** Most recordings one sweep checks: 3,000 calls an hour end about 250 to a 5-minute sweep. */
const MAX_CHECKS_PER_SWEEP = 1_000;
/** A check is two or three short S3 requests and one UpdateItem, none against the pipeline quota. */
const CHECK_CONCURRENCY = 10;

/** Why an event was acknowledged without effect; the `Reason` dimension of `DroppedEvents`. */
export type DropReason = "malformed" | "foreign_connector";

/**
 * The service's refusals: no number of retries over hours makes them succeed, so the call goes to
 * the dead-letter queue at once (its alarm fires within minutes) instead of after 70 receives.
 */
const REFUSALS = new Set(["BadRequestException", "ForbiddenException", "NotFoundException", "UnauthorizedClientException"]);

const isRefusal = (error: unknown): error is RejectedRecordingError =>
  error instanceof RejectedRecordingError && error.operation === "CreateMediaInsightsPipeline" && REFUSALS.has(error.errorName);

export interface RecorderDependencies {
  config: Config;
  store: CallStore;
  pipelines: MediaPipelines;
  deadLetters: DeadLetters;
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

const fields = (error: RecordingError) => ({
  callId: error.callId,
  operation: error.operation,
  errorName: error.errorName,
});

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

export function createRecorder({
  config,
  store,
  pipelines,
  deadLetters,
  now,
  emitMetric,
  doNotRecord = EMPTY_LIST,
  auditor,
}: RecorderDependencies): Recorder {
  const retentionMs = config.dataRetentionHours * 3_600_000;

  /** The call's file name from recording_file_name; its date and time are the earliest leg's start. */
  function namesOf(callId: string, details: CallDetails, legs: readonly EndedLeg[]) {
    // A call without legs has no start: the time it is closed stands in.
    const startMs = legs.length === 0 ? now() : Math.min(...legs.map((leg) => leg.startMs));
    const fileName = fitFileName(config, recordingFileName(config.recordingFileName, { callId, startMs, details }));
    return {
      fileName,
      recordingKey: recordingKey(config, fileName, config.recordingFormat),
      recordKey: recordKey(config, fileName),
    };
  }

  const channelsOf = (streams: readonly EndedLeg[], roles: readonly ChannelRole[]): RecordedChannel[] =>
    streams.map((leg, index) => ({
      role: roles[index] ?? "unknown",
      streamArn: leg.streamArn,
      startMs: leg.startMs,
      endMs: leg.endMs,
    }));

  /**
   * Writes the record of a call that gets no pipeline, then settles the call with that outcome: the record
   * first, so a failed write is retried. Returns whether this attempt settled the call (only then is it counted).
   */
  async function recordUnrecorded(
    callId: string,
    details: CallDetails,
    decided: "no_audio" | "audio_expired" | "not_recorded",
    legs: readonly EndedLeg[],
    log: Logger,
  ): Promise<boolean> {
    const { streams, channels } = channelOrder(legs);
    const names = namesOf(callId, details, legs);
    return auditor.recordUnrecorded(
      {
        callId,
        details,
        decided,
        channels: channelsOf(streams, channels),
        recordingKey: names.recordingKey,
        recordKey: names.recordKey,
        format: config.recordingFormat,
      },
      log,
      () => store.settle(callId, { outcome: decided }, now()),
    );
  }

  function count(name: string): void {
    emitMetric({
      namespace: config.metricsNamespace,
      name,
      value: 1,
      dimensions: { VoiceConnectorId: config.voiceConnectorId },
      timestamp: new Date(now()),
    });
  }

  async function expire(
    callId: string,
    details: CallDetails,
    legs: readonly EndedLeg[],
    log: Logger,
    refusal?: RecordingError,
  ): Promise<void> {
    log.error("the call's audio has expired from Kinesis Video Streams (data_retention_hours) before it could be recorded", {
      outcome: "audio_expired",
      dataRetentionHours: config.dataRetentionHours,
      errorName: refusal?.errorName,
    });
    if (await recordUnrecorded(callId, details, "audio_expired", legs, log)) count("AudioExpired");
  }

  /**
   * `deadLetter` is what a redrive must deliver to record the call: the event that completed it, or
   * for the sweep a retry message naming it.
   */
  async function refuse(
    callId: string,
    details: CallDetails,
    streams: readonly EndedLeg[],
    refusal: RecordingError,
    deadLetter: string,
    log: Logger,
  ): Promise<void> {
    // Some of the audio is gone: that, not the request, is why it was refused (unconfirmed which
    // error the service answers then), and a redrive cannot help.
    if (now() >= Math.min(...streams.map((leg) => leg.startMs)) + retentionMs)
      return expire(callId, details, streams, log, refusal);
    // Marked first, still pending: a call settled meanwhile gets no dead letter, and one whose dead
    // letter is never sent (the send fails and is rethrown, or the invocation is lost) is tried again.
    const nowMs = now();
    if (!(await store.markRefused(callId, refusal.errorName, nowMs, nowMs + config.sweepRetrySeconds * 1000))) {
      log.info("the call was settled or dead-lettered by a concurrent attempt; no dead letter", fields(refusal));
      return;
    }
    await deadLetters.send(callId, deadLetter, refusal);
    log.error(`${refusal.message}; the call is in the dead-letter queue: fix the cause, then redrive it`, fields(refusal));
    try {
      await store.markDeadLettered(callId);
    } catch (error) {
      log.warn("the dead-lettered call stays pending: a later sweep refused again dead-letters it a second time", { error });
    }
  }

  /** Settles a call with a listed number as not_recorded; its audio expires from Kinesis Video Streams unrecorded. */
  async function notRecorded(
    callId: string,
    details: CallDetails,
    legs: readonly EndedLeg[],
    listed: ListedParty,
    log: Logger,
  ): Promise<void> {
    const settledNow = await recordUnrecorded(callId, details, "not_recorded", legs, log);
    // The number itself stays out of the log.
    log.info("a number of the call is on the do-not-record list; the call is not recorded", {
      outcome: "not_recorded",
      listed,
      settledNow,
    });
    if (settledNow) count("NotRecorded");
  }

  async function act(callId: string, decision: Decision, details: CallDetails, log: Logger, deadLetter: string): Promise<void> {
    if (decision.action === "wait") {
      log.debug("waiting for the other leg's ENDED or FAILED event, or the sweep");
      return;
    }
    if (decision.action === "close") {
      log.warn("no leg of the call produced a stream; closing it without a recording", { outcome: decision.outcome });
      await recordUnrecorded(callId, details, decision.outcome, [], log);
      return;
    }
    const { outcome, streams, channels } = decision;
    // Every path that starts a recording asks the list: the event path, a redriven call and the sweep,
    // which may record a lone leg listed after its ENDED was stored.
    const listed = await doNotRecord.match(
      { fromNumber: details.fromNumber ?? undefined, toNumber: details.toNumber ?? undefined },
      callId,
    );
    if (listed !== undefined) return notRecorded(callId, details, streams, listed, log);
    if (outcome === "single_leg") {
      log.warn("recording a single leg because the other failed or never reported; the WAV has one channel", {
        streamArn: streams[0].streamArn,
      });
    }
    if (channels.includes("unknown")) {
      log.warn(
        "channel roles are unknown (the events carry no isCaller: SIPREC without recording metadata); channels are in stream start order",
        {
          streamArns: streams.map((leg) => leg.streamArn),
        },
      );
    }
    if (now() >= Math.max(...streams.map((leg) => leg.endMs)) + retentionMs) return expire(callId, details, streams, log);
    const names = namesOf(callId, details, streams);
    let pipelineArn: string | undefined;
    try {
      pipelineArn = await pipelines.startRecording(callId, recordingRequest(callId, streams, config, names.fileName));
    } catch (error) {
      if (isRefusal(error)) return refuse(callId, details, streams, error, deadLetter, log);
      throw error;
    }
    const requestedAtMs = now();
    const durationSeconds =
      (Math.max(...streams.map((leg) => leg.endMs)) - Math.min(...streams.map((leg) => leg.startMs))) / 1000;
    const check = {
      dueMs:
        config.recordingCheckDelaySeconds === null
          ? checkDueMs(requestedAtMs, durationSeconds)
          : requestedAtMs + config.recordingCheckDelaySeconds * 1000,
      recordingKey: names.recordingKey,
      recordKey: names.recordKey,
      format: config.recordingFormat,
      streamArns: streams.map((leg) => leg.streamArn),
    };
    const settledNow = await store.settle(callId, { outcome, pipelineArn, channels, check }, requestedAtMs);
    log.info(settledNow ? "recording started" : "recording was already settled by a concurrent attempt", {
      pipelineArn,
      outcome,
      channels,
    });
  }

  async function onLegEvent(
    message: Extract<InboundMessage, { kind: "ended" | "failed" }>,
    body: string,
    log: Logger,
  ): Promise<void> {
    if (message.voiceConnectorId !== config.voiceConnectorId) {
      // The streaming rule matches this connector only: such an event means the rule or the
      // queue's senders changed.
      log.warn("event from another voice connector dropped", { voiceConnectorId: message.voiceConnectorId });
      countDropped("foreign_connector");
      return;
    }
    // Read before the leg is stored: a list that cannot be read leaves nothing for the sweep to record.
    const listed = message.kind === "ended" ? await doNotRecord.match(message, message.callId) : undefined;
    let stored: StoreResult;
    if (message.kind === "failed") {
      log.warn("media streaming of a leg of the call failed", { failureReason: message.failureReason });
      stored = await store.storeFailure(message.callId, message.failedMs, message.eventKey, message.details, now());
    } else {
      stored = await store.storeEnded(message.callId, message.leg, message.details, now());
    }
    if (stored.status === "settled") {
      if (message.kind === "ended" && (await store.noteLateLeg(message.callId, message.leg)) === "late") {
        // Delayed past LEG_WAIT_SECONDS (see README): the sweep recorded the call without it.
        log.warn("a leg ended after its call was settled; its audio is not in the recording", {
          streamArn: message.leg.streamArn,
        });
        count("LateLegs");
        return;
      }
      log.info("call already settled; event absorbed", { event: message.kind });
      return;
    }
    if (listed !== undefined) return notRecorded(message.callId, stored.details, stored.legs.ended, listed, log);
    await act(message.callId, decide(stored.legs, "may-arrive"), stored.details, log, body);
  }

  async function onRetry(message: Extract<InboundMessage, { kind: "retry" }>, body: string, log: Logger): Promise<void> {
    if (message.voiceConnectorId !== config.voiceConnectorId) {
      log.warn("retry of another voice connector's call dropped", { voiceConnectorId: message.voiceConnectorId });
      countDropped("foreign_connector");
      return;
    }
    const stored = await store.reopen(message.callId, now());
    if (stored.status === "settled") {
      log.info("redriven call already settled or expired from the table; nothing to do");
      return;
    }
    await act(message.callId, decide(stored.legs, "lost"), stored.details, log, body);
  }

  /** Doubles from SWEEP_RETRY_SECONDS with each failed attempt, up to MAX_RETRY_DELAY_MS. */
  const retryDelayMs = (attempts: number): number =>
    Math.min(config.sweepRetrySeconds * 1000 * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);

  function backlog(calls: readonly PendingCall[], log: Logger): void {
    const nowMs = now();
    const oldestMs = Math.min(nowMs, ...calls.map((call) => call.firstEventMs));
    const dimensions = { VoiceConnectorId: config.voiceConnectorId };
    const timestamp = new Date(nowMs);
    emitMetric({ namespace: config.metricsNamespace, name: "PendingCalls", value: calls.length, dimensions, timestamp });
    emitMetric({
      namespace: config.metricsNamespace,
      name: "OldestPendingCallAge",
      value: Math.round((nowMs - oldestMs) / 1000),
      unit: "Seconds",
      dimensions,
      timestamp,
    });
    if (calls.length >= MAX_PENDING_READ) log.warn("the backlog is larger than one sweep reads", { read: calls.length });
  }

  /**
   * Tries every due call, the earliest due first, while the invocation has time; a call whose try
   * fails is put off with a doubling delay, so it never holds up calls behind it. Never rejects:
   * the next scheduled sweep is its retry, and a sweep message returned to the queue would only
   * multiply sweeps.
   */
  async function sweep(log: Logger, deadlineMs: number): Promise<void> {
    const calls = await store.findPending(MAX_PENDING_READ);
    backlog(calls, log);
    const due = calls.filter((call) => call.dueMs <= now());
    const tally = { recorded: 0, failed: 0, leftForNextSweep: 0 };
    const unrecorded = await attemptAll(due, SWEEP_CONCURRENCY, async (call) => {
      if (now() > deadlineMs - SWEEP_RESERVE_MS) {
        tally.leftForNextSweep += 1;
        return;
      }
      const callLog = log.with({ callId: call.callId });
      try {
        await act(
          call.callId,
          decide(call.legs, "lost"),
          call.details,
          callLog,
          retryMessage(call.callId, config.voiceConnectorId),
        );
        tally.recorded += 1;
      } catch (error) {
        tally.failed += 1;
        const attempts = call.attempts + 1;
        const delayMs = retryDelayMs(attempts);
        callLog.warn("the sweep will try the call again later", { attempts, retryInSeconds: delayMs / 1000, error });
        await store.defer(call.callId, attempts, now() + delayMs, call.firstEventMs);
      }
    });
    for (const error of unrecorded) log.error("the sweep could not put off a failed call; it stays due", { error });
    log.info("sweep finished", { pending: calls.length, due: due.length, ...tally });
    await checkRecordings(log, deadlineMs);
  }

  /** The recording as started: the streams the request named, in file order, with their roles. */
  function startedCall(call: DueCheck): StartedCall {
    const byArn = new Map(call.legs.ended.map((leg) => [leg.streamArn, leg]));
    const streams = call.streamArns.flatMap((arn) => byArn.get(arn) ?? []);
    return {
      callId: call.callId,
      details: call.details,
      decided: call.outcome,
      channels: channelsOf(streams, call.channels),
      recordingKey: call.recordingKey,
      recordKey: call.recordKey,
      format: call.format,
      pipelineArn: call.pipelineArn,
      requestedAtMs: call.requestedAtMs,
    };
  }

  /**
   * Checks every recording whose check is due, writes its record, and keeps its status. A check that
   * fails is counted (RecordingChecksFailed) and put off with a doubling delay, as a failed call is,
   * so that checks that keep failing never hold up the ones behind them.
   */
  async function checkRecordings(log: Logger, deadlineMs: number): Promise<void> {
    const due = await store.findDueChecks(now(), MAX_CHECKS_PER_SWEEP);
    const tally = { checked: 0, failed: 0, leftForNextSweep: 0 };
    const unchecked = await attemptAll(due, CHECK_CONCURRENCY, async (call) => {
      if (now() > deadlineMs - SWEEP_RESERVE_MS) {
        tally.leftForNextSweep += 1;
        return;
      }
      const callLog = log.with({ callId: call.callId });
      try {
        await auditor.audit(startedCall(call), callLog, (status) => store.markChecked(call.callId, status, now()));
        tally.checked += 1;
      } catch (error) {
        tally.failed += 1;
        count("RecordingChecksFailed");
        const attempts = call.checkAttempts + 1;
        const delayMs = retryDelayMs(attempts);
        // A refusal (the bucket gone, access denied to it or its key) repeats until someone acts.
        if (error instanceof RejectedRecordingError) {
          callLog.error(
            `${error.message}; the recording cannot be checked nor its record written until the bucket or the role is fixed`,
            { operation: error.operation, errorName: error.errorName, attempts, retryInSeconds: delayMs / 1000 },
          );
        } else {
          callLog.warn("a recording's check failed; a later sweep checks it again", {
            attempts,
            retryInSeconds: delayMs / 1000,
            error,
          });
        }
        await store.deferCheck(call.callId, attempts, now() + delayMs);
      }
    });
    for (const error of unchecked) log.error("the sweep could not put off a failed check; it stays due", { error });
    if (due.length > 0) log.info("recordings checked", { due: due.length, ...tally });
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
    count("PermanentPipelineFailures");
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
      case "ended":
      case "failed":
        return onLegEvent(message, body, log.with({ callId: message.callId }));
      case "retry":
        return onRetry(message, body, log.with({ callId: message.callId }));
      case "pipeline-failure":
        return onPipelineFailure(message, log);
      case "sweep":
        return sweep(log, deadlineMs).catch((error: unknown) => {
          log.error("the sweep failed; the next scheduled sweep tries again", { error });
          count("SweepFailures");
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
          count("SweepFailures");
        });
      }
      return settleBy(work, delayMs, () => {
        throw new DeadlineExceededError();
      });
    },
  };
}
