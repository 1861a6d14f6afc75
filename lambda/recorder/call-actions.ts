import {
  CALL_RECORDING,
  type Claim,
  claimToken,
  decide,
  type EndedLeg,
  fitFileName,
  type MissingLegs,
  type OpenLeg,
  recordingRequest,
} from "./call";
import { lateAttribute } from "./call-item";
import { recordingFileName, recordingKey, recordKey } from "./call-record";
import type { CallState, CallStore } from "./call-store";
import type { Config } from "./config";
import type { DeadLetters } from "./dead-letters";
import type { DoNotRecordList } from "./do-not-record";
import { type RecordingError, RejectedRecordingError, RetryableRecordingError } from "./errors";
import { retryMessage } from "./events";
import { LOSS_METRICS } from "./leg-timing";
import type { Logger } from "./logger";
import type { MediaPipelines } from "./media-pipelines";
import { factsOf } from "./record-facts";
import type { RecordingAuditor } from "./recording-audit";
import { checkDueMs } from "./recording-check";
import type { RecordingLedger } from "./recording-ledger";

/** What became of a call: acted on, waiting for events, or open legs whose end must be read off their streams. */
export type Progress = { kind: "done" } | { kind: "wait" } | { kind: "scan"; open: OpenLeg[] };

export interface ActionDependencies {
  config: Config;
  store: CallStore;
  ledger: RecordingLedger;
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

const isRefusal = (error: unknown): error is RejectedRecordingError =>
  error instanceof RejectedRecordingError && error.operation === "CreateMediaInsightsPipeline" && REFUSALS.has(error.errorName);

/** A reported end later than the inferred one it replaced by more than this means the recording lacks the leg's tail. */
const TRUNCATION_TOLERANCE_MS = 2_000;

const durationSeconds = (legs: readonly EndedLeg[]): number =>
  (Math.max(...legs.map((leg) => leg.endMs)) - Math.min(...legs.map((leg) => leg.startMs))) / 1000;

/** Claims and records calls: the one path the event handlers, the sweep and redrives share. */
export function createCallActions(deps: ActionDependencies) {
  const { config, store, ledger, pipelines, deadLetters, doNotRecord, auditor, now, count } = deps;
  const retentionMs = config.dataRetentionHours * 3_600_000;

  /** The call's file name from recording_file_name; its date and time are the earliest known leg's start. */
  function fileNameOf(state: CallState, streams: readonly EndedLeg[]): string {
    const legs = streams.length > 0 ? streams : [...state.legs.ended, ...state.legs.open];
    // A call without legs has no start: the time it is closed stands in.
    const startMs = legs.length === 0 ? now() : Math.min(...legs.map((leg) => leg.startMs));
    return fitFileName(
      config,
      recordingFileName(config.recordingFileName, { callId: state.callId, startMs, details: state.details }),
    );
  }

  const keysOf = (fileName: string) => ({
    recordingKey: recordingKey(config, fileName, config.recordingFormat),
    recordKey: recordKey(config, fileName),
  });

  const numbersOf = (state: CallState) => ({
    fromNumber: state.details.fromNumber ?? undefined,
    toNumber: state.details.toNumber ?? undefined,
  });

  /** Writes the record of a claim that gets no pipeline, then settles it; counts `metric` when this attempt settled it. */
  async function closeWithout(
    state: CallState,
    claim: Claim,
    decided: "no_audio" | "audio_expired" | "not_recorded",
    log: Logger,
    metric?: string,
  ): Promise<boolean> {
    const token = claimToken(state.voiceConnectorId, state.callId, claim);
    const keys = keysOf(claim.fileName);
    const facts = factsOf(state, { decided, claim, recordingKey: keys.recordingKey, format: config.recordingFormat });
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

  /** Acts on the call's claim: exactly its legs are recorded, with its token, or the call is closed without audio. */
  async function actOnClaim(state: CallState, claim: Claim, log: Logger, deadLetter: string): Promise<void> {
    // Every path that starts a recording asks the list: the event path, a redriven call and the sweep.
    const listed = await doNotRecord.match(numbersOf(state), state.callId);
    if (listed !== undefined) {
      const settledNow = await closeWithout(state, claim, "not_recorded", log, "NotRecorded");
      // The number itself stays out of the log.
      log.info("a number of the call is on the do-not-record list; the call is not recorded", {
        outcome: "not_recorded",
        listed,
        settledNow,
      });
      return;
    }
    if (claim.outcome === "no_audio") {
      log.warn("no leg of the call produced a stream; closing it without a recording", { outcome: "no_audio" });
      await closeWithout(state, claim, "no_audio", log);
      return;
    }
    const { streams, channels } = claim;
    if (now() >= Math.max(...streams.map((leg) => leg.endMs)) + retentionMs) {
      log.error("the call's audio has expired from Kinesis Video Streams (data_retention_hours) before it could be recorded", {
        outcome: "audio_expired",
        dataRetentionHours: config.dataRetentionHours,
      });
      await closeWithout(state, claim, "audio_expired", log, "AudioExpired");
      return;
    }
    if (claim.outcome === "single_leg") {
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
    let pipelineArn: string | undefined;
    try {
      pipelineArn = await pipelines.startRecording(
        state.callId,
        recordingRequest(state.callId, state.voiceConnectorId, claim, config),
      );
    } catch (error) {
      if (isRefusal(error)) return refuse(state, claim, error, deadLetter, log);
      throw error;
    }
    const requestedAtMs = now();
    const keys = keysOf(claim.fileName);
    const check = {
      dueMs:
        config.recordingCheckDelaySeconds === null
          ? checkDueMs(requestedAtMs, durationSeconds(streams))
          : requestedAtMs + config.recordingCheckDelaySeconds * 1000,
      ...keys,
      format: config.recordingFormat,
    };
    const token = claimToken(state.voiceConnectorId, state.callId, claim);
    const settledNow = await store.settle(
      state.callId,
      token,
      {
        outcome: claim.outcome,
        attempt: claim.attempt,
        pipelineArn,
        channels,
        streamArns: streams.map((leg) => leg.streamArn),
        check,
      },
      requestedAtMs,
    );
    log.info(settledNow ? "recording started" : "recording was already settled by a concurrent attempt", {
      pipelineArn,
      outcome: claim.outcome,
      channels,
      attempt: claim.attempt,
    });
  }

  const lateEntry = async (callId: string, attribute: string) =>
    (await store.read(callId))?.late.find((late) => late.attribute === attribute);

  /** Records a leg that reported after its call was claimed on its own, in a file named after the leg. */
  async function recordLateLeg(state: CallState, leg: EndedLeg, log: Logger): Promise<void> {
    const name = state.legNames[leg.streamArn];
    const attribute = lateAttribute(name);
    const entry = state.late.find((late) => late.attribute === attribute);
    if (entry?.state === "started") return;
    const base = state.claim?.fileName ?? fileNameOf(state, []);
    const claim: Claim = entry?.claim ?? {
      recording: attribute,
      attempt: 1,
      outcome: "single_leg",
      streams: [leg],
      channels: [leg.role ?? "unknown"],
      fileName: fitFileName(config, `${base}-${leg.role ?? name}`),
    };
    const token = claimToken(state.voiceConnectorId, state.callId, claim);
    const keys = { recordingKey: keysOf(claim.fileName).recordingKey, recordKey: keysOf(base).recordKey };
    if (entry?.state !== "claimed") {
      const claimed = await ledger.claimLate(state.callId, attribute, claim, token, keys, now());
      if (claimed === "new") count(LOSS_METRICS.lateLegs, state.voiceConnectorId);
      // Claimed first by a concurrent delivery, or by this one when its response was lost: the same
      // claim (deterministic) goes on; another state is that delivery's to finish.
      if (claimed === null && (await lateEntry(state.callId, attribute))?.state !== "claimed") return;
    }
    if (now() >= leg.endMs + retentionMs) {
      log.error("a late leg's audio has expired from Kinesis Video Streams; it is not recorded", { streamArn: leg.streamArn });
      count("AudioExpired", state.voiceConnectorId);
      return;
    }
    const pipelineArn = await pipelines.startRecording(
      state.callId,
      recordingRequest(state.callId, state.voiceConnectorId, claim, config),
    );
    const dueMs = checkDueMs(now(), durationSeconds([leg]));
    if (!(await ledger.settleLate(state.callId, attribute, token, pipelineArn, now(), dueMs))) {
      if ((await lateEntry(state.callId, attribute))?.state === "started") return;
      // The call's own claim is not settled yet: the event comes back, with the same token then.
      throw new RetryableRecordingError(new Error("the call's own recording is not settled yet"), {
        callId: state.callId,
        operation: "UpdateItem",
      });
    }
    log.warn(
      "a leg reported after its call's recording was claimed: it is recorded on its own, and the call's record says it was split",
      {
        streamArn: leg.streamArn,
        pipelineArn,
        recordingKey: keys.recordingKey,
      },
    );
  }

  /** Legs the call's claim does not hold: each is recorded on its own, or noted (and counted) while it streams. */
  async function handleLateLegs(state: CallState, log: Logger): Promise<void> {
    const claimed = new Set(state.claimedStreams);
    // A call not to be recorded at all keeps its later legs unrecorded too.
    if (state.outcome === "not_recorded" || state.outcome === "audio_expired") return;
    const claimedLegs = new Map(state.claim?.streams.map((leg) => [leg.streamArn, leg]));
    for (const leg of state.legs.ended) {
      const claimedLeg = claimedLegs.get(leg.streamArn);
      if (
        claimedLeg?.endSource === "inferred" &&
        leg.endSource === undefined &&
        leg.endMs > claimedLeg.endMs + TRUNCATION_TOLERANCE_MS &&
        // Once per leg, however often its ENDED or the call's later events are delivered.
        (await ledger.noteOnce(state.callId, `tail_lost_${state.legNames[leg.streamArn]}`))
      ) {
        log.error("a leg's ENDED came after its end was inferred, and later: the recording lacks the leg's tail", {
          streamArn: leg.streamArn,
          inferredEnd: new Date(claimedLeg.endMs).toISOString(),
          reportedEnd: new Date(leg.endMs).toISOString(),
        });
        count(LOSS_METRICS.lateLegs, state.voiceConnectorId);
      }
    }
    if ((await doNotRecord.match(numbersOf(state), state.callId)) !== undefined) return;
    for (const leg of state.legs.ended) if (!claimed.has(leg.streamArn)) await recordLateLeg(state, leg, log);
    for (const leg of state.legs.open) {
      if (claimed.has(leg.streamArn)) continue;
      const attribute = lateAttribute(state.legNames[leg.streamArn]);
      if (state.late.some((late) => late.attribute === attribute)) continue;
      if (await ledger.noteLateLeg(state.callId, attribute, leg.streamArn)) {
        count(LOSS_METRICS.lateLegs, state.voiceConnectorId);
        log.warn("a leg started after its call's recording was claimed; it is recorded on its own when its ENDED comes", {
          streamArn: leg.streamArn,
        });
      }
    }
  }

  return {
    actOnClaim,

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
        fileName: fileNameOf(state, streams),
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
