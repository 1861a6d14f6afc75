"use strict";
/**
 * A loopback stand-in for the Chime SDK Media Pipelines REST-JSON API, just enough of
 * `POST /media-insights-pipelines` (CreateMediaInsightsPipeline) and
 * `GET /sdk-media-pipelines/{mediaPipelineId}` (GetMediaPipeline) to exercise the recorder:
 * idempotency by ClientRequestToken, throttling, the active-pipeline quota, the request
 * validation the real service does, and pipelines that stop or fail. Plain CommonJS so that the
 * tests and the bench share it.
 */
const http = require("node:http");
const { randomUUID } = require("node:crypto");
const { isDeepStrictEqual } = require("node:util");
const { loadServiceModel, operationProblems, shapeProblems } = require("../../support/model-endpoint");
const { writeRecording } = require("./recording-sink");

const MODEL = loadServiceModel("chime-sdk-media-pipelines", "2021-07-15");

const TOKEN = /^[-_a-zA-Z0-9]{2,64}$/;
const DESTINATION = /^arn[/:\-_.a-zA-Z0-9]+$/;
const CONFIGURATION_ARN = /^arn[/:\-_.a-zA-Z0-9]+$/;
const PIPELINE_ARN_PREFIX = "arn:aws:chime:us-east-1:111122223333:media-pipeline/";
/** GetMediaPipeline's route in the model; the label is a GuidString, which the model checks. */
const GET_PIPELINE = /^\/sdk-media-pipelines\/([^/]+)$/;

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
 * @property {number} [throttleRatio] share of CreateMediaInsightsPipeline requests answered 429
 *   ThrottledClientException (default 0)
 * @property {number} [maxActive] active pipelines before ResourceLimitExceededException (default 20)
 * @property {number} [runMs] how long a pipeline runs before it completes (default 1000)
 * @property {number} [seed] seed of the throttling dice (default 1)
 * @property {(body: any) => (keyof typeof ERRORS | undefined)} [failWith] forces an error for a request
 * @property {(body: any) => boolean} [pipelineFails] whether the pipeline a request creates fails: it
 *   runs for runMs as any other, then its status is Failed and it writes no recording
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
  // Token conflicts are never cleared either: a recorder that sends one token with two requests is
  // wrong in whichever test it happens, and a check after the last test must still see it.
  const state = { requests: [], pipelines: new Map(), stats: undefined, modelProblems: [], tokenConflicts: [] };

  function reset(next = {}) {
    options = { throttleRatio: 0, maxActive: 20, runMs: 1000, seed: 1, ...next };
    random = seededRandom(options.seed);
    state.requests = [];
    state.pipelines = new Map();
    state.stats = {
      requests: 0,
      created: 0,
      replayed: 0,
      throttled: 0,
      limited: 0,
      rejected: 0,
      peakActive: 0,
      described: 0,
    };
  }

  const activeCount = (now = Date.now()) => [...state.pipelines.values()].filter((pipeline) => pipeline.endsAt > now).length;

  /** Ends a running pipeline: a failing one writes nothing, a stopped one its recording, as the S3 sink does. */
  function finish(pipeline) {
    if (pipeline.status !== "InProgress") return;
    pipeline.status = pipeline.fails ? "Failed" : "Stopped";
    if (pipeline.status === "Stopped" && s3 !== undefined && pipeline.outcome !== undefined) {
      writeRecording(s3, pipeline.body, pipeline.outcome);
    }
  }

  /**
   * The pipeline's status now. A pipeline past its end finishes here rather than only when its
   * timer fires, so that a caller told "Stopped" always finds the recording already written.
   */
  function statusNow(pipeline) {
    if (Date.now() >= pipeline.endsAt) finish(pipeline);
    return pipeline.status;
  }

  /**
   * The MediaInsightsPipeline as the service describes it now, with the status of its one element:
   * the recorder's pipeline configuration holds only an S3 recording sink.
   */
  function descriptionNow(pipeline) {
    const Status = statusNow(pipeline);
    return { ...pipeline.description, Status, ElementStatuses: [{ Type: "S3RecordingSink", Status }] };
  }

  function findByArn(pipelineArn) {
    return [...state.pipelines.values()].find((pipeline) => pipeline.arn === pipelineArn);
  }

  function sendJson(response, status, payload, errorType, operation = "CreateMediaInsightsPipeline") {
    const problems =
      errorType === undefined ? operationProblems(MODEL, operation, payload, "output") : shapeProblems(MODEL, errorType, payload);
    if (problems.length > 0) {
      state.modelProblems.push(...problems);
      return sendJson(response, 500, { Message: problems.join("; ") }, "ServiceFailureException");
    }
    const headers = { "content-type": "application/json" };
    if (errorType !== undefined) headers["x-amzn-ErrorType"] = errorType;
    response.writeHead(status, headers);
    response.end(JSON.stringify(payload));
  }

  function sendError(response, type, message, operation = "CreateMediaInsightsPipeline") {
    if (!MODEL.operations[operation].errors.some((error) => error.shape === type)) {
      state.modelProblems.push(`${operation} answered ${type}, which is not one of its errors`);
    }
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
    if (existing !== undefined && !isDeepStrictEqual(existing.body, body)) {
      // Whether the service refuses a reused token with other parameters, and how, is unconfirmed;
      // refusing it with a modelled error makes the recorder's mistake visible either way.
      state.stats.rejected += 1;
      state.tokenConflicts.push({ token: body.ClientRequestToken, first: existing.body, request: body });
      return fail("BadRequestException", "ClientRequestToken was already used with other parameters");
    }
    if (existing !== undefined) {
      state.stats.replayed += 1;
      record.status = 201;
      return sendJson(response, 201, { MediaInsightsPipeline: descriptionNow(existing) });
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
      KinesisVideoStreamRecordingSourceRuntimeConfiguration: body.KinesisVideoStreamRecordingSourceRuntimeConfiguration,
      S3RecordingSinkRuntimeConfiguration: body.S3RecordingSinkRuntimeConfiguration,
      MediaInsightsRuntimeMetadata: body.MediaInsightsRuntimeMetadata,
      CreatedTimestamp: new Date(now).toISOString(),
    };
    const pipeline = {
      arn: description.MediaPipelineArn,
      body,
      description,
      endsAt: now + options.runMs,
      status: "InProgress",
      fails: options.pipelineFails?.(body) === true,
      outcome: options.recordingOutcome?.(body),
    };
    state.pipelines.set(body.ClientRequestToken, pipeline);
    setTimeout(() => finish(pipeline), options.runMs).unref();
    state.stats.created += 1;
    state.stats.peakActive = Math.max(state.stats.peakActive, activeCount(now));
    record.status = 201;
    return sendJson(response, 201, { MediaInsightsPipeline: descriptionNow(pipeline) });
  }

  function get(url, response) {
    state.stats.described += 1;
    const operation = "GetMediaPipeline";
    const label = GET_PIPELINE.exec(url.pathname)[1];
    let MediaPipelineId;
    try {
      MediaPipelineId = decodeURIComponent(label);
    } catch {
      // Malformed percent-encoding: the raw label, which the GuidString pattern then refuses.
      MediaPipelineId = label;
    }
    const input = { MediaPipelineId };
    const problem = url.search !== "" ? `${operation} takes no query parameters` : operationProblems(MODEL, operation, input)[0];
    if (problem !== undefined) return sendError(response, "BadRequestException", problem, operation);
    const pipeline = [...state.pipelines.values()].find(
      (candidate) => candidate.description.MediaPipelineId === input.MediaPipelineId,
    );
    if (pipeline === undefined) {
      return sendError(response, "NotFoundException", `No media pipeline ${input.MediaPipelineId}`, operation);
    }
    return sendJson(response, 200, { MediaPipeline: { MediaInsightsPipeline: descriptionNow(pipeline) } }, undefined, operation);
  }

  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      if (request.method === "GET" && GET_PIPELINE.test(url.pathname)) return get(url, response);
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
    /**
     * Requests that reused a pipeline's ClientRequestToken with other parameters, each refused with
     * BadRequestException: the token, the body that created the pipeline and the refused one.
     */
    get tokenConflicts() {
      return state.tokenConflicts;
    },
    /** The status GetMediaPipeline would answer for the pipeline now; undefined for an unknown ARN. */
    statusOf(pipelineArn) {
      const pipeline = findByArn(pipelineArn);
      return pipeline === undefined ? undefined : statusNow(pipeline);
    },
    /**
     * Fails the pipeline now: its status is Failed from here on, it no longer counts as active and,
     * if it has not written its recording yet, it never does.
     */
    failPipeline(pipelineArn) {
      const pipeline = findByArn(pipelineArn);
      if (pipeline === undefined) throw new Error(`the fake has no pipeline ${pipelineArn}`);
      pipeline.status = "Failed";
      pipeline.endsAt = Math.min(pipeline.endsAt, Date.now());
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
