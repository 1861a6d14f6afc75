import {
  checkDueMs,
  checkRecording,
  durationTolerance,
  type Expectation,
  HEADER_READ_BYTES,
  type RangedRead,
  type RecordingFormat,
  type Verification,
} from "../../lambda/recorder/recording-check";
import { opus, wav } from "../support/audio-files";

const twoLegs: Expectation = { channels: 2, durationSeconds: 60 };

/** Ranged reads of `file` as S3 answers them, counted; null for no object. */
function reader(file: Buffer | null): { read: RangedRead; reads: string[] } {
  const reads: string[] = [];
  const read: RangedRead = async (range) => {
    reads.push("from" in range ? `${range.from}+${range.length}` : `last ${range.last}`);
    if (file === null) return null;
    const start = "from" in range ? range.from : Math.max(0, file.length - range.last);
    const end = "from" in range ? Math.min(file.length, range.from + range.length) : file.length;
    return { bytes: new Uint8Array(file.subarray(start, end)), objectBytes: file.length };
  };
  return { read, reads };
}

async function check(file: Buffer | null, expected = twoLegs, format: RecordingFormat = "Wav"): Promise<Verification> {
  return checkRecording(format, expected, reader(file).read);
}

/** A RIFF/WAVE file of the chunks given, in order, each padded to an even length as RIFF requires. */
function riff(...chunks: [id: string, body: Buffer, declaredSize?: number][]): Buffer {
  const parts = chunks.map(([id, body, declaredSize]) => {
    const header = Buffer.alloc(8);
    header.write(id, 0, "latin1");
    header.writeUInt32LE(declaredSize ?? body.length, 4);
    return Buffer.concat([header, body, Buffer.alloc(body.length % 2)]);
  });
  const head = Buffer.alloc(12);
  head.write("RIFF", 0, "latin1");
  head.writeUInt32LE(4 + parts.reduce((sum, part) => sum + part.length, 0), 4);
  head.write("WAVE", 8, "latin1");
  return Buffer.concat([head, ...parts]);
}

/** A 16-bit PCM `fmt ` chunk body. */
function pcmFormat(channels: number, sampleRateHz: number): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt16LE(1, 0);
  body.writeUInt16LE(channels, 2);
  body.writeUInt32LE(sampleRateHz, 4);
  body.writeUInt32LE(sampleRateHz * channels * 2, 8);
  body.writeUInt16LE(channels * 2, 12);
  body.writeUInt16LE(16, 14);
  return body;
}

/** 60 s of stereo 8 kHz 16-bit silence. */
const audio = () => Buffer.alloc(8000 * 4 * 60);

describe("walking a WAV's chunks", () => {
  it("steps over the pad byte after an odd-sized chunk to find the data chunk", async () => {
    const file = riff(["fmt ", pcmFormat(2, 8000)], ["junk", Buffer.from("odd")], ["data", audio()]);
    expect(await check(file)).toMatchObject({ status: "verified", durationSeconds: 60 });
  });

  it("takes a data size of 0 as unknown (a streaming writer's), measuring the audio by the object's size", async () => {
    const file = riff(["fmt ", pcmFormat(2, 8000)], ["data", audio(), 0]);
    expect(await check(file)).toMatchObject({ status: "verified", durationSeconds: 60 });
  });

  it("calls a data chunk before any fmt chunk malformed", async () => {
    const file = riff(["data", audio()], ["fmt ", pcmFormat(2, 8000)]);
    expect(await check(file)).toMatchObject({ status: "malformed", reason: "data chunk before the fmt chunk" });
  });

  it("calls an audio format other than PCM (here 3, IEEE float) malformed", async () => {
    const format = pcmFormat(2, 8000);
    format.writeUInt16LE(3, 0);
    expect(await check(riff(["fmt ", format], ["data", audio()]))).toMatchObject({
      status: "malformed",
      reason: "audio format 3, expected PCM (1)",
    });
  });
});

describe("checking a WAV recording from its header", () => {
  it("verifies a stereo 8 kHz WAV as long as the call, giving what the header says", async () => {
    const file = wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 60 });
    expect(await check(file)).toEqual({
      status: "verified",
      bytes: file.length,
      channels: 2,
      sampleRateHz: 8000,
      durationSeconds: 60,
      reason: null,
    });
  });

  it("reads the header only: one ranged read of the first bytes for a canonical WAV", async () => {
    const { read, reads } = reader(wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 120 }));
    await checkRecording("Wav", { channels: 2, durationSeconds: 120 }, read);
    expect(reads).toEqual([`0+${HEADER_READ_BYTES}`]);
  });

  it("finds the data chunk after a LIST chunk", async () => {
    expect((await check(wav({ channels: 2, sampleRateHz: 16000, durationSeconds: 60, list: 300 }))).status).toBe("verified");
  });

  it("reads once more when a chunk before data runs past the first read", async () => {
    const { read, reads } = reader(wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 60, list: 6000 }));
    expect((await checkRecording("Wav", twoLegs, read)).status).toBe("verified");
    expect(reads).toHaveLength(2);
  });

  it("takes the audio's length from the object's size when the writer left the sizes unknown (0xFFFFFFFF)", async () => {
    const verification = await check(wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 59, streamedSizes: true }));
    expect(verification).toMatchObject({ status: "verified", durationSeconds: 59 });
  });

  it("accepts audio within the tolerance of the call's duration", async () => {
    expect((await check(wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 58.1 }))).status).toBe("verified");
  });

  it("tolerates 2 s, or 2 % of calls longer than 100 s", () => {
    expect([durationTolerance(10), durationTolerance(100), durationTolerance(3600)]).toEqual([2, 2, 72]);
  });

  it("calls audio shorter than the call less the tolerance short, saying by how much", async () => {
    const verification = await check(wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 30 }));
    expect(verification).toMatchObject({
      status: "short",
      durationSeconds: 30,
      reason: "30 s of audio for a 60 s call (tolerance 2 s)",
    });
  });

  it("calls a header without audio (the 44-byte WAV) empty", async () => {
    const file = wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 0 });
    expect(file.length).toBe(44);
    expect(await check(file)).toMatchObject({ status: "empty", bytes: 44, channels: 2 });
  });

  it("calls a zero-byte object empty", async () => {
    expect((await check(Buffer.alloc(0))).status).toBe("empty");
  });

  it("calls a file that is not RIFF/WAVE malformed", async () => {
    expect(await check(Buffer.from("<html>not audio</html>"))).toMatchObject({
      status: "malformed",
      reason: "not a RIFF/WAVE file",
    });
  });

  it("calls a WAV with a channel count other than the streams requested malformed", async () => {
    const verification = await check(wav({ channels: 1, sampleRateHz: 8000, durationSeconds: 60 }));
    expect(verification).toMatchObject({ status: "malformed", reason: "1 channels, expected 2" });
  });

  it("calls a WAV cut off before its data chunk malformed", async () => {
    const file = wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 1 }).subarray(0, 40);
    expect(await check(file)).toMatchObject({ status: "malformed", reason: "no data chunk", channels: 2, sampleRateHz: 8000 });
  });

  it("calls a header whose block align contradicts its channels malformed", async () => {
    const file = wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 60 });
    file.writeUInt16LE(2, 32);
    expect((await check(file)).reason).toBe("block align 2 does not match 2 channels of 16 bits");
  });

  it("accepts up to 2 s more audio than the legs lasted: the requested range is rounded outward to whole seconds", async () => {
    expect((await check(wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 63.9 }))).status).toBe("verified");
  });

  it("calls more audio than the call lasted malformed: it is not this call's recording alone", async () => {
    expect((await check(wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 90 }))).status).toBe("malformed");
  });

  it("counts a cut-off upload by what landed, not by the header's size", async () => {
    const file = wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 60 });
    expect(await check(file.subarray(0, 44 + 8000 * 4 * 20))).toMatchObject({ status: "short", durationSeconds: 20 });
  });

  it("calls nothing at the key missing", async () => {
    expect(await check(null)).toEqual({
      status: "missing",
      bytes: null,
      channels: null,
      sampleRateHz: null,
      durationSeconds: null,
      reason: "no object at the recording's key",
    });
  });
});

describe("checking an Opus recording cheaply", () => {
  it("verifies an Ogg Opus stream from its OpusHead and its last page's granule position", async () => {
    const verification = await check(opus({ channels: 2, durationSeconds: 60 }), twoLegs, "Opus");
    expect(verification).toMatchObject({ status: "verified", channels: 2, sampleRateHz: 8000, durationSeconds: 60 });
  });

  it("reads the first bytes and the last page: two ranged reads", async () => {
    const { read, reads } = reader(opus({ channels: 2, durationSeconds: 600 }));
    await checkRecording("Opus", { channels: 2, durationSeconds: 600 }, read);
    expect(reads).toEqual([`0+${HEADER_READ_BYTES}`, "last 8192"]);
  });

  it("calls an Opus stream without audio pages empty", async () => {
    expect((await check(opus({ channels: 2, durationSeconds: 0 }), twoLegs, "Opus")).status).toBe("empty");
  });

  it("calls a short Opus stream short", async () => {
    expect((await check(opus({ channels: 2, durationSeconds: 20 }), twoLegs, "Opus")).status).toBe("short");
  });

  it("calls a WAV where Opus was requested malformed", async () => {
    const verification = await check(wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 60 }), twoLegs, "Opus");
    expect(verification).toMatchObject({ status: "malformed", reason: "not an Ogg file (no OggS capture pattern)" });
  });

  it("calls an Ogg stream whose first packet is not OpusHead malformed", async () => {
    const file = opus({ channels: 2, durationSeconds: 60 });
    file.write("Vorbis!!", 28, "latin1");
    expect((await check(file, twoLegs, "Opus")).reason).toBe("the first Ogg packet is not an OpusHead");
  });

  it("calls an Ogg stream whose first page does not start the stream (no BOS flag) malformed", async () => {
    const file = opus({ channels: 2, durationSeconds: 60 });
    file[5] = 0;
    expect((await check(file, twoLegs, "Opus")).reason).toBe("the first Ogg page does not start a stream");
  });

  it("skips a last page on which no packet ends (granule position -1), taking the length from the page before", async () => {
    // RFC 3533: a page holding only the start of a packet (one lacing value of 255) has granule position -1.
    const page = Buffer.alloc(27 + 1 + 255);
    page.write("OggS", 0, "latin1");
    page.writeBigInt64LE(-1n, 6);
    page.writeUInt32LE(0x5eed, 14);
    page[26] = 1;
    page[27] = 255;
    const file = Buffer.concat([opus({ channels: 2, durationSeconds: 60 }), page]);
    expect(await check(file, twoLegs, "Opus")).toMatchObject({ status: "verified", durationSeconds: 60 });
  });

  it("calls a one-channel Opus stream for a two-leg call malformed", async () => {
    expect((await check(opus({ channels: 1, durationSeconds: 60 }), twoLegs, "Opus")).status).toBe("malformed");
  });
});

describe("when a recording that has not landed counts as missing", () => {
  const requestedAtMs = Date.parse("2026-11-25T10:00:00Z");

  it("is 15 minutes after the pipeline could have read the whole call at the speed it was spoken", () => {
    expect(new Date(checkDueMs(requestedAtMs, 600)).toISOString()).toBe("2026-11-25T10:25:00.000Z");
  });

  it("is at most 15 minutes after the pipeline's 8-hour lifetime, however long the call", () => {
    expect(new Date(checkDueMs(requestedAtMs, 12 * 3600)).toISOString()).toBe("2026-11-25T18:15:00.000Z");
  });
});
