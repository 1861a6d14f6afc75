import { type CallDetails, type CallRecord, callRecord, type RecordedChannel, type RecordInput } from "./call-record";
import type { Logger } from "./logger";
import type { CountMetric } from "./metrics";
import { checkRecording, type RecordingFormat, type Verification, type VerificationStatus } from "./recording-check";
import type { RecordingStore } from "./recording-store";

/** What the table holds of a call whose pipeline was started, once its check is due. */
export interface StartedCall {
  callId: string;
  details: CallDetails;
  decided: "recorded" | "single_leg";
  /** In file order. */
  channels: RecordedChannel[];
  recordingKey: string;
  recordKey: string;
  format: RecordingFormat;
  pipelineArn: string;
  requestedAtMs: number;
}

/** A call that ended without a pipeline: nothing to check, but it still gets its record. */
export interface UnrecordedCall {
  callId: string;
  details: CallDetails;
  decided: "no_audio" | "audio_expired" | "not_recorded";
  channels: RecordedChannel[];
  recordingKey: string;
  recordKey: string;
  format: RecordingFormat;
}

export interface AuditDependencies {
  store: RecordingStore;
  bucket: string;
  voiceConnectorId: string;
  metricsNamespace: string;
  now: () => number;
  emitMetric: (metric: CountMetric) => void;
}

export interface RecordingAuditor {
  /**
   * Checks the recording and writes the call's record; then, once `keep` has kept the status (false:
   * another sweep kept one first), counts both. Returns the check's result.
   */
  audit(call: StartedCall, log: Logger, keep: (status: VerificationStatus) => Promise<boolean>): Promise<Verification>;
  /**
   * Writes the record of a call that has no recording, then settles the call with `settle`; counts its
   * outcome only when this attempt settled it (false: a concurrent delivery did, and counts it). Returns
   * whether it settled.
   */
  recordUnrecorded(call: UnrecordedCall, log: Logger, settle: () => Promise<boolean>): Promise<boolean>;
}

/** `RecordingsVerified`, `RecordingsShort`, ...: one metric per status. */
const statusMetric = (status: VerificationStatus): string => `Recordings${status[0].toUpperCase()}${status.slice(1)}`;

const callDurationSeconds = (channels: readonly RecordedChannel[]): number =>
  channels.length === 0
    ? 0
    : (Math.max(...channels.map((channel) => channel.endMs)) - Math.min(...channels.map((channel) => channel.startMs))) / 1000;

export function createRecordingAuditor({
  store,
  bucket,
  voiceConnectorId,
  metricsNamespace,
  now,
  emitMetric,
}: AuditDependencies): RecordingAuditor {
  function count(name: string, extra: Record<string, string> = {}): void {
    const dimensions = { VoiceConnectorId: voiceConnectorId, ...extra };
    emitMetric({ namespace: metricsNamespace, name, value: 1, dimensions, timestamp: new Date(now()) });
  }

  async function write(call: StartedCall | UnrecordedCall, record: CallRecord, log: Logger): Promise<void> {
    await store.putRecord(call.recordKey, record);
    log.info("call record written", { outcome: record.outcome, recordKey: call.recordKey });
  }

  const recordOf = (
    call: StartedCall | UnrecordedCall,
    recording: RecordInput["recording"],
    verification: RecordInput["verification"],
  ): CallRecord =>
    callRecord({
      callId: call.callId,
      voiceConnectorId,
      details: call.details,
      decided: call.decided,
      channels: call.channels,
      recording,
      verification,
    });

  // Calls by outcome, whatever outcomes exist: the dashboard searches the Outcome dimension.
  const countOutcome = (record: CallRecord): void => count("Calls", { Outcome: record.outcome });

  return {
    async audit(call, log, keep) {
      const expected = { channels: call.channels.length, durationSeconds: callDurationSeconds(call.channels) };
      const verification = await checkRecording(call.format, expected, store.reader(call.recordingKey));
      const record = recordOf(
        call,
        { bucket, key: call.recordingKey, format: call.format, pipelineArn: call.pipelineArn, requestedAtMs: call.requestedAtMs },
        { ...verification, checkedAtMs: now() },
      );
      await write(call, record, log);
      if (!(await keep(verification.status))) return verification;
      countOutcome(record);
      count(statusMetric(verification.status));
      const fields = {
        status: verification.status,
        reason: verification.reason,
        recordingKey: call.recordingKey,
        pipelineArn: call.pipelineArn,
      };
      if (verification.status === "verified") log.info("recording verified", fields);
      else log.error(`recording ${verification.status}: ${verification.reason}`, fields);
      return verification;
    },

    async recordUnrecorded(call, log, settle) {
      const record = recordOf(
        call,
        { bucket, key: call.recordingKey, format: call.format, pipelineArn: null, requestedAtMs: null },
        null,
      );
      await write(call, record, log);
      if (!(await settle())) return false;
      countOutcome(record);
      return true;
    },
  };
}
