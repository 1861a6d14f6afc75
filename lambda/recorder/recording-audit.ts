import { type CallRecord, callRecord, type RecordedChannel, type RecordInput } from "./call-record";
import type { Logger } from "./logger";
import { type CountMetric, connectorCount } from "./metrics";
import { recordIndexKey } from "./record-index";
import { checkRecording, type RecordingFormat, type Verification, type VerificationStatus } from "./recording-check";
import type { RecordingStore } from "./recording-store";

/** One recording to check: where it is and what its channels should hold. */
export interface RecordingToCheck {
  key: string;
  format: RecordingFormat;
  /** In file order. */
  channels: RecordedChannel[];
}

export type CheckedVerification = Verification & { checkedAtMs: number };

/** A recording checked for the first time: its status is counted once. */
export interface NewCheck {
  recordingKey: string;
  pipelineArn: string | null;
  verification: CheckedVerification;
}

export interface AuditDependencies {
  store: RecordingStore;
  bucket: string;
  /** Where the records by day go (record-index.ts). */
  indexPrefix: string;
  metricsNamespace: string;
  now: () => number;
  emitMetric: (metric: CountMetric) => void;
}

/** The record's input; the auditor puts in the bucket. */
export type RecordFacts = RecordInput;

export interface RecordingAuditor {
  /** Checks one recording from ranged reads of its header (recording-check.ts). */
  verify(recording: RecordingToCheck): Promise<CheckedVerification>;
  /**
   * Writes the call's record; then, once `keep` has kept the statuses (false: another sweep kept them
   * first), logs and counts each recording `checked` now and, when `countOutcome`, the call's outcome.
   */
  publish(
    facts: RecordFacts,
    recordKey: string,
    checked: readonly NewCheck[],
    countOutcome: boolean,
    log: Logger,
    keep: () => Promise<boolean>,
  ): Promise<CallRecord>;
  /**
   * Writes the record of a call that has no recording, then settles the call with `settle`; counts its
   * outcome only when this attempt settled it (false: a concurrent delivery did, and counts it). Returns
   * whether it settled.
   */
  recordUnrecorded(facts: RecordFacts, recordKey: string, log: Logger, settle: () => Promise<boolean>): Promise<boolean>;
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
  indexPrefix,
  metricsNamespace,
  now,
  emitMetric,
}: AuditDependencies): RecordingAuditor {
  const count = (facts: RecordFacts, name: string, extra: Record<string, string> = {}): void =>
    emitMetric(connectorCount(metricsNamespace, name, facts.voiceConnectorId, new Date(now()), extra));

  async function write(facts: RecordFacts, recordKey: string, log: Logger): Promise<CallRecord> {
    const record = callRecord({ ...facts, recording: { ...facts.recording, bucket } });
    await store.putRecord(recordKey, record);
    // The copy by day is written second: a failure before it is retried as a whole, and writes both again.
    const indexKey = recordIndexKey(indexPrefix, record, now());
    await store.putRecord(indexKey, record);
    log.info("call record written", { outcome: record.outcome, recordKey, indexKey });
    return record;
  }

  // Calls by outcome, whatever outcomes exist: the dashboard searches the Outcome dimension.
  const countOutcome = (facts: RecordFacts, record: CallRecord): void => count(facts, "Calls", { Outcome: record.outcome });

  return {
    async verify({ key, format, channels }) {
      const expected = { channels: channels.length, durationSeconds: callDurationSeconds(channels) };
      const verification = await checkRecording(format, expected, store.reader(key));
      return { ...verification, checkedAtMs: now() };
    },

    async publish(facts, recordKey, checked, outcome, log, keep) {
      const record = await write(facts, recordKey, log);
      if (!(await keep())) return record;
      if (outcome) countOutcome(facts, record);
      for (const { recordingKey, pipelineArn, verification } of checked) {
        count(facts, statusMetric(verification.status));
        const fields = {
          status: verification.status,
          reason: verification.reason,
          recordingKey,
          pipelineArn,
          split: record.split,
        };
        if (verification.status === "verified") log.info("recording verified", fields);
        else log.error(`recording ${verification.status}: ${verification.reason}`, fields);
      }
      return record;
    },

    async recordUnrecorded(facts, recordKey, log, settle) {
      const record = await write(facts, recordKey, log);
      if (!(await settle())) return false;
      countOutcome(facts, record);
      return true;
    },
  };
}
