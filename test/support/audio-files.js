"use strict";
/**
 * Audio files as a recording pipeline would write them: a canonical PCM WAV (optionally with a LIST
 * chunk before `data`, or streamed sizes), and an Ogg Opus stream of real page structure (RFC 3533
 * CRC, RFC 7845 OpusHead/OpusTags; the audio packets are silence frames). Shared by the tests, the
 * fake media pipelines and the bench.
 */

/**
 * @param {{ channels: number, sampleRateHz: number, durationSeconds: number, list?: number, streamedSizes?: boolean }} spec
 * `list`: bytes of a LIST chunk before `data`; `streamedSizes`: sizes left 0xFFFFFFFF as a streaming writer does.
 */
function wav({ channels, sampleRateHz, durationSeconds, list = 0, streamedSizes = false }) {
  const blockAlign = channels * 2;
  const dataBytes = Math.round(durationSeconds * sampleRateHz) * blockAlign;
  const listChunk = list > 0 ? 8 + list + (list % 2) : 0;
  const file = Buffer.alloc(12 + 24 + listChunk + 8 + dataBytes);
  file.write("RIFF", 0, "latin1");
  file.writeUInt32LE(streamedSizes ? 0xffffffff : file.length - 8, 4);
  file.write("WAVE", 8, "latin1");
  file.write("fmt ", 12, "latin1");
  file.writeUInt32LE(16, 16);
  file.writeUInt16LE(1, 20);
  file.writeUInt16LE(channels, 22);
  file.writeUInt32LE(sampleRateHz, 24);
  file.writeUInt32LE(sampleRateHz * blockAlign, 28);
  file.writeUInt16LE(blockAlign, 32);
  file.writeUInt16LE(16, 34);
  let at = 36;
  if (list > 0) {
    file.write("LIST", at, "latin1");
    file.writeUInt32LE(list, at + 4);
    file.write("INFO", at + 8, "latin1");
    at += listChunk;
  }
  file.write("data", at, "latin1");
  file.writeUInt32LE(streamedSizes ? 0xffffffff : dataBytes, at + 4);
  // A quiet 8 kHz-period tone rather than zeros, so the file is audibly what it claims: one period, repeated.
  const period = Buffer.alloc(blockAlign * 48);
  for (let frame = 0; frame < 48; frame++) {
    for (let channel = 0; channel < channels; channel++)
      period.writeInt16LE(Math.round(800 * Math.sin((2 * Math.PI * frame) / 48)), frame * blockAlign + channel * 2);
  }
  if (dataBytes > 0) file.fill(period, at + 8);
  return file;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let r = n << 24;
  for (let i = 0; i < 8; i++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  return r >>> 0;
});

function oggCrc(bytes) {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) & 0xff) ^ byte]) >>> 0;
  return crc;
}

function oggPage({ flags, granule, serial, sequence, packets }) {
  const lacing = [];
  for (const packet of packets) {
    let left = packet.length;
    while (left >= 255) {
      lacing.push(255);
      left -= 255;
    }
    lacing.push(left);
  }
  const header = Buffer.alloc(27 + lacing.length);
  header.write("OggS", 0, "latin1");
  header[4] = 0;
  header[5] = flags;
  header.writeBigInt64LE(BigInt(granule), 6);
  header.writeUInt32LE(serial, 14);
  header.writeUInt32LE(sequence, 18);
  header[26] = lacing.length;
  Buffer.from(lacing).copy(header, 27);
  const page = Buffer.concat([header, ...packets]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** 20 ms Opus frames (TOC config 1: SILK narrowband 20 ms, one frame); channels set the stereo bit. */
function opus({ channels, inputSampleRateHz = 8000, durationSeconds, preSkip = 312 }) {
  const serial = 0x5eed;
  const head = Buffer.alloc(19);
  head.write("OpusHead", 0, "latin1");
  head[8] = 1;
  head[9] = channels;
  head.writeUInt16LE(preSkip, 10);
  head.writeUInt32LE(inputSampleRateHz, 12);
  const vendor = "audio-files";
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write("OpusTags", 0, "latin1");
  tags.writeUInt32LE(vendor.length, 8);
  tags.write(vendor, 12, "latin1");
  const pages = [
    oggPage({ flags: 0x02, granule: 0, serial, sequence: 0, packets: [head] }),
    oggPage({ flags: 0, granule: 0, serial, sequence: 1, packets: [tags] }),
  ];
  const frames = Math.round(durationSeconds * 50);
  const frame = Buffer.from([(1 << 3) | (channels > 1 ? 0x04 : 0), 0xff, 0xfe]);
  const perPage = 50;
  let sequence = 2;
  for (let done = 0; done < frames; done += perPage) {
    const count = Math.min(perPage, frames - done);
    const last = done + count >= frames;
    pages.push(
      oggPage({
        flags: last ? 0x04 : 0,
        granule: preSkip + (done + count) * 960,
        serial,
        sequence: sequence++,
        packets: Array.from({ length: count }, () => frame),
      }),
    );
  }
  return Buffer.concat(pages);
}

module.exports = { wav, opus };
