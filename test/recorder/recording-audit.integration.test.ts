import { S3Client } from "@aws-sdk/client-s3";
import type { CallDetails, RecordedChannel } from "../../lambda/recorder/call-record";
import { createLogger } from "../../lambda/recorder/logger";
import type { CountMetric } from "../../lambda/recorder/metrics";
import { createRecordingAuditor, type RecordFacts, type RecordingAuditor } from "../../lambda/recorder/recording-audit";
import { createRecordingStore } from "../../lambda/recorder/recording-store";
import { opus, wav } from "../support/audio-files";
import { type S3Server, startS3Server } from "../support/s3-server";

const Bucket = "recordings";
const NOW = Date.parse("2026-11-25T10:30:00Z");
let server: S3Server;
let client: S3Client;
let auditor: RecordingAuditor;
let metrics: CountMetric[];
let lines: Record<string, unknown>[];

const details: CallDetails = {
  transactionId: "t1",
  direction: "Inbound",
  fromNumber: "+12065550100",
  toNumber: "+12065550199",
  siprecMetadata: null,
  inviteHeaders: null,
};
const channels: RecordedChannel[] = [
  {
    role: "caller",
    streamArn: "arn:aws:kinesisvideo:us-east-1:111122223333:stream/a/1",
    startMs: NOW - 1_000_000,
    endMs: NOW - 940_000,
  },
  {
    role: "callee",
    streamArn: "arn:aws:kinesisvideo:us-east-1:111122223333:stream/b/1",
    startMs: NOW - 1_000_000,
    endMs: NOW - 940_000,
  },
];
const call = {
  callId: "c1",
  recordingKey: "calls/c1.wav",
  recordKey: "calls/c1.json",
  format: "Wav" as "Wav" | "Opus",
  pipelineArn: "arn:aws:chime:us-east-1:111122223333:media-pipeline/p1",
  requestedAtMs: NOW - 900_000,
};
const facts = (decided: RecordFacts["decided"], started: typeof call, recorded: RecordedChannel[]): RecordFacts => ({
  callId: started.callId,
  voiceConnectorId: "vc1",
  details,
  decided,
  channels: recorded,
  recording: {
    bucket: Bucket,
    key: started.recordingKey,
    format: started.format,
    pipelineArn: decided === "recorded" ? started.pipelineArn : null,
    requestedAtMs: decided === "recorded" ? started.requestedAtMs : null,
  },
  verification: null,
});

/** The sweep's check of one started recording: verify it, then write the record and count. */
async function audit(started: typeof call, keepStatus: () => Promise<boolean>) {
  const verification = await auditor.verify({ key: started.recordingKey, format: started.format, channels });
  const checked = [{ recordingKey: started.recordingKey, pipelineArn: started.pipelineArn, verification }];
  return auditor.publish(
    { ...facts("recorded", started, channels), verification },
    started.recordKey,
    checked,
    true,
    log(),
    keepStatus,
  );
}
const log = () => createLogger({ service: "test", level: "DEBUG", write: (line) => lines.push(JSON.parse(line)) });
/** Keeps every status, as the table does for the first check of a call. */
const keep = async () => true;
const record = () => JSON.parse(server.get(Bucket, call.recordKey)?.toString("utf8") ?? "null");

beforeAll(async () => {
  server = await startS3Server({ buckets: [Bucket], canList: true });
  client = new S3Client({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
});

beforeEach(() => {
  metrics = [];
  lines = [];
  auditor = createRecordingAuditor({
    store: createRecordingStore(client, Bucket),
    bucket: Bucket,
    indexPrefix: "call-records-by-day",
    metricsNamespace: "ChimeCallRecorder",
    now: () => NOW,
    emitMetric: (metric) => metrics.push(metric),
  });
});

afterEach(() => {
  expect(server.modelProblems).toEqual([]);
  server.reset();
});

afterAll(async () => {
  client.destroy();
  await server.close();
});

describe("auditing a started recording", () => {
  it.each([
    ["verified", wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 60 }), "recorded", "RecordingsVerified"],
    ["short", wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 20 }), "short", "RecordingsShort"],
    ["empty", wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 0 }), "empty", "RecordingsEmpty"],
    ["malformed", Buffer.from("not a wav at all"), "malformed", "RecordingsMalformed"],
    ["missing", null, "missing", "RecordingsMissing"],
  ])("%s: writes the record with that outcome and counts %s", async (status, file, outcome, metric) => {
    if (file !== null) server.put(Bucket, call.recordingKey, file);
    await audit(call, keep);
    expect([record().verification.status, record().outcome]).toEqual([status, outcome]);
    expect(metrics.map((m) => [m.name, m.dimensions])).toEqual([
      ["Calls", { VoiceConnectorId: "vc1", Outcome: outcome }],
      [metric, { VoiceConnectorId: "vc1" }],
    ]);
  });

  it("makes three S3 requests for a landed WAV: one ranged GET, the record's PUT and its copy by day's", async () => {
    server.put(Bucket, call.recordingKey, wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 60 }));
    await audit(call, keep);
    expect(server.requests.map((request) => [request.method, request.key])).toEqual([
      ["GET", call.recordingKey],
      ["PUT", call.recordKey],
      ["PUT", "call-records-by-day/start_day=2026-11-25/vc1.t1.c1.json"],
    ]);
  });

  it("files the copy by day under the call's start in UTC, with the same content on one line", async () => {
    await audit(call, keep);
    const copy = server.get(Bucket, "call-records-by-day/start_day=2026-11-25/vc1.t1.c1.json")?.toString("utf8");
    expect(copy).toBe(server.get(Bucket, call.recordKey)?.toString("utf8"));
    expect(copy?.split("\n")).toEqual([JSON.stringify(record()), ""]);
  });

  it("checks an Opus recording as Opus", async () => {
    server.put(Bucket, "calls/c1.ogg", opus({ channels: 2, durationSeconds: 60 }));
    await audit({ ...call, format: "Opus", recordingKey: "calls/c1.ogg" }, keep);
    expect(record().verification).toMatchObject({ status: "verified", channels: 2, durationSeconds: 60 });
  });

  it("logs a failed check at ERROR with what was found", async () => {
    server.put(Bucket, call.recordingKey, wav({ channels: 2, sampleRateHz: 8000, durationSeconds: 20 }));
    await audit(call, keep);
    expect(lines.find((line) => line.level === "ERROR")).toMatchObject({
      message: "recording short: 20 s of audio for a 60 s call (tolerance 2 s)",
      recordingKey: "calls/c1.wav",
    });
  });

  it("records when it checked", async () => {
    await audit(call, keep);
    expect(record().verification.checkedAt).toBe("2026-11-25T10:30:00.000Z");
  });
});

describe("a status another sweep kept first", () => {
  it("writes the same record again but counts nothing", async () => {
    await audit(call, async () => false);
    expect([record().outcome, metrics]).toEqual(["missing", []]);
  });
});

describe("the record of a call without a recording", () => {
  const unrecorded = facts("no_audio", call, []);

  it("is written with its outcome and no verification, and counted by outcome", async () => {
    await auditor.recordUnrecorded(unrecorded, call.recordKey, log(), async () => true);
    expect([record().outcome, record().verification, record().recording.pipelineArn]).toEqual(["no_audio", null, null]);
    expect(metrics.map((m) => m.name)).toEqual(["Calls"]);
  });

  it("is counted once when two deliveries write it at the same time: only the one that settles the call counts", async () => {
    // The table's conditional settle: the first attempt wins, the other finds the call settled.
    let settled = false;
    const settle = async () => {
      if (settled) return false;
      settled = true;
      return true;
    };
    const attempts = await Promise.all([
      auditor.recordUnrecorded(unrecorded, call.recordKey, log(), settle),
      auditor.recordUnrecorded(unrecorded, call.recordKey, log(), settle),
    ]);
    expect([attempts.sort(), metrics.map((m) => [m.name, m.dimensions])]).toEqual([
      [false, true],
      [["Calls", { VoiceConnectorId: "vc1", Outcome: "no_audio" }]],
    ]);
  });

  it("is written before the call is settled, so a failed write leaves the call to be tried again", async () => {
    const settle = jest.fn(async () => true);
    await expect(
      createRecordingAuditor({
        store: createRecordingStore(client, "elsewhere"),
        bucket: "elsewhere",
        indexPrefix: "call-records-by-day",
        metricsNamespace: "ChimeCallRecorder",
        now: () => NOW,
        emitMetric: (metric) => metrics.push(metric),
      }).recordUnrecorded(unrecorded, call.recordKey, log(), settle),
    ).rejects.toThrow("PutObject");
    expect([settle.mock.calls.length, metrics]).toEqual([0, []]);
  });
});
