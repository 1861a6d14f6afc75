import { type Claim, claimToken, durationSeconds, recordingRequest } from "./call";
import { type ClaimDependencies, createClosings, isRefusal } from "./call-closings";
import { type FileSettings, keysOf } from "./call-files";
import type { CallState } from "./call-state";
import { numbersOf } from "./do-not-record";
import type { Logger } from "./logger";
import { checkDueMs } from "./recording-check";

/** Acts on a call's claim: its recording is started and the call settled, or the call is closed without one. */
export function createClaimActions(deps: ClaimDependencies) {
  const { config, store, pipelines, doNotRecord, now } = deps;
  const files: FileSettings = config;
  const retentionMs = config.dataRetentionHours * 3_600_000;
  const { closeWithout, refuse } = createClosings(deps);

  /** Closes the call without a pipeline when it must get none: a listed number, no audio, or audio expired. */
  async function closedWithout(state: CallState, claim: Claim, log: Logger): Promise<boolean> {
    // Every path that starts a recording asks the list: the event path, a redriven call and the sweep.
    const listed = await doNotRecord.match(numbersOf(state.details), state.callId);
    if (listed !== undefined) {
      const settledNow = await closeWithout(state, claim, "not_recorded", log, "NotRecorded");
      // The number itself stays out of the log.
      log.info("a number of the call is on the do-not-record list; the call is not recorded", {
        outcome: "not_recorded",
        listed,
        settledNow,
      });
      return true;
    }
    if (claim.outcome === "no_audio") {
      log.warn("no leg of the call produced a stream; closing it without a recording", { outcome: "no_audio" });
      await closeWithout(state, claim, "no_audio", log);
      return true;
    }
    if (now() >= Math.max(...claim.streams.map((leg) => leg.endMs)) + retentionMs) {
      log.error("the call's audio has expired from Kinesis Video Streams (data_retention_hours) before it could be recorded", {
        outcome: "audio_expired",
        dataRetentionHours: config.dataRetentionHours,
      });
      await closeWithout(state, claim, "audio_expired", log, "AudioExpired");
      return true;
    }
    return false;
  }

  /** Starts the claim's pipeline with its token and settles the call, listing its recording for its check. */
  async function startRecording(state: CallState, claim: Claim, log: Logger, deadLetter: string): Promise<void> {
    const { streams, channels } = claim;
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
    const check = {
      dueMs:
        config.recordingCheckDelaySeconds === null
          ? checkDueMs(requestedAtMs, durationSeconds(streams))
          : requestedAtMs + config.recordingCheckDelaySeconds * 1000,
      ...keysOf(files, claim.fileName),
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

  return {
    /** Acts on the call's claim: exactly its legs are recorded, with its token, or the call is closed without audio. */
    async actOnClaim(state: CallState, claim: Claim, log: Logger, deadLetter: string): Promise<void> {
      if (await closedWithout(state, claim, log)) return;
      await startRecording(state, claim, log, deadLetter);
    },
  };
}
