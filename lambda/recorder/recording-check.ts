import { RANGE_START_MARGIN_MS } from "./leg-timing";
import { type OpusHead, opusDurationSeconds, readOpusHead } from "./ogg-opus";
import { scanWav, type WavScan } from "./wav-header";

/**
 * Checks a recording from ranged reads of its first bytes (and, for Opus, its last page), never the
 * whole file: a header says how many channels, at what rate, and how much audio follows.
 */

export type RecordingFormat = "Wav" | "Opus";

/** `missing` is decided by the caller: nothing at the key a set time after the pipeline started. */
export type VerificationStatus = "verified" | "short" | "empty" | "malformed" | "missing";

export interface Verification {
  status: VerificationStatus;
  /** Size of the object; null when it is missing. */
  bytes: number | null;
  channels: number | null;
  sampleRateHz: number | null;
  durationSeconds: number | null;
  /** Why the status is not `verified`, in words for the log and the record. */
  reason: string | null;
}

export interface Expectation {
  /** Channels the request asked for: one per stream. */
  channels: number;
  /** The call's duration from its legs' times. */
  durationSeconds: number;
}

/** The first read: enough for the RIFF header, `fmt ` and the usual `LIST` chunk before `data`. */
export const HEADER_READ_BYTES = 4096;
/** An Ogg page is at most 65,307 bytes; the last one (end of stream) is usually far smaller. */
const TAIL_READ_BYTES = 8192;

/**
 * Audio may fall short of the legs' times by a partial first or last Kinesis Video fragment, hence
 * 2 s, and by packets the connector lost and the pipeline may not fill with silence (unconfirmed),
 * hence 2 % of calls over 100 s.
 */
export function durationTolerance(durationSeconds: number): number {
  return Math.max(2, durationSeconds * 0.02);
}

/**
 * The requested range starts RANGE_START_MARGIN_MS early and is rounded outward to whole seconds at
 * both ends, so audio may run up to that margin and 2 s longer than the legs.
 */
const RANGE_ROUNDING_SECONDS = RANGE_START_MARGIN_MS / 1000 + 2;

/**
 * When a recording that has not landed counts as missing: the pipeline reads an ended call from
 * Kinesis Video Streams, at worst (unconfirmed) as slowly as it was spoken, and stops after 8 hours
 * whatever happens; 15 minutes more cover the 15 s idle stop and the upload. Counted from the
 * pipeline's start, not the call's end, since the 20-pipeline quota can delay a start by hours.
 */
const MISSING_GRACE_MS = 15 * 60_000;
const PIPELINE_LIFETIME_MS = 8 * 3_600_000;

export function checkDueMs(requestedAtMs: number, callDurationSeconds: number): number {
  return requestedAtMs + Math.min(callDurationSeconds * 1000, PIPELINE_LIFETIME_MS) + MISSING_GRACE_MS;
}

const missingHeader = { channels: null, sampleRateHz: null, durationSeconds: null };

/** What a malformed file's header did say, for the record. */
const heard = (format?: { channels: number; sampleRateHz: number }): Partial<Verification> =>
  format === undefined ? {} : { channels: format.channels, sampleRateHz: format.sampleRateHz };

function missing(): Verification {
  return { status: "missing", bytes: null, ...missingHeader, reason: "no object at the recording's key" };
}

function malformed(bytes: number, reason: string, known: Partial<Verification> = {}): Verification {
  return { status: "malformed", bytes, ...missingHeader, ...known, reason };
}

/** Compares what the header says with what the call should have given. */
function judge(
  bytes: number,
  found: { channels: number; sampleRateHz: number; durationSeconds: number },
  expected: Expectation,
): Verification {
  const result = { bytes, ...found, durationSeconds: Math.round(found.durationSeconds * 1000) / 1000 };
  if (found.channels !== expected.channels) {
    return { ...result, status: "malformed", reason: `${found.channels} channels, expected ${expected.channels}` };
  }
  if (found.durationSeconds <= 0) return { ...result, status: "empty", reason: "the file holds no audio" };
  const tolerance = durationTolerance(expected.durationSeconds);
  if (found.durationSeconds < expected.durationSeconds - tolerance) {
    return {
      ...result,
      status: "short",
      reason: `${result.durationSeconds} s of audio for a ${expected.durationSeconds} s call (tolerance ${tolerance} s)`,
    };
  }
  if (found.durationSeconds > expected.durationSeconds + RANGE_ROUNDING_SECONDS + tolerance) {
    // More audio than the call lasted: not this call's recording alone (for example a neighbouring call's audio).
    return {
      ...result,
      status: "malformed",
      reason: `${result.durationSeconds} s of audio for a ${expected.durationSeconds} s call (tolerance ${tolerance} s)`,
    };
  }
  return { ...result, status: "verified", reason: null };
}

function judgeOpus(
  head: Extract<OpusHead, { kind: "head" }>,
  tail: Uint8Array,
  objectBytes: number,
  expected: Expectation,
): Verification {
  const known = { channels: head.channels, sampleRateHz: head.inputSampleRateHz || null };
  const durationSeconds = opusDurationSeconds(tail, head.preSkip);
  if (durationSeconds === null) return malformed(objectBytes, "no Ogg page in the file's last bytes", known);
  return judge(objectBytes, { channels: head.channels, sampleRateHz: head.inputSampleRateHz, durationSeconds }, expected);
}

function judgeWav(scan: Exclude<WavScan, { kind: "more" }>, objectBytes: number, expected: Expectation): Verification {
  if (scan.kind === "malformed") return malformed(objectBytes, scan.reason, heard(scan.format));
  const { channels, sampleRateHz, durationSeconds } = scan;
  return judge(objectBytes, { channels, sampleRateHz, durationSeconds }, expected);
}

/** A ranged GET: the bytes read and the object's whole size, or null when there is no object. */
export type RangedRead = (
  range: { from: number; length: number } | { last: number },
) => Promise<{ bytes: Uint8Array; objectBytes: number } | null>;

/**
 * Checks the object behind `read` in at most two reads: the header, then (WAV) the rest of a header
 * longer than the first read, or (Opus) the last page.
 */
export async function checkRecording(format: RecordingFormat, expected: Expectation, read: RangedRead): Promise<Verification> {
  const first = await read({ from: 0, length: HEADER_READ_BYTES });
  if (first === null) return missing();
  const { bytes, objectBytes } = first;
  if (objectBytes === 0) return { status: "empty", bytes: 0, ...missingHeader, reason: "the object is empty" };
  if (format === "Opus") {
    const head = readOpusHead(bytes);
    if (head.kind === "malformed") return malformed(objectBytes, head.reason);
    const tail = objectBytes <= bytes.byteLength ? bytes : (await read({ last: TAIL_READ_BYTES }))?.bytes;
    if (tail === undefined) return missing();
    return judgeOpus(head, tail, objectBytes, expected);
  }
  const scan = scanWav(bytes, 0, objectBytes);
  if (scan.kind !== "more") return judgeWav(scan, objectBytes, expected);
  const next = await read({ from: scan.from, length: HEADER_READ_BYTES });
  if (next === null) return missing();
  const rest = scanWav(next.bytes, scan.from, objectBytes, scan.format);
  if (rest.kind !== "more") return judgeWav(rest, objectBytes, expected);
  return malformed(objectBytes, `no data chunk within the first ${scan.from + HEADER_READ_BYTES} bytes`, heard(rest.format));
}
