import { type DetailRecordKey, sameCall } from "./detail-record-keys";
import type { DetailRecordMode } from "./settings";

export interface CallDetailReads {
  /** The call detail records to read, at most the bound; the reconciled day's first. */
  read: DetailRecordKey[];
  /** Those past the bound: reported, since each may be a call without a record. */
  unread: DetailRecordKey[];
}

/**
 * Which call detail records to read (a GET each): in `streaming_and_call` only those of calls no
 * streaming detail record names, in `call` all of them.
 */
export function callDetailReads(
  mode: DetailRecordMode,
  day: string,
  streaming: readonly DetailRecordKey[],
  call: readonly DetailRecordKey[],
  maxReads: number,
): CallDetailReads {
  if (mode === "streaming") return { read: [], unread: [] };
  const streamed = new Set(streaming.map((record) => sameCall(record.transactionId)));
  const wanted = call
    .filter((record) => mode === "call" || !streamed.has(sameCall(record.transactionId)))
    .sort((a, b) => Number(b.day === day) - Number(a.day === day));
  return { read: wanted.slice(0, maxReads), unread: wanted.slice(maxReads) };
}

/**
 * Whether a call detail record says the call's media streamed: `Streaming` true (or "true", as the
 * guide's table quotes every value); null when the member is missing or of another kind.
 */
export function streamedCall(body: string): boolean | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const value = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>).Streaming : undefined;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return null;
}
