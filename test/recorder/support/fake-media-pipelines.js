"use strict";
/**
 * A loopback stand-in for the Chime SDK Media Pipelines REST-JSON API, just enough of
 * `POST /media-insights-pipelines` (CreateMediaInsightsPipeline) to exercise the recorder:
 * idempotency by ClientRequestToken, throttling, the active-pipeline quota and the request
 * validation the real service does. Plain CommonJS so that the tests and the bench share it.
 */
const http = require("node:http");
const { randomUUID } = require("node:crypto");
const { loadServiceModel, operationProblems, shapeProblems } = require("../../support/model-endpoint");
const { writeRecording } = require("./recording-sink");

const MODEL = loadServiceModel("chime-sdk-media-pipelines", "2021-07-15");

const TOKEN = /^[-_a-zA-Z0-9]{2,64}$/;
const DESTINATION = /^arn[/:\-_.a-zA-Z0-9]+$/;
const CONFIGURATION_ARN = /^arn[/:\-_.a-zA-Z0-9]+$/;
const PIPELINE_ARN_PREFIX = "arn:aws:chime:us-east-1:111122223333:media-pipeline/";

/**
 * restJson1 clients take the error name from the `x-amzn-ErrorType` header before the body; the
 * body's `Code` is the service's own ErrorCode enum (e.g. "Throttling"), not the exception name.
 */
const ERRORS = {
  BadRequestException: { status: 400, code: "BadRequest" },
  ForbiddenException: { status: 403, code: "Forbidden" },
  NotFoundException: { status: 404, code: "NotFound" },
  // The model's ErrorCode enum has no UnauthorizedClient; Forbidden is its nearest value.
  UnauthorizedClientException: { status: 401, code: "Forbidden" },
  ResourceLimitExceededException: { status: 400, code: "ResourceLimitExceeded" },
  ThrottledClientException: { status: 429, code: "Throttling" },
  ServiceFailureException: { status: 500, code: "ServiceFailure" },
};

/** Deterministic, so that a failing throttling test fails the same way again. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns the first problem the real service would reject the request for, if any. */
function validationProblem(body) {
  const [modelProblem] = operationProblems(MODEL, "CreateMediaInsightsPipeline", body);
  if (modelProblem !== undefined) return modelProblem;
  if (!CONFIGURATION_ARN.test(String(body.MediaInsightsPipelineConfigurationArn))) {
    return "MediaInsightsPipelineConfigurationArn is missing or not an ARN";
  }
  const source = body.KinesisVideoStreamRecordingSourceRuntimeConfiguration;
  const streams = source?.Streams;
  if (!Array.isArray(streams) || streams.length < 1 || streams.length > 2) return "Streams must hold 1 or 2 items";
  if (!streams.every((stream) => typeof stream?.StreamArn === "string" && stream.StreamArn.startsWith("arn:"))) {
    return "every stream needs a StreamArn";
  }
  const selector = source.FragmentSelector;
  if (!["ProducerTimestamp", "ServerTimestamp"].includes(selector?.FragmentSelectorType)) {
    return "FragmentSelectorType must be ProducerTimestamp or ServerTimestamp";
  }
  const range = selector.TimestampRange;
  if (!Number.isFinite(range?.StartTimestamp) || !Number.isFinite(range?.EndTimestamp)) {
    return "TimestampRange needs StartTimestamp and EndTimestamp in epoch seconds";
  }
  const sink = body.S3RecordingSinkRuntimeConfiguration;
  if (!DESTINATION.test(String(sink?.Destination))) return "Destination does not match ^arn[\\/\\:\\-\\_\\.a-zA-Z0-9]+$";
  if (!["Wav", "Opus"].includes(sink.RecordingFileFormat)) return "RecordingFileFormat must be Wav or Opus";
  if (!TOKEN.test(String(body.ClientRequestToken))) return "ClientRequestToken does not match ^[-_a-zA-Z0-9]{2,64}$";
  return undefined;
}

/**
 * @typedef {object} FakeOptions
 * @property {number} [throttleRatio] share of requests answered 429 ThrottledClientException (default 0)
 * @property {number} [maxActive] active pipelines before ResourceLimitExceededException (default 20)
 * @property {number} [runMs] how long a pipeline runs before it completes (default 1000)
 * @property {number} [seed] seed of the throttling dice (default 1)
 * @property {(body: any) => (keyof typeof ERRORS | undefined)} [failWith] forces an error for a request
 * @property {(body: any) => import("./recording-sink").SinkOutcome} [recordingOutcome] what a finished
 *   pipeline leaves in S3; without it, nothing (tests that do not look at recordings skip the writes)
 */

/**
 * @param {FakeOptions} [initial]
 * @param {import("../../support/s3-server").S3Server} [s3] where finished pipelines write their recording; none: nowhere
 */
async function startFakeMediaPipelines(initial = {}, s3 = undefined) {
  let options;
  let random;
  // Answers outside the service model, never cleared: a fake must not drift from the real API.
  const state = { requests: [], pipelines: new Map(), stats: undefined, modelProblems: [] };

  function reset(next = {}) {
    options = { throttleRatio: 0, maxActive: 20, runMs: 1000, seed: 1, ...next };
    random = seededRandom(options.seed);
    state.requests = [];
    state.pipelines = new Map();
    state.stats = { requests: 0, created: 0, replayed: 0, throttled: 0, limited: 0, rejected: 0, peakActive: 0 };
  }

  const activeCount = (now = Date.now()) => [...state.pipelines.values()].filter((pipeline) => pipeline.endsAt > now).length;

  function sendJson(response, status, payload, errorType) {
    const problems =
      errorType === undefined
        ? operationProblems(MODEL, "CreateMediaInsightsPipeline", payload, "output")
        : shapeProblems(MODEL, errorType, payload);
    if (problems.length > 0) {
      state.modelProblems.push(...problems);
      return sendJson(response, 500, { Message: problems.join("; ") }, "ServiceFailureException");
    }
    const headers = { "content-type": "application/json" };
    if (errorType !== undefined) headers["x-amzn-ErrorType"] = errorType;
    response.writeHead(status, headers);
    response.end(JSON.stringify(payload));
  }

  function sendError(response, type, message) {
    const { status, code } = ERRORS[type];
    sendJson(response, status, { Code: code, Message: message, RequestId: randomUUID() }, type);
  }

  function create(body, response) {
    state.stats.requests += 1;
    const record = { body, status: 0, errorType: undefined };
    state.requests.push(record);
    const fail = (type, message) => {
      record.status = ERRORS[type].status;
      record.errorType = type;
      sendError(response, type, message);
    };

    if (random() < options.throttleRatio) {
      state.stats.throttled += 1;
      return fail("ThrottledClientException", "Rate exceeded");
    }
    const problem = validationProblem(body);
    if (problem !== undefined) {
      state.stats.rejected += 1;
      return fail("BadRequestException", problem);
    }
    const forced = options.failWith?.(body);
    if (forced !== undefined) {
      state.stats.rejected += 1;
      return fail(forced, `forced ${forced}`);
    }
    const existing = state.pipelines.get(body.ClientRequestToken);
    if (existing !== undefined) {
      state.stats.replayed += 1;
      record.status = 201;
      return sendJson(response, 201, { MediaInsightsPipeline: existing.description });
    }
    const now = Date.now();
    if (activeCount(now) >= options.maxActive) {
      state.stats.limited += 1;
      return fail("ResourceLimitExceededException", `The account has ${options.maxActive} active media insights pipelines`);
    }
    const id = randomUUID();
    const description = {
      MediaPipelineId: id,
      MediaPipelineArn: `${PIPELINE_ARN_PREFIX}${id}`,
      MediaInsightsPipelineConfigurationArn: body.MediaInsightsPipelineConfigurationArn,
      Status: "InProgress",
      KinesisVideoStreamRecordingSourceRuntimeConfiguration: body.KinesisVideoStreamRecordingSourceRuntimeConfiguration,
      S3RecordingSinkRuntimeConfiguration: body.S3RecordingSinkRuntimeConfiguration,
      MediaInsightsRuntimeMetadata: body.MediaInsightsRuntimeMetadata,
      CreatedTimestamp: new Date(now).toISOString(),
    };
    state.pipelines.set(body.ClientRequestToken, {
      arn: description.MediaPipelineArn,
      body,
      description,
      endsAt: now + options.runMs,
    });
    if (s3 !== undefined && options.recordingOutcome !== undefined) {
      // The pipeline writes its file when it finishes, as the S3 sink does.
      const outcome = options.recordingOutcome(body);
      setTimeout(() => writeRecording(s3, body, outcome), options.runMs).unref();
    }
    state.stats.created += 1;
    state.stats.peakActive = Math.max(state.stats.peakActive, activeCount(now));
    record.status = 201;
    return sendJson(response, 201, { MediaInsightsPipeline: description });
  }

  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method !== "POST" || request.url !== "/media-insights-pipelines") {
        return sendJson(response, 404, { Code: "NotFound", Message: `${request.method} ${request.url}` }, "NotFoundException");
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return sendError(response, "BadRequestException", "body is not JSON");
      }
      return create(body, response);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  reset(initial);

  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Every request received, in order, with the status it got. */
    get requests() {
      return state.requests;
    },
    /** Created pipelines by ClientRequestToken. */
    get pipelines() {
      return state.pipelines;
    },
    get stats() {
      return state.stats;
    },
    /** Answers the fake gave outside the service model; a test expects none. */
    get modelProblems() {
      return state.modelProblems;
    },
    /** Pipelines created for one call, found through the runtime metadata the recorder sends. */
    pipelinesFor(callId) {
      return [...state.pipelines.values()].filter((pipeline) => pipeline.body.MediaInsightsRuntimeMetadata?.callId === callId);
    },
    requestsFor(callId) {
      return state.requests.filter((request) => request.body.MediaInsightsRuntimeMetadata?.callId === callId);
    },
    activeCount,
    /** Forgets every pipeline and request, and applies new options. */
    reset,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

module.exports = { startFakeMediaPipelines, seededRandom };
