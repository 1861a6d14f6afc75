// Measures the recorder bundle against its targets: size, cold module load, and the per-call cost
// (invocations, DynamoDB, pipeline, S3 and Kinesis Video Streams requests) and throughput of one
// instance fed realistic SQS batches. Reuses the test support (plain CommonJS): dynalite, the fake
// media pipelines API, the Kinesis Video Streams stand-in and the SQS simulator, so the bench and the
// tests measure the same thing. Run with `npm run bench:recorder`.
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";

const require = createRequire(import.meta.url);
const support = (name) => require(`../test/recorder/support/${name}.js`);
const { startCallTable } = support("call-table-server");
const { startFakeMediaPipelines } = support("fake-media-pipelines");
const { startFakeKinesisVideo } = support("fake-kinesis-video");
const { SqsSimulator } = support("sqs-simulator");
const { startDeadLetterQueue } = support("dead-letter-queue");
const { makeCall, recentCall, streamingEvent, callEvents, VOICE_CONNECTOR_ID } = support("events");
/** The schedule's message (lambda/recorder/sweep.ts; test/recorder/events.test.ts pins its JSON). */
const SWEEP_EVENT = { source: "call-recorder.sweep", "detail-type": "Sweep pending calls" };
const { recorderEnv, RECORDING_BUCKET } = support("recorder-env");
const { startRecorderProcess, BUNDLE } = support("recorder-process");
const { startS3Server } = require("../test/support/s3-server.js");

const CALLS = 200;
/**
 * Calls start this far apart and last about 15.5 s, so some 155 overlap, and from the 16th second on
 * the STARTED and ENDED events of different calls interleave, as on a busy trunk.
 */
const CALL_SPACING_MS = 100;
const COLD_LOAD_RUNS = 7;
/**
 * The bundle carries seven SDK clients; the two Kinesis Video Streams clients (GetDataEndpoint and
 * ListFragments, to read an open leg's end off its stream) came with the call inventory. What a cold
 * start pays is the load time, which keeps its own target.
 */
const TARGETS = {
  bundleKB: 800,
  coldLoadMs: 100,
  /** Four events a call (two STARTED, two ENDED) in full batches of 10: 0.4 at best. */
  invocationsPerCallFloor: 0.4,
  invocationsPerCall: 0.5,
  /** Two legs started, two ended, the claim, the settlement. */
  dynamodbPerCall: 6,
  /** The same, and the check's UpdateItem; the sweep's Queries are per sweep. */
  dynamodbPerCallChecked: 7,
  s3PerCall: 3,
};
/** 3,000 calls an hour end about 250 to each 5-minute sweep, and each sweep checks every one. */
const CHECKED_CALLS = 250;
const SWEEP_PENDING = 1_000;
const SWEEP_REFUSED = 60;
/** Open calls (both legs STARTED, no ENDED, still streaming) whose scans are counted. */
const OPEN_CALLS = 200;
/** Open calls one sweep must scan inside its budget. */
const SWEEP_OPEN = 1_000;
/** The function's 60 s timeout less the 38 s the sweep keeps for its last calls (SWEEP_RESERVE_MS). */
const SWEEP_BUDGET_S = 22;
/** The env of the open-call runs: due 1 s after the latest event, and put off 1 s by a scan that finds a leg streaming. */
const OPEN_CALL_ENV = { LEG_WAIT_SECONDS: "1", SWEEP_RETRY_SECONDS: "1" };
/** How long before their STARTED events are delivered the open calls' legs started (recentCall). */
const OPEN_CALL_AGO_MS = 20_000;
/**
 * The stand-in holds each open leg's fragments this far past the present, so its stream keeps
 * streaming while a long sweep runs; a scan asks ListFragments only up to its own now, so it sees
 * exactly what had arrived by then.
 */
const STREAM_AHEAD_MS = 60_000;
/**
 * The production schedule of an open call's scans (lambda/recorder/config.ts, call-sweep.ts,
 * stream-fragments.ts): first due LEG_WAIT_SECONDS after its latest event, then put off by
 * retryDelayMs(config, attempts, MAX_OPEN_LEG_DELAY_MS); a data endpoint is kept an hour.
 */
const PRODUCTION = { legWaitS: 900, sweepRetryS: 300, maxOpenLegDelayS: 1_800, endpointTtlS: 3_600, scanOverlapS: 5 };
/** Hours of an open call's life the per-hour figures are computed over: the first, and the later ones. */
const OPEN_CALL_HOURS = 6;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sweepMessage = () => ({
  Records: [{ messageId: "sweep", body: JSON.stringify(SWEEP_EVENT), attributes: { ApproximateReceiveCount: "1" } }],
});

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

/** When an event happened: a STARTED at its leg's start, an ENDED at its leg's end. */
const happenedAt = (event) =>
  Date.parse(event.detail.streamingStatus === "ENDED" ? event.detail.endTime : event.detail.startTime);

/** Each call's four events (callEvents), each at its own time, in the order they happen across overlapping calls. */
function timedEvents(calls) {
  return calls
    .flatMap((call) => callEvents(call).map((event) => ({ at: happenedAt(event), event })))
    .sort((a, b) => a.at - b.at)
    .map(({ event }) => event);
}

const callsOf = (prefix, count) =>
  Array.from({ length: count }, (_, index) => makeCall(`${prefix}-${index}`, { offsetMs: index * CALL_SPACING_MS }));

const bothStreams = (call) => [call.caller.streamArn, call.callee.streamArn].sort().join(" ");
const streamsOf = (pipeline) =>
  pipeline.body.KinesisVideoStreamRecordingSourceRuntimeConfiguration.Streams.map((stream) => stream.StreamArn)
    .sort()
    .join(" ");
/** One pipeline for the call, recording both of its streams. */
const recordedOnce = (pipelines, call) => {
  const created = pipelines.pipelinesFor(call.callId);
  return created.length === 1 && streamsOf(created[0]) === bothStreams(call);
};

/** WARN and ERROR lines by message, to tell expected warnings from a misbehaving recorder. */
function warnings(logs) {
  const counts = {};
  for (const line of logs) {
    if (typeof line !== "object" || (line.level !== "WARN" && line.level !== "ERROR")) continue;
    const key = `${line.level} ${line.message}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
const logged = (logs, message) => logs.filter((line) => typeof line === "object" && line.message === message).length;

/**
 * Runs `work` against the built recorder and loopback servers (dynalite, the media-pipelines fake
 * writing into a loopback S3, the Kinesis Video Streams stand-in, the dead-letter queue), then stops
 * them all. Returns what `work` returns, with what the stand-ins saw outside the models and the
 * recorder's warnings.
 */
async function withRecorder(pipelineOptions, envOverrides, work) {
  const s3 = await startS3Server({ buckets: [RECORDING_BUCKET], canList: true });
  const [table, pipelines, deadLetters, streams] = await Promise.all([
    startCallTable(),
    startFakeMediaPipelines({ maxActive: Number.MAX_SAFE_INTEGER, ...pipelineOptions }, s3),
    startDeadLetterQueue(),
    startFakeKinesisVideo(),
  ]);
  const env = recorderEnv(
    {
      tableEndpoint: table.endpoint,
      tableName: table.tableName,
      pipelinesUrl: pipelines.url,
      deadLetterQueueUrl: deadLetters.url,
      s3Url: s3.url,
      voiceConnectorId: VOICE_CONNECTOR_ID,
      kinesisVideoUrl: streams.url,
    },
    envOverrides,
  );
  const recorder = await startRecorderProcess(env);
  try {
    const result = await work({ recorder, table, pipelines, deadLetters, s3, streams });
    const problems = [
      ...s3.modelProblems,
      ...streams.modelProblems,
      ...streams.requestProblems,
      ...pipelines.modelProblems,
      ...pipelines.tokenConflicts.map((conflict) => `token ${conflict.token} reused with other parameters`),
    ];
    try {
      deadLetters.verify();
    } catch (error) {
      problems.push(error.message);
    }
    return { ...result, problems, warnings: warnings(recorder.logs) };
  } finally {
    await recorder.close();
    await Promise.all([table.close(), pipelines.close(), deadLetters.close(), s3.close(), streams.close()]);
  }
}

/** CALLS calls, their four events each in the order they happen, through the SQS simulator's batches of 10. */
async function perCallCost() {
  return withRecorder({}, {}, async ({ recorder, table, pipelines, deadLetters, streams }) => {
    const calls = callsOf("bench", CALLS);
    const queue = new SqsSimulator({ handlers: [recorder.handler] });
    queue.sendAll(timedEvents(calls));
    table.resetCounts();
    const started = performance.now();
    await queue.drain({ timeoutMs: 120_000 });
    const seconds = (performance.now() - started) / 1000;
    return {
      recorded: calls.filter((call) => recordedOnce(pipelines, call)).length,
      deadLetters: queue.deadLetters.length + deadLetters.messages.length,
      failedRecords: queue.stats.failedRecords,
      invocationsPerCall: queue.stats.invocations / CALLS,
      dynamodbPerCall: table.total() / CALLS,
      dynamodbByOperation: table.counts(),
      pipelineRequestsPerCall: pipelines.stats.requests / CALLS,
      kinesisVideoRequests: streams.requests.length,
      eventsPerSecond: queue.stats.deliveries / seconds,
      // A claim whose condition failed (a concurrent event changed the legs, or claimed first) costs one UpdateItem more.
      lostClaims: logged(
        recorder.logs,
        "the call's legs changed, or another attempt claimed it, since they were read; the latest attempt decides",
      ),
      settledTwice: logged(recorder.logs, "recording was already settled by a concurrent attempt"),
    };
  });
}

/**
 * One sweep over a backlog of SWEEP_PENDING overdue single-leg calls (one ENDED each, no STARTED:
 * the other leg never reported, so there is no open leg to scan), SWEEP_REFUSED of which the service
 * refuses for good (ForbiddenException), with the deployed function's 60 s to do it in.
 */
async function sweepBacklog() {
  return withRecorder({}, { LEG_WAIT_SECONDS: "1", LOG_LEVEL: "WARN" }, async ({ recorder, pipelines, deadLetters }) => {
    const calls = callsOf("backlog", SWEEP_PENDING);
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
    await sleep(1_100);
    pipelines.reset({
      maxActive: Number.MAX_SAFE_INTEGER,
      failWith: (body) => (refused.has(body.MediaInsightsRuntimeMetadata?.callId) ? "ForbiddenException" : undefined),
    });
    const started = performance.now();
    const response = await recorder.handler(sweepMessage(), { timeoutMs: 60_000 });
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
 * CHECKED_CALLS calls recorded through their four events each, then the one sweep that checks them
 * all: the recording's header by range, the record's PUT, the status kept. Costs per call count both parts.
 */
async function checkSweep() {
  return withRecorder(
    { runMs: 20, recordingOutcome: () => "verified" },
    { RECORDING_CHECK_DELAY_SECONDS: "0", LOG_LEVEL: "WARN" },
    async ({ recorder, table, s3, pipelines, deadLetters }) => {
      const calls = callsOf("checked", CHECKED_CALLS);
      const queue = new SqsSimulator({ handlers: [recorder.handler] });
      table.resetCounts();
      queue.sendAll(timedEvents(calls));
      await queue.drain({ timeoutMs: 120_000 });
      const dynamodbBefore = table.total();
      // Let every pipeline finish writing its file.
      await sleep(500);
      const started = performance.now();
      const response = await recorder.handler(sweepMessage(), { timeoutMs: 60_000 });
      const seconds = (performance.now() - started) / 1000;
      const verified = calls.filter((call) => {
        const record = s3.get(RECORDING_BUCKET, `recordings/${call.callId}.json`);
        return record !== undefined && JSON.parse(record.toString("utf8")).verification.status === "verified";
      }).length;
      return {
        seconds,
        acknowledged: response.batchItemFailures.length === 0,
        verified,
        recorded: calls.filter((call) => recordedOnce(pipelines, call)).length,
        deadLetters: queue.deadLetters.length + deadLetters.messages.length,
        dynamodbPerCallBefore: dynamodbBefore / CHECKED_CALLS,
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

/** The calls' items, a few reads at a time: a thousand at once make dynalite reset connections. */
async function readItems(table, calls) {
  const items = [];
  for (let index = 0; index < calls.length; index += 25) {
    items.push(...(await Promise.all(calls.slice(index, index + 25).map((call) => table.getItem(call.callId)))));
  }
  return items;
}

/**
 * `count` open calls: both legs STARTED OPEN_CALL_AGO_MS ago, no ENDED, both streams still streaming.
 * Only their STARTED events are delivered; once due (LEG_WAIT_SECONDS=1), `sweeps` sweeps run one
 * after the other in the same instance, each after the calls are due again (SWEEP_RETRY_SECONDS=1),
 * each with the deployed function's 60 s. Each sweep reports its time, its Kinesis Video Streams
 * requests, its "sweep finished" tally, and whether every call is still pending and unclaimed.
 */
async function openCallSweeps(count, sweeps) {
  return withRecorder({}, OPEN_CALL_ENV, async ({ recorder, table, pipelines, streams }) => {
    const calls = Array.from({ length: count }, (_, index) => recentCall(`open-${index}`, OPEN_CALL_AGO_MS));
    const legs = calls.flatMap((call) => [call.caller, call.callee]);
    const streamedTo = new Map(legs.map((leg) => [leg.streamArn, leg.startMs]));
    const keepStreaming = () => {
      const untilMs = Date.now() + STREAM_AHEAD_MS;
      for (const leg of legs) {
        const fromMs = streamedTo.get(leg.streamArn);
        if (fromMs >= untilMs) continue;
        streams.addFragments(leg.streamArn, { fromMs, toMs: untilMs });
        streamedTo.set(leg.streamArn, untilMs);
      }
    };
    // Setup, not measured: four pollers on the one instance deliver the STARTED events faster.
    const queue = new SqsSimulator({ handlers: Array.from({ length: 4 }, () => recorder.handler) });
    queue.sendAll(
      calls.flatMap((call) => [streamingEvent(call, "callee", "STARTED"), streamingEvent(call, "caller", "STARTED")]),
    );
    await queue.drain({ timeoutMs: 120_000 });
    if (queue.deadLetters.length > 0) throw new Error(`${queue.deadLetters.length} STARTED events were dead-lettered`);
    const results = [];
    let dueAtMs = Date.now() + Number(OPEN_CALL_ENV.LEG_WAIT_SECONDS) * 1000;
    for (let sweep = 0; sweep < sweeps; sweep++) {
      await sleep(Math.max(0, dueAtMs - Date.now()) + 100);
      keepStreaming();
      const before = { ...streams.stats };
      table.resetCounts();
      const logsBefore = recorder.logs.length;
      const started = performance.now();
      const response = await recorder.handler(sweepMessage(), { timeoutMs: 60_000 });
      const seconds = (performance.now() - started) / 1000;
      dueAtMs = Date.now() + Number(OPEN_CALL_ENV.SWEEP_RETRY_SECONDS) * 1000;
      const finished = recorder.logs
        .slice(logsBefore)
        .findLast((line) => typeof line === "object" && line.message === "sweep finished");
      const items = await readItems(table, calls);
      results.push({
        seconds,
        acknowledged: response.batchItemFailures.length === 0,
        getDataEndpointPerCall: (streams.stats.GetDataEndpoint - before.GetDataEndpoint) / count,
        listFragmentsPerCall: (streams.stats.ListFragments - before.ListFragments) / count,
        // The sweep's Queries are per sweep, as for the check.
        dynamodbPerCall: (table.total() - (table.counts().Query ?? 0)) / count,
        dynamodbByOperation: table.counts(),
        due: finished?.due,
        streaming: finished?.streaming,
        leftForNextSweep: finished?.leftForNextSweep,
        // Pending, unclaimed, not recorded, and no pipeline asked for: the scan ended no leg that still streams.
        stillOpen: items.filter((item) => item?.pending?.S === "1" && item.claim === undefined && item.recorded_at === undefined)
          .length,
        pipelineRequests: pipelines.stats.requests,
      });
    }
    return { sweeps: results };
  });
}

/**
 * Scan times of an open call in seconds after its latest event, on the production schedule, and
 * whether each must ask GetDataEndpoint first. Assumes one warm instance runs every sweep of the call
 * and keeps its streams' endpoints (the cache holds 1,000 streams: up to 500 open calls), each for an
 * hour after it was asked; sweeps on another instance would ask again.
 */
function productionScans(hours) {
  const scans = [];
  let endpointExpiresS = Number.NEGATIVE_INFINITY;
  let atS = PRODUCTION.legWaitS;
  for (let attempts = 1; atS < hours * 3_600; attempts++) {
    const fetchesEndpoint = !(endpointExpiresS > atS);
    if (fetchesEndpoint) endpointExpiresS = atS + PRODUCTION.endpointTtlS;
    // The stream read: from the leg's start (about the latest event) at first, then from the last scan less its overlap.
    const spanS = attempts === 1 ? atS : scans.at(-1).delayS + PRODUCTION.scanOverlapS;
    const delayS = Math.min(PRODUCTION.sweepRetryS * 2 ** (attempts - 1), PRODUCTION.maxOpenLegDelayS);
    scans.push({ atS, fetchesEndpoint, spanS, delayS });
    atS += delayS;
  }
  return scans;
}

/**
 * Kinesis Video Streams requests per open call in each hour of its life: the measured ListFragments
 * of a scan, and the measured GetDataEndpoint of a scan that asks for the endpoints. The measured
 * scans read one page per leg; with `fragmentMs` given, a scan whose span holds more than a page of
 * fragments (1,000) is counted a page per 1,000.
 */
function requestsPerHour(cold, warm, fragmentMs) {
  const scans = productionScans(OPEN_CALL_HOURS);
  const pages = (scan) => (fragmentMs === undefined ? 1 : Math.max(1, Math.ceil((scan.spanS * 1000) / fragmentMs / 1000)));
  return Array.from({ length: OPEN_CALL_HOURS }, (_, hour) => {
    const inHour = scans.filter((scan) => scan.atS >= hour * 3_600 && scan.atS < (hour + 1) * 3_600);
    const requests = inHour.reduce(
      (sum, scan) =>
        sum +
        (scan.fetchesEndpoint ? cold.getDataEndpointPerCall : warm.getDataEndpointPerCall) +
        warm.listFragmentsPerCall * pages(scan),
      0,
    );
    return { scans: inHour.length, fetches: inHour.filter((scan) => scan.fetchesEndpoint).length, requests };
  });
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
const benchStarted = performance.now();
const coldMs = coldLoadMs(loadEnv);
const cost = await perCallCost();
const checks = await checkSweep();
const backlog = await sweepBacklog();
const open = await openCallSweeps(OPEN_CALLS, 2);
const wide = await openCallSweeps(SWEEP_OPEN, 2);
const benchSeconds = (performance.now() - benchStarted) / 1000;

const [coldScan, warmScan] = open.sweeps;
const scanRequests = (scan) => scan.getDataEndpointPerCall + scan.listFragmentsPerCall;
const short = (value) => String(Number(value.toFixed(2)));
const scanDetail = (scan) =>
  `${scanRequests(scan).toFixed(2)} (${short(scan.getDataEndpointPerCall)}+${short(scan.listFragmentsPerCall)})`;
const hourly = requestsPerHour(coldScan, warmScan);
/** The same with one-second fragments (as a Voice Connector's are said to be, leg-timing.ts): a 30-minute re-scan reads two pages a leg. */
const hourlyShortFragments = requestsPerHour(coldScan, warmScan, 1_000);
const laterHours = hourly.slice(1).map((hour) => hour.requests);
const laterHoursText =
  Math.min(...laterHours) === Math.max(...laterHours)
    ? laterHours[0].toFixed(2)
    : `${Math.min(...laterHours).toFixed(2)}-${Math.max(...laterHours).toFixed(2)}`;
const [wideSweep, wideRescan] = wide.sweeps;
const openStayedOpen = (run, count) => run.sweeps.every((sweep) => sweep.stillOpen === count && sweep.pipelineRequests === 0);
const scenarios = {
  "per-call cost": cost,
  "check sweep": checks,
  backlog,
  [`${OPEN_CALLS} open calls`]: open,
  [`${SWEEP_OPEN} open calls`]: wide,
};
const problems = Object.entries(scenarios).flatMap(([name, result]) => result.problems.map((problem) => `${name}: ${problem}`));

const rows = [
  ["bundle size", `${bundleKB.toFixed(1)} KB`, bundleKB <= TARGETS.bundleKB, `<= ${TARGETS.bundleKB} KB`],
  [
    `cold module load (median of ${COLD_LOAD_RUNS})`,
    `${coldMs.toFixed(1)} ms`,
    coldMs <= TARGETS.coldLoadMs,
    `<= ${TARGETS.coldLoadMs} ms`,
  ],
  [
    "Lambda invocations per call (4 events)",
    cost.invocationsPerCall.toFixed(2),
    cost.invocationsPerCall <= TARGETS.invocationsPerCall,
    `<= ${TARGETS.invocationsPerCall} (floor ${TARGETS.invocationsPerCallFloor})`,
  ],
  [
    "DynamoDB requests per call, before the check",
    cost.dynamodbPerCall.toFixed(2),
    cost.dynamodbPerCall <= TARGETS.dynamodbPerCall,
    `<= ${TARGETS.dynamodbPerCall}`,
  ],
  ["pipeline requests per call", cost.pipelineRequestsPerCall.toFixed(2), cost.pipelineRequestsPerCall === 1, "1"],
  [
    "calls recorded exactly once, both streams",
    `${cost.recorded} / ${CALLS}`,
    cost.recorded === CALLS && cost.deadLetters === 0,
    `${CALLS}, no dead letters`,
  ],
  ["events per second, one instance", cost.eventsPerSecond.toFixed(0), true, "(reported)"],
  [
    `DynamoDB requests per call, checked (${CHECKED_CALLS})`,
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
  [
    "  recordings verified by it",
    `${checks.verified} / ${CHECKED_CALLS}`,
    checks.verified === CHECKED_CALLS && checks.recorded === CHECKED_CALLS && checks.deadLetters === 0,
    "all, each recorded once",
  ],
  [
    `sweep of ${SWEEP_PENDING} pending (ENDED only), ${SWEEP_REFUSED} refused`,
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
  [`KVS requests per open call, first scan`, scanDetail(coldScan), true, "(reported) GetDataEndpoint+ListFragments"],
  ["KVS requests per open call, next scan", scanDetail(warmScan), true, "(reported) endpoints cached"],
  [
    "KVS requests per open call, 1st hour",
    hourly[0].requests.toFixed(2),
    true,
    `(computed) ${hourly[0].scans} scans, warm instance, endpoints kept 1 h`,
  ],
  [
    "KVS requests per open call, later hours",
    laterHoursText,
    true,
    `(computed) ${hourly[1].scans} scans/h, ${hourly[1].fetches} asks the endpoints again`,
  ],
  [
    `  open calls still pending, unrecorded`,
    `${Math.min(...open.sweeps.map((sweep) => sweep.stillOpen))} / ${OPEN_CALLS}`,
    openStayedOpen(open, OPEN_CALLS) && open.sweeps.every((sweep) => sweep.streaming === OPEN_CALLS),
    "all, after each scan",
  ],
  [
    `one sweep scanning ${SWEEP_OPEN} open calls`,
    `${wideSweep.seconds.toFixed(1)} s`,
    wideSweep.seconds <= SWEEP_BUDGET_S && wideSweep.acknowledged,
    `<= ${SWEEP_BUDGET_S} s, acknowledged`,
  ],
  [
    "  open calls scanned, left for next sweep",
    `${wideSweep.streaming ?? "?"} / ${SWEEP_OPEN}, ${wideSweep.leftForNextSweep ?? "?"} left`,
    wideSweep.streaming === SWEEP_OPEN && wideSweep.leftForNextSweep === 0,
    `${SWEEP_OPEN}, 0 left`,
  ],
  [
    "  open calls still pending, unrecorded",
    `${wideSweep.stillOpen} / ${SWEEP_OPEN}`,
    openStayedOpen({ sweeps: [wideSweep] }, SWEEP_OPEN),
    "all",
  ],
  [
    `  next scan of ${SWEEP_OPEN}: KVS requests per call`,
    scanDetail(wideRescan),
    true,
    `(reported) ${wideRescan.seconds.toFixed(1)} s, ${wideRescan.streaming ?? "?"} scanned`,
  ],
  ["stand-ins: requests outside the models", String(problems.length), problems.length === 0, "0, no token conflict"],
];

console.log(
  `recorder bench: ${CALLS} calls, four events each (two STARTED, two ENDED) in the order they happen, SQS batches of up to 10, one instance\n`,
);
for (const [name, value, ok, target] of rows) {
  console.log(`${ok ? "ok  " : "MISS"}  ${name.padEnd(46)} ${value.padStart(16)}   target ${target}`);
}
if (coldMs > TARGETS.coldLoadMs) {
  console.log(
    `\nCold load: ${coldMs.toFixed(1)} ms against ${TARGETS.coldLoadMs} ms on this ${availableParallelism()}-core machine; the seven SDK clients are loaded at init.`,
  );
}
console.log(
  `\nDynamoDB requests by operation: ${JSON.stringify(cost.dynamodbByOperation)}; claims that lost their condition ${cost.lostClaims}, settlements already made ${cost.settledTwice}, records failed back to the queue ${cost.failedRecords}, Kinesis Video requests ${cost.kinesisVideoRequests}`,
);
console.log(
  `With the check, ${CHECKED_CALLS} calls: ${checks.dynamodbPerCallBefore.toFixed(2)} DynamoDB requests per call before it; DynamoDB ${JSON.stringify(checks.dynamodbByOperation)}, S3 ${JSON.stringify(checks.s3ByMethod)}`,
);
console.log(
  `Open calls per hour (production schedule from ${PRODUCTION.legWaitS} s after the latest event): ${hourly.map((hour, index) => `hour ${index + 1}: ${hour.scans} scans, ${hour.requests.toFixed(2)} requests`).join("; ")}`,
);
console.log(
  `  measured scans read one ListFragments page a leg (2 s fragments, the stand-in's); with 1 s fragments: ${hourlyShortFragments.map((hour, index) => `hour ${index + 1}: ${hour.requests.toFixed(2)}`).join("; ")}`,
);
console.log(
  `DynamoDB per open call per scan: ${[...open.sweeps, ...wide.sweeps].map((sweep) => `${sweep.dynamodbPerCall.toFixed(2)} ${JSON.stringify(sweep.dynamodbByOperation)}`).join(", ")} (${OPEN_CALLS} calls twice, then ${SWEEP_OPEN} twice)`,
);
for (const [name, result] of Object.entries(scenarios)) {
  const lines = Object.entries(result.warnings);
  if (lines.length > 0) console.log(`Logged in ${name}: ${lines.map(([message, count]) => `${count} x ${message}`).join("; ")}`);
}
for (const problem of problems.slice(0, 10)) console.log(`Problem: ${problem}`);
console.log(`\nBench ran in ${benchSeconds.toFixed(0)} s.`);
if (rows.some(([, , ok]) => !ok)) process.exitCode = 1;
