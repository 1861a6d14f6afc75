import { S3Client } from "@aws-sdk/client-s3";
import { type CallRecord, callRecord, NO_DETAILS } from "../../lambda/recorder/call-record";
import { checkRecording } from "../../lambda/recorder/recording-check";
import { createRecordingStore, type RecordingStore } from "../../lambda/recorder/recording-store";
import { wav } from "../support/audio-files";
import { type S3Server, startS3Server } from "../support/s3-server";

const Bucket = "recordings";
let server: S3Server;
let client: S3Client;
let store: RecordingStore;

beforeAll(async () => {
  server = await startS3Server({ buckets: [Bucket], canList: true });
  // The real client, as the function builds it, pointed at loopback with dummy credentials.
  client = new S3Client({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  store = createRecordingStore(client, Bucket);
});

afterEach(() => {
  expect(server.modelProblems).toEqual([]);
  server.reset();
});

afterAll(async () => {
  client.destroy();
  await server.close();
});

describe("reading recordings from S3 by range", () => {
  it("checks a landed WAV with one ranged GET of its first 4 KB", async () => {
    server.put(Bucket, "calls/c1.wav", wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 30 }));
    const verification = await checkRecording("Wav", { channels: 2, durationSeconds: 30 }, store.reader("calls/c1.wav"));
    expect(verification.status).toBe("verified");
    expect(server.requests.map((request) => [request.method, request.key, request.range])).toEqual([
      ["GET", "calls/c1.wav", "bytes=0-4095"],
    ]);
  });

  it("takes the object's size from Content-Range, not from the bytes read", async () => {
    const file = wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 30 });
    server.put(Bucket, "c1.wav", file);
    expect((await store.reader("c1.wav")({ from: 0, length: 4096 }))?.objectBytes).toBe(file.length);
  });

  it("answers null for a key with no object (NoSuchKey)", async () => {
    expect(await store.reader("nothing.wav")({ from: 0, length: 4096 })).toBeNull();
  });

  it("reads a zero-byte object, which S3 answers 416 for any range, as empty", async () => {
    server.put(Bucket, "zero.wav", Buffer.alloc(0));
    expect(await checkRecording("Wav", { channels: 2, durationSeconds: 30 }, store.reader("zero.wav"))).toMatchObject({
      status: "empty",
      bytes: 0,
    });
  });

  it("reads the last bytes with a suffix range", async () => {
    server.put(Bucket, "c1.ogg", Buffer.from("0123456789"));
    expect(Buffer.from((await store.reader("c1.ogg")({ last: 4 }))?.bytes ?? []).toString()).toBe("6789");
  });

  it("reports another bucket's absence as an error naming GetObject, not as a missing recording", async () => {
    const elsewhere = createRecordingStore(client, "elsewhere");
    await expect(elsewhere.reader("c1.wav")({ from: 0, length: 4096 })).rejects.toThrow("GetObject failed with NoSuchBucket");
  });
});

/** A store on a loopback S3 with the given listing permission, closed after `use`. */
async function withServer(options: Parameters<typeof startS3Server>[0], use: (store: RecordingStore) => Promise<void>) {
  const server = await startS3Server({ buckets: [Bucket], ...options });
  const s3 = new S3Client({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  try {
    await use(createRecordingStore(s3, Bucket));
  } finally {
    s3.destroy();
    await server.close();
  }
}

describe("a GetObject refused with 403", () => {
  it("is a missing recording when a listing of its key, which s3:ListBucket on the recordings' prefix allows, finds nothing", async () => {
    // Whether S3 answers 403 or 404 for a missing key under a prefix-conditioned s3:ListBucket is unconfirmed.
    await withServer({ listPrefix: "recordings/", missingKeyStatus: 403 }, async (refusing) => {
      await expect(refusing.reader("recordings/nothing.wav")({ from: 0, length: 4096 })).resolves.toBeNull();
    });
  });

  it("stays a refusal when the listing is refused too (no s3:ListBucket at all): never counted as missing", async () => {
    await withServer({}, async (unlisted) => {
      const read = unlisted.reader("nothing.wav")({ from: 0, length: 4096 });
      await expect(read).rejects.toThrow("ListObjectsV2 failed with AccessDenied");
    });
  });
});

describe("writing the per-call record", () => {
  it("writes the record as one JSON object on one line, as Athena's JSON SerDes read it", async () => {
    const record = callRecord({
      callId: "c2",
      voiceConnectorId: "vc",
      details: { ...NO_DETAILS, siprecMetadata: "<recording>\n</recording>" },
      decided: "no_audio",
      channels: [],
      recording: { bucket: Bucket, key: "c2.wav", format: "Wav", pipelineArn: null, requestedAtMs: null },
      verification: null,
    });
    await store.putRecord("records/c2.json", record);
    const lines = (server.objects.get(`${Bucket}/records/c2.json`)?.body.toString("utf8") ?? "").split("\n");
    expect([lines.length, lines[1], JSON.parse(lines[0])]).toEqual([2, "", record]);
  });

  it("writes the record as UTF-8 JSON with its content type", async () => {
    const record: CallRecord = callRecord({
      callId: "c1",
      voiceConnectorId: "vc",
      details: { ...NO_DETAILS, fromNumber: "+12065550100" },
      decided: "no_audio",
      channels: [],
      recording: { bucket: Bucket, key: "c1.wav", format: "Wav", pipelineArn: null, requestedAtMs: null },
      verification: null,
    });
    await store.putRecord("records/c1.json", record);
    const stored = server.objects.get(`${Bucket}/records/c1.json`);
    expect([JSON.parse(stored?.body.toString("utf8") ?? "null"), stored?.contentType]).toEqual([
      record,
      "application/json; charset=utf-8",
    ]);
  });
});
