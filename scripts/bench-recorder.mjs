// Measures the recorder bundle against its targets: size, cold module load, and the per-call cost
// (invocations, DynamoDB and pipeline requests) and throughput of one instance fed realistic SQS
// batches. Reuses the test support (plain CommonJS): dynalite, the fake media pipelines API and the
// SQS simulator, so the bench and the tests measure the same thing. Run with `npm run bench:recorder`.
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const support = (name) => require(`../test/recorder/support/${name}.js`);
const { startCallTable } = support("call-table-server");
const { startFakeMediaPipelines } = support("fake-media-pipelines");
const { SqsSimulator } = support("sqs-simulator");
const { startDeadLetterQueue } = support("dead-letter-queue");
const { makeCall, streamingEvent, VOICE_CONNECTOR_ID } = support("events");
/** The schedule's message (lambda/recorder/sweep.ts; test/recorder/events.test.ts pins its JSON). */
const SWEEP_EVENT = { source: "call-recorder.sweep", "detail-type": "Sweep pending calls" };
const { recorderEnv, RECORDING_BUCKET } = support("recorder-env");
const { startRecorderProcess, BUNDLE } = support("recorder-process");
const { startS3Server } = require("../test/support/s3-server.js");

const CALLS = 200;
const COLD_LOAD_RUNS = 7;
/**
 * The bundle carries five SDK clients; S3's (the recording check and the records) added about 140 KB.
 * What a cold start pays is the load time, which keeps its own target.
 */
const TARGETS = {
  bundleKB: 700,
  coldLoadMs: 200,
  invocationsPerCall: 2,
  dynamodbPerCall: 3,
  dynamodbPerCallChecked: 4,
  s3PerCall: 3,
};
/** 3,000 calls an hour end about 250 to each 5-minute sweep, and each sweep checks every one. */
const CHECKED_CALLS = 250;
const SWEEP_PENDING = 1_000;
const SWEEP_REFUSED = 60;
/** The function's 60 s timeout less the 38 s the sweep keeps for its last calls (SWEEP_RESERVE_MS). */
const SWEEP_BUDGET_S = 22;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function coldLoadMs(env) {
  // Module load only, in a fresh process each time: what a Lambda cold start adds to Node's own start.
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(BUNDLE)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const runs = Array.from({ length: COLD_LOAD_RUNS }, () => {
    const run = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, ...env }, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`loading the bundle failed: ${run.stderr || run.stdout}`);
    return Number(run.stdout);
  });
  return median(runs);
}

/** Each call's two ENDED events, in the order their streams ended; calls overlap as on a busy trunk. */
function endedEvents(calls) {
  return calls
    .flatMap((call) => [
      { at: call.caller.endMs, event: streamingEvent(call, "caller", "ENDED") },
      { at: call.callee.endMs, event: streamingEvent(call, "callee", "ENDED") },
    ])
    .sort((a, b) => a.at - b.at)
    .map(({ event }) => event);
}

/**
 * Runs `work` against the built recorder and loopback servers (dynalite, the media-pipelines fake
 * writing into a loopback S3, the dead-letter queue), then stops them all.
 */
async function withRecorder(pipelineOptions, envOverrides, work) {
  const s3 = await startS3Server({ buckets: [RECORDING_BUCKET], canList: true });
  const [table, pipelines, deadLetters] = await Promise.all([
    startCallTable(),
    startFakeMediaPipelines({ maxActive: Number.MAX_SAFE_INTEGER, ...pipelineOptions }, s3),
    startDeadLetterQueue(),
  ]);
  const env = recorderEnv(
    {
      tableEndpoint: table.endpoint,
      tableName: table.tableName,
      pipelinesUrl: pipelines.url,
      deadLetterQueueUrl: deadLetters.url,
      s3Url: s3.url,
      voiceConnectorId: VOICE_CONNECTOR_ID,
    },
    envOverrides,
  );
  const recorder = await startRecorderProcess(env);
  try {
    return await work({ recorder, table, pipelines, deadLetters, s3 });
  } finally {
    await recorder.close();
    await Promise.all([table.close(), pipelines.close(), deadLetters.close(), s3.close()]);
  }
}

async function perCallCost() {
  return withRecorder({}, {}, async ({ recorder, table, pipelines }) => {
    const calls = Array.from({ length: CALLS }, (_, index) => makeCall(`bench-${index}`, { offsetMs: index * 50 }));
    const queue = new SqsSimulator({ handlers: [recorder.handler] });
    queue.sendAll(endedEvents(calls));
    table.resetCounts();
    const started = performance.now();
    await queue.drain({ timeoutMs: 120_000 });
    const seconds = (performance.now() - started) / 1000;
    const recorded = calls.filter((call) => pipelines.pipelinesFor(call.callId).length === 1).length;
    return {
      recorded,
      deadLetters: queue.deadLetters.length,
      invocationsPerCall: queue.stats.invocations / CALLS,
      dynamodbPerCall: table.total() / CALLS,
      dynamodbByOperation: table.counts(),
      pipelineRequestsPerCall: pipelines.stats.requests / CALLS,
      eventsPerSecond: queue.stats.deliveries / seconds,
    };
  });
}

/**
 * One sweep over a backlog of SWEEP_PENDING overdue single-leg calls, SWEEP_REFUSED of which the
 * service refuses for good (ForbiddenException), with the deployed function's 60 s to do it in.
 */
async function sweepBacklog() {
  return withRecorder({}, { LEG_WAIT_SECONDS: "1", LOG_LEVEL: "WARN" }, async ({ recorder, pipelines, deadLetters }) => {
    const calls = Array.from({ length: SWEEP_PENDING }, (_, index) => makeCall(`backlog-${index}`, { offsetMs: index * 50 }));
    // Refused calls spread through the backlog, the first at its head.
    const every = Math.floor(SWEEP_PENDING / SWEEP_REFUSED);
    const refused = new Set(
      calls
        .filter((_, index) => index % every === 0)
        .slice(0, SWEEP_REFUSED)
        .map((call) => call.callId),
    );
    const queue = new SqsSimulator({ handlers: [recorder.handler] });
    queue.sendAll(calls.map((call) => streamingEvent(call, "caller", "ENDED")));
    await queue.drain({ timeoutMs: 120_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    pipelines.reset({
      maxActive: Number.MAX_SAFE_INTEGER,
      failWith: (body) => (refused.has(body.MediaInsightsRuntimeMetadata?.callId) ? "ForbiddenException" : undefined),
    });
    const started = performance.now();
    const response = await recorder.handler(
      { Records: [{ messageId: "sweep", body: JSON.stringify(SWEEP_EVENT), attributes: { ApproximateReceiveCount: "1" } }] },
      { timeoutMs: 60_000 },
    );
    const seconds = (performance.now() - started) / 1000;
    const healthy = calls.filter((call) => !refused.has(call.callId));
    const letters = deadLetters.messages.map((message) => message.attributes.CallId);
    return {
      seconds,
      acknowledged: response.batchItemFailures.length === 0,
      recorded: healthy.filter((call) => pipelines.pipelinesFor(call.callId).length === 1).length,
      healthy: healthy.length,
      deadLettered: new Set(letters).size,
      deadLetters: letters.length,
      refusedAllLettered: [...refused].every((callId) => letters.includes(callId)),
    };
  });
}

/**
 * CHECKED_CALLS calls recorded through their events, then the one sweep that checks them all: the
 * recording's header by range, the record's PUT, the status kept. Costs per call count both parts.
 */
async function checkSweep() {
  return withRecorder(
    { runMs: 20, recordingOutcome: () => "verified" },
    { RECORDING_CHECK_DELAY_SECONDS: "0", LOG_LEVEL: "WARN" },
    async ({ recorder, table, s3 }) => {
      const calls = Array.from({ length: CHECKED_CALLS }, (_, index) => makeCall(`checked-${index}`, { offsetMs: index * 50 }));
      const queue = new SqsSimulator({ handlers: [recorder.handler] });
      table.resetCounts();
      queue.sendAll(endedEvents(calls));
      await queue.drain({ timeoutMs: 120_000 });
      // Let every pipeline finish writing its file.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const started = performance.now();
      const response = await recorder.handler(
        { Records: [{ messageId: "sweep", body: JSON.stringify(SWEEP_EVENT), attributes: { ApproximateReceiveCount: "1" } }] },
        { timeoutMs: 60_000 },
      );
      const seconds = (performance.now() - started) / 1000;
      const verified = calls.filter((call) => {
        const record = s3.get(RECORDING_BUCKET, `recordings/${call.callId}.json`);
        return record !== undefined && JSON.parse(record.toString("utf8")).verification.status === "verified";
      }).length;
      return {
        seconds,
        acknowledged: response.batchItemFailures.length === 0,
        verified,
        // The sweep's two Queries (pending calls, due checks) are per sweep, not per call.
        dynamodbPerCall: (table.total() - (table.counts().Query ?? 0)) / CHECKED_CALLS,
        queriesPerSweep: table.counts().Query ?? 0,
        dynamodbByOperation: table.counts(),
        s3PerCall: s3.requests.length / CHECKED_CALLS,
        s3ByMethod: Object.fromEntries(
          ["GET", "PUT", "HEAD"].map((method) => [method, s3.requests.filter((request) => request.method === method).length]),
        ),
      };
    },
  );
}

const bundleKB = statSync(BUNDLE).size / 1024;
const loadEnv = recorderEnv({
  tableEndpoint: "http://127.0.0.1:1",
  tableName: "calls",
  pipelinesUrl: "http://127.0.0.1:1",
  deadLetterQueueUrl: "http://127.0.0.1:1/111122223333/call-recorder-dlq",
  s3Url: "http://127.0.0.1:1",
  voiceConnectorId: VOICE_CONNECTOR_ID,
});
const coldMs = coldLoadMs(loadEnv);
const cost = await perCallCost();
const checks = await checkSweep();
const backlog = await sweepBacklog();

const rows = [
  ["bundle size", `${bundleKB.toFixed(1)} KB`, bundleKB <= TARGETS.bundleKB, `<= ${TARGETS.bundleKB} KB`],
  [
    `cold module load (median of ${COLD_LOAD_RUNS})`,
    `${coldMs.toFixed(1)} ms`,
    coldMs <= TARGETS.coldLoadMs,
    `<= ${TARGETS.coldLoadMs} ms`,
  ],
  [
    "Lambda invocations per call",
    cost.invocationsPerCall.toFixed(2),
    cost.invocationsPerCall <= TARGETS.invocationsPerCall,
    `<= ${TARGETS.invocationsPerCall}`,
  ],
  [
    "DynamoDB requests per call",
    cost.dynamodbPerCall.toFixed(2),
    cost.dynamodbPerCall <= TARGETS.dynamodbPerCall,
    `<= ${TARGETS.dynamodbPerCall}`,
  ],
  ["pipeline requests per call", cost.pipelineRequestsPerCall.toFixed(2), cost.pipelineRequestsPerCall === 1, "1"],
  [
    "calls recorded exactly once",
    `${cost.recorded} / ${CALLS}`,
    cost.recorded === CALLS && cost.deadLetters === 0,
    `${CALLS}, no dead letters`,
  ],
  ["events per second, one instance", cost.eventsPerSecond.toFixed(0), true, "(reported)"],
  [
    "DynamoDB requests per call, checked",
    checks.dynamodbPerCall.toFixed(2),
    checks.dynamodbPerCall <= TARGETS.dynamodbPerCallChecked,
    `<= ${TARGETS.dynamodbPerCallChecked}`,
  ],
  ["  DynamoDB queries per sweep", String(checks.queriesPerSweep), true, "(reported)"],
  [
    "S3 requests per call (check, record)",
    checks.s3PerCall.toFixed(2),
    checks.s3PerCall <= TARGETS.s3PerCall,
    `<= ${TARGETS.s3PerCall}`,
  ],
  [
    `one sweep checking ${CHECKED_CALLS} recordings`,
    `${checks.seconds.toFixed(1)} s`,
    checks.seconds <= SWEEP_BUDGET_S && checks.acknowledged,
    `<= ${SWEEP_BUDGET_S} s, acknowledged`,
  ],
  ["  recordings verified by it", `${checks.verified} / ${CHECKED_CALLS}`, checks.verified === CHECKED_CALLS, "all"],
  [
    `sweep of ${SWEEP_PENDING} pending, ${SWEEP_REFUSED} refused`,
    `${backlog.seconds.toFixed(1)} s`,
    backlog.seconds <= SWEEP_BUDGET_S && backlog.acknowledged,
    `<= ${SWEEP_BUDGET_S} s, acknowledged`,
  ],
  ["  healthy calls recorded by it", `${backlog.recorded} / ${backlog.healthy}`, backlog.recorded === backlog.healthy, "all"],
  [
    "  refused calls dead-lettered",
    `${backlog.deadLettered} (${backlog.deadLetters} letters)`,
    backlog.refusedAllLettered && backlog.deadLetters === SWEEP_REFUSED,
    `${SWEEP_REFUSED}, once each`,
  ],
];

console.log(`recorder bench: ${CALLS} calls, two ENDED events each, SQS batches of up to 10, one instance\n`);
for (const [name, value, ok, target] of rows) {
  console.log(`${ok ? "ok  " : "MISS"}  ${name.padEnd(36)} ${value.padStart(12)}   target ${target}`);
}
console.log(`\nDynamoDB requests by operation: ${JSON.stringify(cost.dynamodbByOperation)}`);
console.log(
  `With the check, ${CHECKED_CALLS} calls: DynamoDB ${JSON.stringify(checks.dynamodbByOperation)}, S3 ${JSON.stringify(checks.s3ByMethod)}`,
);
if (rows.some(([, , ok]) => !ok)) process.exitCode = 1;
