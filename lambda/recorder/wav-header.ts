/** Reads a WAV file's header from the bytes read so far: its format and how much audio its data chunk holds. */

export const ascii = (bytes: Uint8Array, at: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(at, at + length));

export interface WavFormat {
  channels: number;
  sampleRateHz: number;
  blockAlign: number;
}

/** Where the walk over a WAV's chunks stands after one read. */
export type WavScan =
  /** The header says what the data chunk holds. */
  | { kind: "audio"; channels: number; sampleRateHz: number; durationSeconds: number }
  /** Not a WAV this recorder can read; `format` is what its header did say. */
  | { kind: "malformed"; reason: string; format?: WavFormat }
  /** The next chunk header lies beyond the bytes read: read again from `from`. */
  | { kind: "more"; from: number; format?: WavFormat };

const PCM = 1;
const EXTENSIBLE = 0xfffe;
/** Writers that stream a WAV leave the sizes they cannot know yet as 0 or 0xFFFFFFFF. */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);

function readFormat(view: DataView, at: number, size: number): WavFormat | { reason: string } {
  if (size < 16) return { reason: `fmt chunk of ${size} bytes, at least 16 expected` };
  const code = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRateHz = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  if (code !== PCM && code !== EXTENSIBLE) return { reason: `audio format ${code}, expected PCM (1)` };
  if (channels === 0 || sampleRateHz === 0 || bitsPerSample === 0) {
    return { reason: `fmt chunk gives ${channels} channels, ${sampleRateHz} Hz, ${bitsPerSample} bits` };
  }
  if (blockAlign !== channels * Math.ceil(bitsPerSample / 8)) {
    return { reason: `block align ${blockAlign} does not match ${channels} channels of ${bitsPerSample} bits` };
  }
  return { channels, sampleRateHz, blockAlign };
}

/**
 * Walks the chunks in `window` (the object's bytes from `windowStart`), in one or two reads:
 * `from` and `format` of a `more` answer start the next read.
 */
export function scanWav(window: Uint8Array, windowStart: number, objectBytes: number, format?: WavFormat): WavScan {
  const view = new DataView(window.buffer, window.byteOffset, window.byteLength);
  const windowEnd = windowStart + window.byteLength;
  let position = windowStart;
  if (windowStart === 0) {
    if (window.byteLength < 12 || ascii(window, 0, 4) !== "RIFF" || ascii(window, 8, 4) !== "WAVE") {
      return { kind: "malformed", reason: "not a RIFF/WAVE file" };
    }
    position = 12;
  }
  let known = format;
  for (;;) {
    if (position + 8 > objectBytes) return { kind: "malformed", reason: "no data chunk", format: known };
    if (position + 8 > windowEnd) return { kind: "more", from: position, format: known };
    const id = ascii(window, position - windowStart, 4);
    const size = view.getUint32(position - windowStart + 4, true);
    const body = position + 8;
    if (id === "fmt ") {
      if (body + Math.min(size, 16) > windowEnd) return { kind: "more", from: position, format: known };
      const read = readFormat(view, body - windowStart, size);
      if ("reason" in read) return { kind: "malformed", reason: read.reason };
      known = read;
    } else if (id === "data") {
      if (known === undefined) return { kind: "malformed", reason: "data chunk before the fmt chunk" };
      // A size the writer never patched, or one larger than what landed (a cut-off upload): the object's size counts.
      const present = objectBytes - body;
      const dataBytes = UNKNOWN_SIZES.has(size) ? present : Math.min(size, present);
      const durationSeconds = Math.floor(dataBytes / known.blockAlign) / known.sampleRateHz;
      return { kind: "audio", channels: known.channels, sampleRateHz: known.sampleRateHz, durationSeconds };
    }
    // RIFF pads odd-sized chunks to an even length.
    position = body + size + (size % 2);
  }
}
