import { ascii } from "./wav-header";

/** Reads an Ogg Opus file's first page (its OpusHead) and, from its last bytes, how much audio it holds. */

/** What the first Ogg page's OpusHead says, or why it is not one. */
export type OpusHead =
  | { kind: "head"; channels: number; inputSampleRateHz: number; preSkip: number }
  | { kind: "malformed"; reason: string };

/** Opus always decodes at 48 kHz; granule positions count 48 kHz samples. */
const OPUS_RATE = 48_000;

/** RFC 7845: the first page starts the stream (flag 2) and its first packet is the 19-byte OpusHead. */
export function readOpusHead(first: Uint8Array): OpusHead {
  if (first.byteLength < 27 || ascii(first, 0, 4) !== "OggS" || first[4] !== 0) {
    return { kind: "malformed", reason: "not an Ogg file (no OggS capture pattern)" };
  }
  if ((first[5] & 0x02) === 0) return { kind: "malformed", reason: "the first Ogg page does not start a stream" };
  const segments = first[26];
  const packet = 27 + segments;
  if (first.byteLength < packet + 19 || ascii(first, packet, 8) !== "OpusHead") {
    return { kind: "malformed", reason: "the first Ogg packet is not an OpusHead" };
  }
  const view = new DataView(first.buffer, first.byteOffset, first.byteLength);
  const channels = first[packet + 9];
  const preSkip = view.getUint16(packet + 10, true);
  const inputSampleRateHz = view.getUint32(packet + 12, true);
  if (channels === 0) return { kind: "malformed", reason: "OpusHead gives 0 channels" };
  return { kind: "head", channels, inputSampleRateHz, preSkip };
}

/**
 * The audio's length from the granule position of the last page in `tail` (the object's last
 * bytes): 48 kHz samples, less the pre-skip. Null when no page starts in `tail`.
 */
export function opusDurationSeconds(tail: Uint8Array, preSkip: number): number | null {
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
