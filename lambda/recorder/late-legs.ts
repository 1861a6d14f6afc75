import { type Claim, claimToken, durationSeconds, type EndedLeg, recordingRequest } from "./call";
import { type FileSettings, fileNameOf, keysOf } from "./call-files";
import { lateAttribute } from "./call-item";
import type { CallState } from "./call-state";
import type { CallStore } from "./call-store";
import type { Config } from "./config";
import { type DoNotRecordList, numbersOf } from "./do-not-record";
import { RetryableRecordingError } from "./errors";
import { fitFileName } from "./file-names";
import { LOSS_METRICS } from "./leg-timing";
import type { Logger } from "./logger";
import type { MediaPipelines } from "./media-pipelines";
import { checkDueMs } from "./recording-check";
import type { RecordingLedger } from "./recording-ledger";

export interface LateLegDependencies {
  config: Config;
  store: CallStore;
  ledger: RecordingLedger;
  pipelines: MediaPipelines;
  doNotRecord: DoNotRecordList;
  now: () => number;
  count: (name: string, voiceConnectorId: string) => void;
}

/** A reported end later than the inferred one it replaced by more than this means the recording lacks the leg's tail. */
const TRUNCATION_TOLERANCE_MS = 2_000;

/** Legs that reported after their call's recording was claimed: each is recorded on its own. */
export function createLateLegs(deps: LateLegDependencies) {
  const { config, store, ledger, pipelines, doNotRecord, now, count } = deps;
  const files: FileSettings = config;
  const retentionMs = config.dataRetentionHours * 3_600_000;

  const lateEntry = async (callId: string, attribute: string) =>
    (await store.read(callId))?.late.find((late) => late.attribute === attribute);

  /** Records a leg that reported after its call was claimed on its own, in a file named after the leg. */
  async function recordLateLeg(state: CallState, leg: EndedLeg, log: Logger): Promise<void> {
    const name = state.legNames[leg.streamArn];
    const attribute = lateAttribute(name);
    const entry = state.late.find((late) => late.attribute === attribute);
    if (entry?.state === "started") return;
    const base = state.claim?.fileName ?? fileNameOf(files, state, [], now);
    const claim: Claim = entry?.claim ?? {
      recording: attribute,
      attempt: 1,
      outcome: "single_leg",
      streams: [leg],
      channels: [leg.role ?? "unknown"],
      fileName: fitFileName(config, `${base}-${leg.role ?? name}`),
    };
    const token = claimToken(state.voiceConnectorId, state.callId, claim);
    const keys = { recordingKey: keysOf(files, claim.fileName).recordingKey, recordKey: keysOf(files, base).recordKey };
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

  /** Counts, once per leg, an ENDED that came after its end was inferred and later: the recording lacks the leg's tail. */
  async function reportTruncatedLegs(state: CallState, log: Logger): Promise<void> {
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
  }

  /** Legs the call's claim does not hold: each is recorded on its own, or noted (and counted) while it streams. */
  return async function handleLateLegs(state: CallState, log: Logger): Promise<void> {
    const claimed = new Set(state.claimedStreams);
    // A call not to be recorded at all keeps its later legs unrecorded too.
    if (state.outcome === "not_recorded" || state.outcome === "audio_expired") return;
    await reportTruncatedLegs(state, log);
    if ((await doNotRecord.match(numbersOf(state.details), state.callId)) !== undefined) return;
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
  };
}
