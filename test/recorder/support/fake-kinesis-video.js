"use strict";
/**
 * A loopback stand-in for Kinesis Video Streams as a reader of a call leg's stream sees it:
 * GetDataEndpoint (kinesisvideo) and ListFragments (kinesis-video-archived-media) on one server,
 * which is also the data endpoint GetDataEndpoint hands out. Requests are checked against
 * botocore's models and refused as the service refuses them; answers are checked too, so the
 * stand-in cannot drift from the real API. Plain CommonJS so that the tests and the bench share it.
 */
const http = require("node:http");
const { randomUUID } = require("node:crypto");
const { loadServiceModel, operationProblems, shapeProblems } = require("../../support/model-endpoint");
const { seededRandom } = require("./fake-media-pipelines");

const KINESIS_VIDEO = loadServiceModel("kinesisvideo", "2017-09-30");
const ARCHIVED_MEDIA = loadServiceModel("kinesis-video-archived-media", "2017-09-30");
const MODELS = { GetDataEndpoint: KINESIS_VIDEO, ListFragments: ARCHIVED_MEDIA };

/** Both services are restJson1 and share the kinesisvideo endpoint prefix: their routes never clash. */
const ROUTES = new Map(
  Object.entries(MODELS).map(([name, model]) => {
    const { method, requestUri } = model.operations[name].http;
    return [`${method} ${requestUri}`, name];
  }),
);

/** Chime streams 8 kHz 16-bit mono PCM: 16 bytes a millisecond. */
const BYTES_PER_MS = 16;
/** Fragment numbers are long decimal strings in AWS; the base only makes them look the part. */
const FRAGMENT_NUMBER_BASE = 91343852333181432392682062580479720000000000000n;
const TOKEN_TEXT = /^listing:(\d+):(\d+)$/;

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Timestamps whose wire form breaks the model: restJson1 puts them in bodies as epoch seconds
 * (fractional for milliseconds) unless a member says otherwise, and these models never do.
 */
function timestampWireProblems(model, shapeName, value, where) {
  const shape = model.shapes[shapeName];
  if (value === undefined || value === null) return [];
  if (shape.type === "timestamp") {
    const format = shape.timestampFormat ?? "unixTimestamp";
    const conforms =
      format === "unixTimestamp" ? Number.isFinite(value) : typeof value === "string" && !Number.isNaN(Date.parse(value));
    return conforms ? [] : [`${where}: ${JSON.stringify(value)} is not a ${format} timestamp`];
  }
  if (shape.type === "structure" && isObject(value)) {
    return Object.entries(value)
      .filter(([name]) => name in shape.members)
      .flatMap(([name, item]) => timestampWireProblems(model, shape.members[name].shape, item, `${where}.${name}`));
  }
  if (shape.type === "list" && Array.isArray(value)) {
    return value.flatMap((item, i) => timestampWireProblems(model, shape.member.shape, item, `${where}[${i}]`));
  }
  return [];
}

/** What the model says is wrong with a request or an answer of the operation, wire form included. */
function problemsOf(operation, value, direction) {
  const model = MODELS[operation];
  const shape = model.operations[operation][direction].shape;
  return [
    ...operationProblems(model, operation, value, direction),
    ...timestampWireProblems(model, shape, value, `${operation} ${direction}`),
  ];
}

/** One of the operation's modelled errors, thrown by a handler to answer with it. */
class Refusal extends Error {
  constructor(errorName, message) {
    super(message);
    this.errorName = errorName;
  }
}

/** Epoch seconds off the wire, to whole milliseconds: a double is not exact, 1074970503.969 * 1000 is 1074970503969.0001. */
const toMs = (seconds) => Math.round(seconds * 1000);

/** The stream's name is the ARN's resource name: arn:aws:kinesisvideo:<region>:<account>:stream/<name>/<creation>. */
const streamName = (arn) => arn.split(":")[5].split("/")[1];

/**
 * @typedef {object} FakeOptions
 * @property {number} [seed] seed of the shuffle that orders each listing (default 1)
 * @property {number} [pageSize] most fragments one ListFragments page holds, whatever MaxResults asks (default 1000)
 */

/** @param {FakeOptions} [initial] */
async function startFakeKinesisVideo(initial = {}) {
  let options;
  let random;
  // Answers outside the service models, never cleared: a stand-in must not drift from the real API.
  const answerProblems = [];
  const state = {
    streams: new Map(),
    listings: new Map(),
    forced: new Map(),
    requests: [],
    requestProblems: [],
    stats: undefined,
    nextFragment: 0n,
    nextListing: 1,
  };

  function reset(next = {}) {
    options = { seed: 1, pageSize: 1000, ...next };
    if (!Number.isInteger(options.pageSize) || options.pageSize < 1) throw new Error(`pageSize ${options.pageSize} is not >= 1`);
    random = seededRandom(options.seed);
    state.streams = new Map();
    state.listings = new Map();
    state.forced = new Map();
    state.requests = [];
    state.requestProblems = [];
    state.stats = { GetDataEndpoint: 0, ListFragments: 0 };
    state.nextFragment = 0n;
    state.nextListing = 1;
  }

  function addStream(arn) {
    const problems = shapeProblems(KINESIS_VIDEO, "ResourceARN", arn, "stream ARN");
    if (problems.length > 0) throw new Error(problems.join("; "));
    const name = streamName(arn);
    const existing = state.streams.get(arn);
    if (existing !== undefined) return existing;
    if ([...state.streams.values()].some((stream) => stream.name === name)) {
      throw new Error(`another stream is already named ${name}; names are unique in an account and Region`);
    }
    const stream = { arn, name, fragments: [] };
    state.streams.set(arn, stream);
    return stream;
  }

  function addFragments(arn, { fromMs, toMs: untilMs, fragmentMs = 2000, serverDelayMs = 300 }) {
    if (![fromMs, untilMs, fragmentMs, serverDelayMs].every(Number.isInteger) || fromMs >= untilMs || fragmentMs < 1) {
      throw new Error(`cannot cover [${fromMs}, ${untilMs}) with fragments of ${fragmentMs} ms`);
    }
    const stream = addStream(arn);
    const added = [];
    for (let start = fromMs; start < untilMs; start += fragmentMs) {
      // The last fragment ends where the range does, as a leg's audio stops mid-fragment.
      const lengthMs = Math.min(fragmentMs, untilMs - start);
      const fragment = {
        fragmentNumber: String(FRAGMENT_NUMBER_BASE + state.nextFragment),
        producerMs: start,
        serverMs: start + serverDelayMs,
        lengthMs,
        sizeBytes: lengthMs * BYTES_PER_MS,
      };
      state.nextFragment += 1n;
      stream.fragments.push(fragment);
      added.push(fragment);
    }
    return added;
  }

  /** Queues an error for the operation's next request that the models accept: a malformed one is still refused as such. */
  function failNext(operation, errorName) {
    const model = MODELS[operation];
    if (model === undefined) throw new Error(`the stand-in answers ${Object.keys(MODELS).join(" and ")}, not ${operation}`);
    if (!model.operations[operation].errors.some((error) => error.shape === errorName)) {
      throw new Error(`${errorName} is not an error of ${operation} in ${model.metadata.uid}`);
    }
    state.forced.set(operation, [...(state.forced.get(operation) ?? []), errorName]);
  }

  function send(response, status, headers, payload) {
    const body = JSON.stringify(payload);
    response.writeHead(status, {
      "content-type": "application/json",
      "x-amzn-RequestId": randomUUID(),
      ...headers,
      "content-length": Buffer.byteLength(body),
    });
    response.end(body);
  }

  /** Answers with the error shape's members and status; restJson1 names the error in x-amzn-ErrorType. */
  function sendError(response, record, operation, errorName, message) {
    const model = MODELS[operation];
    const payload = { Message: message };
    const problems = model.operations[operation].errors.some((error) => error.shape === errorName)
      ? shapeProblems(model, errorName, payload)
      : [`${operation} answered ${errorName}, which is not one of its errors in ${model.metadata.uid}`];
    answerProblems.push(...problems);
    record.status = model.shapes[errorName]?.error?.httpStatusCode ?? 400;
    record.errorType = errorName;
    send(response, record.status, { "x-amzn-ErrorType": errorName }, payload);
  }

  /** Fails a request the way the service refuses one outside the model, and keeps why for the test. */
  function invalid(problems) {
    state.requestProblems.push(...problems);
    return new Refusal("InvalidArgumentException", problems.join("; "));
  }

  /** The documentation of both operations: the stream by StreamName or StreamARN, one of them. */
  function streamOf(operation, body) {
    const named = [body.StreamARN, body.StreamName].filter((value) => value !== undefined);
    if (named.length !== 1) throw invalid([`${operation} input: specify either StreamName or StreamARN`]);
    const stream =
      body.StreamARN !== undefined
        ? state.streams.get(body.StreamARN)
        : [...state.streams.values()].find((candidate) => candidate.name === body.StreamName);
    if (stream === undefined) throw new Refusal("ResourceNotFoundException", "The requested stream is not found or not active.");
    return stream;
  }

  const selectorOf = (selector) => ({
    type: selector.FragmentSelectorType,
    startMs: toMs(selector.TimestampRange.StartTimestamp),
    endMs: toMs(selector.TimestampRange.EndTimestamp),
  });

  const tokenOf = (listing, offset) => Buffer.from(`listing:${listing.id}:${offset}`).toString("base64");

  /** The listing a NextToken continues, and where; the token carries both, so a retried page is the same page. */
  function continuation(body, stream) {
    const text = Buffer.from(body.NextToken, "base64").toString("utf8");
    const found = TOKEN_TEXT.exec(text);
    const listing = found && Buffer.from(text).toString("base64") === body.NextToken ? state.listings.get(found[1]) : undefined;
    const offset = found ? Number(found[2]) : Number.NaN;
    if (listing === undefined || offset > listing.fragments.length) {
      throw invalid([`ListFragments input: NextToken ${body.NextToken} is not a token this service issued`]);
    }
    // AWS does not say what a token presented for another stream or selector does; refusing it
    // catches a reader that mixes up the pages of its two legs.
    if (listing.stream !== stream) throw invalid(["ListFragments input: NextToken belongs to another stream"]);
    if (body.FragmentSelector !== undefined) {
      const selector = selectorOf(body.FragmentSelector);
      if (Object.keys(selector).some((key) => selector[key] !== listing.selector[key])) {
        throw invalid(["ListFragments input: FragmentSelector differs from the one NextToken continues"]);
      }
    }
    return { listing, offset };
  }

  /**
   * A new listing: the fragments whose selected timestamp lies in the range, both ends included,
   * as FragmentSelector's documentation says (a start of 00:00:01 and an end of 00:00:04 return
   * the fragments starting at 00:00:02 and 00:00:04). AWS returns them "in no specific order,
   * even across pages": the listing is shuffled once, and fixed, so that its pages neither repeat
   * nor skip a fragment when more arrive meanwhile.
   */
  function newListing(stream, selector) {
    const key = selector.type === "SERVER_TIMESTAMP" ? "serverMs" : "producerMs";
    const fragments = stream.fragments.filter((fragment) => fragment[key] >= selector.startMs && fragment[key] <= selector.endMs);
    for (let i = fragments.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [fragments[i], fragments[j]] = [fragments[j], fragments[i]];
    }
    const listing = { id: String(state.nextListing), stream, selector, fragments };
    state.nextListing += 1;
    state.listings.set(listing.id, listing);
    return listing;
  }

  const handlers = {
    GetDataEndpoint(body) {
      streamOf("GetDataEndpoint", body);
      // Every API's data endpoint is this server: ListFragments is answered here too.
      return { DataEndpoint: url };
    },
    ListFragments(body) {
      const stream = streamOf("ListFragments", body);
      let listing;
      let offset = 0;
      if (body.NextToken !== undefined) {
        ({ listing, offset } = continuation(body, stream));
      } else if (body.FragmentSelector === undefined) {
        throw invalid(["ListFragments input: FragmentSelector is required when NextToken is not passed"]);
      } else {
        listing = newListing(stream, selectorOf(body.FragmentSelector));
      }
      // The model gives MaxResults no default; the page size bounds every page, as AWS may return fewer.
      const end = offset + Math.min(body.MaxResults ?? options.pageSize, options.pageSize);
      const page = listing.fragments.slice(offset, end);
      return {
        Fragments: page.map((fragment) => ({
          FragmentNumber: fragment.fragmentNumber,
          FragmentSizeInBytes: fragment.sizeBytes,
          ProducerTimestamp: fragment.producerMs / 1000,
          ServerTimestamp: fragment.serverMs / 1000,
          FragmentLengthInMilliseconds: fragment.lengthMs,
        })),
        ...(end < listing.fragments.length ? { NextToken: tokenOf(listing, end) } : {}),
      };
    },
  };

  function handle(request, text, response) {
    const path = new URL(request.url, "http://127.0.0.1").pathname;
    const operation = ROUTES.get(`${request.method} ${path}`);
    const record = { operation: operation ?? `${request.method} ${path}`, stream: undefined, body: text, status: 0 };
    state.requests.push(record);
    if (operation === undefined) {
      state.requestProblems.push(`no operation of the models is ${request.method} ${path}`);
      record.status = 404;
      return send(response, 404, { "x-amzn-ErrorType": "UnknownOperationException" }, { message: `${request.method} ${path}` });
    }
    state.stats[operation] += 1;
    try {
      let body;
      try {
        body = text.length > 0 ? JSON.parse(text) : {};
      } catch {
        throw invalid([`${operation} input: the body is not JSON`]);
      }
      record.body = body;
      if (isObject(body)) record.stream = body.StreamARN ?? body.StreamName;
      const problems = problemsOf(operation, body, "input");
      if (problems.length > 0) throw invalid(problems);
      const forced = state.forced.get(operation)?.shift();
      if (forced !== undefined) throw new Refusal(forced, `forced ${forced}`);
      const output = handlers[operation](body);
      const outputProblems = problemsOf(operation, output, "output");
      if (outputProblems.length > 0) {
        answerProblems.push(...outputProblems);
        record.status = 500;
        return send(response, 500, {}, { message: outputProblems.join("; ") });
      }
      record.status = 200;
      return send(response, 200, {}, output);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      return sendError(response, record, operation, error.errorName, error.message);
    }
  }

  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      try {
        handle(request, Buffer.concat(chunks).toString("utf8"), response);
      } catch (error) {
        answerProblems.push(`the stand-in failed: ${error.stack ?? error}`);
        if (!response.headersSent) send(response, 500, {}, { message: String(error) });
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  reset(initial);

  return {
    url,
    addStream(arn) {
      addStream(arn);
    },
    addFragments,
    failNext,
    /** Every request received, in order: operation, stream as named, body as parsed, and the answer's status. */
    get requests() {
      return state.requests;
    },
    /** Requests per operation, refused ones included. */
    get stats() {
      return state.stats;
    },
    /** Why requests were refused as outside the models; a test of a well-behaved reader expects none. */
    get requestProblems() {
      return state.requestProblems;
    },
    /** Answers the stand-in gave outside the models; a test expects none. */
    get modelProblems() {
      return answerProblems;
    },
    /** Forgets every stream, listing, forced error, request and request problem, and applies new options. */
    reset,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        // The SDK keeps connections alive; close() alone would wait for them.
        server.closeAllConnections();
      }),
  };
}

module.exports = { startFakeKinesisVideo };
