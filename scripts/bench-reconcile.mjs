// Measures the daily reconciliation of one day of 72,000 calls (3,000 an hour) on one connector
// against the loopback S3 and call table the tests use: requests by operation, wall time and peak
// memory of the built function (dist/reconciler/index.js, run in a process of its own), compared with
// its memory and timeout (stacks/reconciliation/reconciler-function.ts). Run with `npm run bench:reconcile`.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { startS3Server } = require("../test/support/s3-server.js");
const { startCallTable } = require("../test/recorder/support/call-table-server.js");
const { loopbackAwsEnv } = require("../test/support/loopback-aws-env.js");

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BUNDLE = path.join(root, "dist/reconciler/index.js");
const CALLS_PER_HOUR = 3_000;
const CALLS = 24 * CALLS_PER_HOUR;
const DAY = "2026-12-06";
const CONNECTOR = "abcdef1234567890abcdef";
const CDRS = "chime-cdrs-111122223333";
const RECORDS = "call-recordings-111122223333";
const PREFIX = "call-records-by-day";
/** The function's settings (stacks/reconciliation/reconciler-function.ts). */
const FUNCTION = { memoryMB: 1769, timeoutS: 900 };
/** Lambda gives a function one vCPU at 1,769 MB, and a share in proportion below it. */
const VCPU_AT_MB = 1769;
/** Calls of the day the recorder never heard of, and calls still pending at the run. */
const MISSING = 5;
const PENDING = 20;
/** S3's first-byte latency per request is typically tens of milliseconds (S3 performance guidelines): the model's figure. */
const S3_LATENCY_MS = 30;
const CONCURRENCY = 32;

const pad = (n, width = 2) => String(n).padStart(width, "0");
/** A record by day as the recorder writes it: about 1.3 KB on one line. */
const recordBody = (index, transactionId) =>
  `${JSON.stringify({
    schemaVersion: 2,
    callId: `call-${index}`,
    transactionId,
    voiceConnectorId: CONNECTOR,
    direction: "Inbound",
    fromNumber: "+12065550100",
    toNumber: "+12065550199",
    startTime: `${DAY}T00:00:00.000Z`,
    endTime: `${DAY}T00:03:00.000Z`,
    durationSeconds: 180,
    outcome: index % 50 === 0 ? "single_leg" : "recorded",
    split: false,
    channels: [0, 1].map((channel) => ({
      channel,
      role: channel ? "callee" : "caller",
      streamArn: `arn:aws:kinesisvideo:us-east-1:111122223333:stream/ChimeVoiceConnector-${CONNECTOR}-${transactionId}-${channel}/1`,
    })),
    recording: {
      bucket: RECORDS,
      key: `recordings/call-${index}.wav`,
      format: "Wav",
      pipelineArn: "arn:aws:chime:us-east-1:111122223333:media-pipeline/p",
      attempts: [],
    },
    verification: { status: "verified", bytes: 5_760_044, channels: 2, sampleRateHz: 8000, durationSeconds: 180 },
  })}\n`;

async function populate(s3, table) {
  for (const [offset, day] of [
    [-1, "2026-12-05"],
    [0, DAY],
    [1, "2026-12-07"],
  ]) {
    for (let index = 0; index < CALLS; index += 1) {
      const seconds = Math.floor((index * 86_400) / CALLS);
      const time = `${pad(Math.floor(seconds / 3600))}.${pad(Math.floor(seconds / 60) % 60)}.${pad(seconds % 60)}.000`;
      const transactionId = `${offset + 1}${pad(index, 7)}-0000-4000-8000-000000000000`;
      // The day's detail records: every call, both separators, and those of the next day (listed too).
      if (offset >= 0) {
        s3.put(
          CDRS,
          `Amazon-Chime-Voice-Connector-SDRs/json/${CONNECTOR}/${day.replaceAll("-", "/")}/${time}${index % 2 ? "_" : "-"}${transactionId}`,
          "",
        );
      }
      const unrecorded = offset === 0 && index < MISSING + PENDING;
      if (unrecorded && index >= MISSING) {
        await table.putItem({
          call_id: { S: `call-${index}` },
          pending: { S: "1" },
          pending_since: { N: "0" },
          call_details: { S: JSON.stringify({ transactionId }) },
        });
      }
      if (unrecorded) continue;
      const key = `${PREFIX}/start_day=${day}/${CONNECTOR}.${transactionId}.call-${index}.json`;
      // Only the day's records are read; the neighbours' are listed.
      s3.put(RECORDS, key, offset === 0 ? recordBody(index, transactionId) : "");
    }
  }
}

function runFunction(env) {
  const child = spawn(
    process.execPath,
    [
      // The heap capped at three quarters of the function's memory: the run must fit with room to spare.
      `--max-old-space-size=${Math.floor((FUNCTION.memoryMB * 3) / 4)}`,
      "--expose-gc",
      "-e",
      `const started = process.hrtime.bigint();
       require(${JSON.stringify(BUNDLE)}).handler({ day: ${JSON.stringify(DAY)} }).then((totals) => {
         const usage = process.resourceUsage();
         global.gc();
         process.stderr.write(JSON.stringify({ totals, wallMs: Number(process.hrtime.bigint() - started) / 1e6, maxRssKB: usage.maxRSS, heapAfterGcMB: process.memoryUsage().heapUsed / 1048576, userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000 }));
       });`,
    ],
    { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let err = "";
  child.stderr.on("data", (chunk) => {
    err += chunk;
  });
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(err.slice(err.indexOf("{")))) : reject(new Error(err)))),
  );
}

const [s3, table] = await Promise.all([startS3Server({ buckets: [RECORDS, CDRS], canList: true }), startCallTable()]);
try {
  const populateStarted = Date.now();
  await populate(s3, table);
  console.log(`populated ${s3.objects.size} objects in ${((Date.now() - populateStarted) / 1000).toFixed(1)} s`);
  s3.requests.length = 0;
  table.resetCounts();
  const run = await runFunction({
    ...loopbackAwsEnv("AKIDBENCH"),
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    CALL_DETAIL_RECORDS_BUCKET: CDRS,
    RECORDS_BUCKET: RECORDS,
    RECORDS_BY_DAY_PREFIX: PREFIX,
    VOICE_CONNECTOR_IDS: CONNECTOR,
    CALL_TABLE: table.tableName,
    READ_CONCURRENCY: String(CONCURRENCY),
    LOG_LEVEL: "WARN",
  });
  const byOperation = {};
  for (const request of s3.requests) byOperation[request.operation] = (byOperation[request.operation] ?? 0) + 1;
  const report = s3.get(RECORDS, `${PREFIX}/reconciliation/${DAY}.json`);
  const gets = byOperation.GetObject ?? 0;
  const lists = byOperation.ListObjectsV2 ?? 0;
  // Lists page in sequence per prefix; GETs run CONCURRENCY at once.
  const modelS = ((lists + Math.ceil(gets / CONCURRENCY) + 2) * S3_LATENCY_MS) / 1000;
  // The loopback server shares this machine's cores, so the wall time here is no estimate of Lambda's:
  // the run's own CPU, at the function's vCPU share, and the requests' latency are.
  const cpuS = (run.userMs + run.systemMs) / 1000;
  const lambdaS = Math.max(cpuS / Math.min(1, FUNCTION.memoryMB / VCPU_AT_MB), modelS);
  const figures = {
    calls: CALLS,
    totals: run.totals,
    s3Requests: byOperation,
    dynamodbRequests: table.counts(),
    reportKB: Math.round((report?.length ?? 0) / 1024),
    wallS: +(run.wallMs / 1000).toFixed(1),
    cpuS: +cpuS.toFixed(1),
    peakRssMB: Math.round(run.maxRssKB / 1024),
    heapAfterGcMB: Math.round(run.heapAfterGcMB),
    modelAtS3LatencyS: +modelS.toFixed(1),
    estimatedLambdaS: +lambdaS.toFixed(1),
    function: FUNCTION,
  };
  console.log(JSON.stringify(figures, null, 2));
  const problems = [];
  if (run.totals.callsWithoutRecord !== MISSING || run.totals.pending !== PENDING) problems.push("the counts are wrong");
  // Half the memory and a quarter of the timeout: room for a busier day, or slower requests.
  if (figures.peakRssMB > FUNCTION.memoryMB / 2)
    problems.push(`peak RSS ${figures.peakRssMB} MB is over half the function's ${FUNCTION.memoryMB} MB`);
  if (lambdaS > FUNCTION.timeoutS / 4)
    problems.push(`the run would take ${lambdaS.toFixed(0)} s on Lambda, over a quarter of the ${FUNCTION.timeoutS} s timeout`);
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    process.exitCode = 1;
  }
} finally {
  await Promise.all([s3.close(), table.close()]);
}
