import path from "node:path";
import { type CallTableServer, startCallTable } from "../recorder/support/call-table-server";
import { loopbackAwsEnv } from "../support/loopback-aws-env";
import { type S3Server, startS3Server } from "../support/s3-server";

/** The built function (dist/reconciler/index.js), as Lambda runs it, against the loopback S3 and call table. */
const BUNDLE = path.join(__dirname, "../../dist/reconciler/index.js");
const A = "abcdef1234567890abcdef";
const CDRS = "chime-cdrs-111122223333";
const RECORDS = "call-recordings-111122223333";

type Handler = (event: unknown) => Promise<Record<string, number>>;

let s3: S3Server;
let table: CallTableServer;
let handler: Handler;
const lines: string[] = [];
/** Jest reuses its worker for other files: the environment is given back as it was. */
const savedEnv = { ...process.env };

beforeAll(async () => {
  [s3, table] = await Promise.all([startS3Server({ buckets: [RECORDS, CDRS], canList: true }), startCallTable()]);
  Object.assign(process.env, {
    ...loopbackAwsEnv("AKIDTESTRECONCILER"),
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    CALL_DETAIL_RECORDS_BUCKET: CDRS,
    RECORDS_BUCKET: RECORDS,
    RECORDS_BY_DAY_PREFIX: "call-records-by-day",
    VOICE_CONNECTOR_IDS: A,
    CALL_TABLE: table.tableName,
  });
  jest.spyOn(process.stdout, "write").mockImplementation((line) => lines.push(String(line)) > 0);
  jest.isolateModules(() => {
    handler = require(BUNDLE).handler;
  });
});
afterAll(async () => {
  jest.restoreAllMocks();
  process.env = savedEnv;
  await Promise.all([s3.close(), table.close()]);
});
beforeEach(() => {
  lines.length = 0;
});

describe("the reconciler function", () => {
  it("reconciles the day an event names, writes its report and logs its metrics in Embedded Metric Format", async () => {
    s3.put(CDRS, `Amazon-Chime-Voice-Connector-SDRs/json/${A}/2026/12/06/10.00.00.000_tx-missing`, "{}");
    const totals = await handler({ day: "2026-12-06" });
    expect(totals).toMatchObject({ detailRecords: 1, callsWithoutRecord: 1 });
    expect(s3.get(RECORDS, "call-records-by-day/reconciliation/2026-12-06.json")).toBeDefined();
    const metrics = lines.map((line) => JSON.parse(line)).filter((line) => line._aws !== undefined);
    expect(metrics.map((metric) => metric._aws.CloudWatchMetrics[0].Metrics[0].Name)).toEqual([
      "CallsWithoutRecord",
      "UnreadCallDetailRecords",
      "UnreadRecords",
      "DetailRecordsMissing",
      "UnexpectedKeys",
      "ReconciliationsCompleted",
    ]);
    expect(metrics[0]).toMatchObject({ CallsWithoutRecord: 1, VoiceConnectorId: A });
  });

  it("reconciles yesterday in UTC when the event names no day, as the schedule's does", async () => {
    await handler({ "detail-type": "Scheduled Event", source: "aws.events" });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(s3.get(RECORDS, `call-records-by-day/reconciliation/${yesterday}.json`)).toBeDefined();
  });

  it.each([["2026-02-30"], ["yesterday"], [20261206]])(
    "refuses the day %p, logging why, and counts no completed run",
    async (day) => {
      await expect(handler({ day })).rejects.toThrow(/the event's day is invalid/);
      expect(lines.join("")).not.toContain("ReconciliationsCompleted");
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({ level: "ERROR", message: "invalid run" }),
      ]);
    },
  );

  it("fails when S3 refuses, counting no completed run, so that the alarm on completed runs fires", async () => {
    process.env.CALL_DETAIL_RECORDS_BUCKET = "no-such-bucket";
    let failing: Handler = handler;
    jest.isolateModules(() => {
      failing = require(BUNDLE).handler;
    });
    process.env.CALL_DETAIL_RECORDS_BUCKET = CDRS;
    await expect(failing({ day: "2026-12-06" })).rejects.toThrow(
      /ListObjectsV2 of s3:\/\/no-such-bucket\/Amazon-Chime-Voice-Connector-SDRs\/json\/.* failed with NoSuchBucket/,
    );
    expect(lines.join("")).not.toContain("ReconciliationsCompleted");
  });
});
