import { RANGE_START_MARGIN_MS } from "./leg-timing";

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
const heard = (format?: WavFormat): Partial<Verification> =>
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

const ascii = (bytes: Uint8Array, at: number, length: number): string => String.fromCharCode(...bytes.subarray(at, at + length));

interface WavFormat {
  channels: number;
  sampleRateHz: number;
  blockAlign: number;
}

/** Where the walk over a WAV's chunks stands after one read. */
type WavScan =
  | { kind: "done"; verification: Verification }
  /** The next chunk header lies beyond the bytes read: read again from `from`. */
  | { kind: "more"; from: number; format?: WavFormat };

const PCM = 1;
const EXTENSIBLE = 0xfffe;
/** Writers that stream a WAV leave the sizes they cannot know yet as 0 or 0xFFFFFFFF. */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);

function readFormat(view: DataView, at: number, size: number, bytes: number): WavFormat | Verification {
  if (size < 16) return malformed(bytes, `fmt chunk of ${size} bytes, at least 16 expected`);
  const code = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRateHz = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  if (code !== PCM && code !== EXTENSIBLE) return malformed(bytes, `audio format ${code}, expected PCM (1)`);
  if (channels === 0 || sampleRateHz === 0 || bitsPerSample === 0) {
    return malformed(bytes, `fmt chunk gives ${channels} channels, ${sampleRateHz} Hz, ${bitsPerSample} bits`);
  }
  if (blockAlign !== channels * Math.ceil(bitsPerSample / 8)) {
    return malformed(bytes, `block align ${blockAlign} does not match ${channels} channels of ${bitsPerSample} bits`);
  }
  return { channels, sampleRateHz, blockAlign };
}

/**
 * Walks the chunks in `window` (the object's bytes from `windowStart`), in one or two reads:
 * `from` and `format` of a `more` answer start the next read.
 */
function scanWav(
  window: Uint8Array,
  windowStart: number,
  objectBytes: number,
  expected: Expectation,
  format?: WavFormat,
): WavScan {
  const view = new DataView(window.buffer, window.byteOffset, window.byteLength);
  const windowEnd = windowStart + window.byteLength;
  let position = windowStart;
  if (windowStart === 0) {
    if (window.byteLength < 12 || ascii(window, 0, 4) !== "RIFF" || ascii(window, 8, 4) !== "WAVE") {
      return { kind: "done", verification: malformed(objectBytes, "not a RIFF/WAVE file") };
    }
    position = 12;
  }
  let known = format;
  for (;;) {
    if (position + 8 > objectBytes) {
      return { kind: "done", verification: malformed(objectBytes, "no data chunk", heard(known)) };
    }
    if (position + 8 > windowEnd) return { kind: "more", from: position, format: known };
    const id = ascii(window, position - windowStart, 4);
    const size = view.getUint32(position - windowStart + 4, true);
    const body = position + 8;
    if (id === "fmt ") {
      if (body + Math.min(size, 16) > windowEnd) return { kind: "more", from: position, format: known };
      const read = readFormat(view, body - windowStart, size, objectBytes);
      if ("status" in read) return { kind: "done", verification: read };
      known = read;
    } else if (id === "data") {
      if (known === undefined) return { kind: "done", verification: malformed(objectBytes, "data chunk before the fmt chunk") };
      // A size the writer never patched, or one larger than what landed (a cut-off upload): the object's size counts.
      const present = objectBytes - body;
      const dataBytes = UNKNOWN_SIZES.has(size) ? present : Math.min(size, present);
      const durationSeconds = Math.floor(dataBytes / known.blockAlign) / known.sampleRateHz;
      return {
        kind: "done",
        verification: judge(
          objectBytes,
          { channels: known.channels, sampleRateHz: known.sampleRateHz, durationSeconds },
          expected,
        ),
      };
    }
    // RIFF pads odd-sized chunks to an even length.
    position = body + size + (size % 2);
  }
}

/** What the first Ogg page's OpusHead says. */
type OpusHead =
  | { kind: "head"; channels: number; inputSampleRateHz: number; preSkip: number }
  | { kind: "done"; verification: Verification };

/** Opus always decodes at 48 kHz; granule positions count 48 kHz samples. */
const OPUS_RATE = 48_000;

/** RFC 7845: the first page starts the stream (flag 2) and its first packet is the 19-byte OpusHead. */
function readOpusHead(first: Uint8Array, objectBytes: number): OpusHead {
  if (first.byteLength < 27 || ascii(first, 0, 4) !== "OggS" || first[4] !== 0) {
    return { kind: "done", verification: malformed(objectBytes, "not an Ogg file (no OggS capture pattern)") };
  }
  if ((first[5] & 0x02) === 0)
    return { kind: "done", verification: malformed(objectBytes, "the first Ogg page does not start a stream") };
  const segments = first[26];
  const packet = 27 + segments;
  if (first.byteLength < packet + 19 || ascii(first, packet, 8) !== "OpusHead") {
    return { kind: "done", verification: malformed(objectBytes, "the first Ogg packet is not an OpusHead") };
  }
  const view = new DataView(first.buffer, first.byteOffset, first.byteLength);
  const channels = first[packet + 9];
  const preSkip = view.getUint16(packet + 10, true);
  const inputSampleRateHz = view.getUint32(packet + 12, true);
  if (channels === 0) return { kind: "done", verification: malformed(objectBytes, "OpusHead gives 0 channels") };
  return { kind: "head", channels, inputSampleRateHz, preSkip };
}

/**
 * The audio's length from the granule position of the last page in `tail` (the object's last
 * bytes): 48 kHz samples, less the pre-skip. Null when no page starts in `tail`.
 */
function opusDurationSeconds(tail: Uint8Array, preSkip: number): number | null {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let at = tail.byteLength - 27; at >= 0; at--) {
    if (tail[at] !== 0x4f || ascii(tail, at, 4) !== "OggS" || tail[at + 4] !== 0) continue;
    const granule = view.getBigInt64(at + 6, true);
    // -1: no packet ends on this page; an earlier page has the position.
    if (granule < 0n) continue;
    return Math.max(0, Number(granule) - preSkip) / OPUS_RATE;
  }
  return null;
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
    const head = readOpusHead(bytes, objectBytes);
    if (head.kind === "done") return head.verification;
    const tail = objectBytes <= bytes.byteLength ? bytes : (await read({ last: TAIL_READ_BYTES }))?.bytes;
    if (tail === undefined) return missing();
    return judgeOpus(head, tail, objectBytes, expected);
  }
  const scan = scanWav(bytes, 0, objectBytes, expected);
  if (scan.kind === "done") return scan.verification;
  const next = await read({ from: scan.from, length: HEADER_READ_BYTES });
  if (next === null) return missing();
  const rest = scanWav(next.bytes, scan.from, objectBytes, expected, scan.format);
  if (rest.kind === "done") return rest.verification;
  return malformed(objectBytes, `no data chunk within the first ${scan.from + HEADER_READ_BYTES} bytes`, heard(rest.format));
}
