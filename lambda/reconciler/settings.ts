/**
 * Which detail records stand for "the calls the connector carried". Whether every call produces a
 * streaming detail record is unconfirmed, so the comparison is one setting:
 * - `streaming`: streaming detail records only, compared by their keys (no object is read);
 * - `streaming_and_call`: those, and each call detail record with `Streaming` true whose call has
 *   no streaming detail record (each such record is read);
 * - `call`: call detail records with `Streaming` true only (every one is read).
 */
export const DETAIL_RECORD_MODES = ["streaming", "streaming_and_call", "call"] as const;
export type DetailRecordMode = (typeof DETAIL_RECORD_MODES)[number];

export interface ReconcilerSettings {
  detailRecords: DetailRecordMode;
  callDetailRecordsBucket: string;
  recordsBucket: string;
  /** Without surrounding slashes. */
  recordsByDayPrefix: string;
  voiceConnectorIds: string[];
  /** Most call detail records one run reads; the rest are reported unread. */
  maxCallDetailReads: number;
  /** Most of the day's records one run reads for their outcome; the rest are reported unread. */
  maxRecordReads: number;
  /** Objects read at once. */
  readConcurrency: number;
}

export const readsStreaming = (mode: DetailRecordMode): boolean => mode !== "call";
export const readsCallDetails = (mode: DetailRecordMode): boolean => mode !== "streaming";
