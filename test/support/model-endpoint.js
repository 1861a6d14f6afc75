"use strict";
/**
 * A loopback AWS endpoint that is true to botocore's service models, for tests that drive real
 * clients (the AWS CLI, the SDK). It routes requests by the model's protocol (rest-json by method
 * and requestUri, json 1.1 by X-Amz-Target), refuses a request that does not conform to the
 * operation's input shape with a 400 in the service's error form, and checks every answer a test's
 * handler gives against the output shape: a fake cannot answer with a member the real API lacks.
 * Plain CommonJS so that the recorder's fakes and benchmarks can share it.
 */
const http = require("node:http");
const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");
const { execFileSync } = require("node:child_process");
const { randomUUID } = require("node:crypto");

let dataDir;

/** The folder python3's botocore keeps its data in (the AWS CLI v1 is built on it), if any. */
function pythonBotocoreData() {
  const command = 'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data"))';
  try {
    return execFileSync("python3", ["-c", command], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/** The AWS CLI v2 bundles its own botocore: <install>/dist/aws next to <install>/dist/awscli/botocore/data. */
function awsCliV2BotocoreData() {
  try {
    const aws = execFileSync("sh", ["-c", "command -v aws"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return path.join(path.dirname(fs.realpathSync(aws)), "awscli", "botocore", "data");
  } catch {
    return undefined;
  }
}

/** botocore's data folder: the service models real clients are generated from. */
function botocoreDataDir() {
  if (dataDir !== undefined) return dataDir;
  const candidates = [pythonBotocoreData(), awsCliV2BotocoreData()].filter((dir) => dir !== undefined);
  dataDir = candidates.find((dir) => fs.existsSync(path.join(dir, "chime-sdk-voice")));
  if (dataDir === undefined) {
    throw new Error(
      `botocore's service models are needed to check the AWS fakes, and none were found (looked in: ${candidates.join(", ") || "python3 cannot import botocore, no aws on PATH"}); install the AWS CLI (v2, or v1 with python3)`,
    );
  }
  return dataDir;
}

const models = new Map();

/** The service model `data/<service>/<version>/service-2.json(.gz)`, parsed; fails loudly when missing. */
function loadServiceModel(service, version) {
  const key = `${service}/${version}`;
  if (!models.has(key)) {
    const folder = path.join(botocoreDataDir(), service, version);
    const plain = path.join(folder, "service-2.json");
    const text = fs.existsSync(plain)
      ? fs.readFileSync(plain, "utf8")
      : fs.existsSync(`${plain}.gz`)
        ? zlib.gunzipSync(fs.readFileSync(`${plain}.gz`)).toString("utf8")
        : undefined;
    if (text === undefined) throw new Error(`the service model ${key} is not in ${botocoreDataDir()}; update botocore`);
    models.set(key, JSON.parse(text));
  }
  return models.get(key);
}

const patterns = new Map();

/** Smithy patterns are ECMA 262 regular expressions and are not implicitly anchored. */
function compiledPattern(pattern) {
  if (!patterns.has(pattern)) {
    let compiled;
    try {
      compiled = new RegExp(pattern);
    } catch {
      compiled = new RegExp(pattern, "u");
    }
    patterns.set(pattern, compiled);
  }
  return patterns.get(pattern);
}

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
const show = (value) => (value instanceof Date ? value.toISOString() : JSON.stringify(value));

/**
 * What is wrong with `value` as an instance of the model's shape `shapeName`: required members,
 * unknown members, types, enums, patterns, lengths and ranges. Empty when it conforms.
 */
function shapeProblems(model, shapeName, value, where = shapeName) {
  const shape = model.shapes[shapeName];
  if (shape === undefined) throw new Error(`the model ${model.metadata.uid} has no shape ${shapeName}`);
  const problems = [];
  const problem = (text) => problems.push(`${where}: ${text}`);
  const bounds = (size, unit) => {
    if (shape.min !== undefined && size < shape.min) problem(`${unit} ${size} is below the minimum ${shape.min}`);
    if (shape.max !== undefined && size > shape.max) problem(`${unit} ${size} is above the maximum ${shape.max}`);
  };
  switch (shape.type) {
    case "structure": {
      if (!isObject(value)) return [`${where}: ${show(value)} is not a structure (${shapeName})`];
      for (const name of shape.required ?? []) {
        if (value[name] === undefined || value[name] === null) problem(`the required member ${name} is missing`);
      }
      const members = shape.members ?? {};
      const present = Object.keys(value).filter((name) => value[name] !== undefined);
      for (const name of present) {
        if (!(name in members)) {
          problem(`${name} is not a member of ${shapeName} (members: ${Object.keys(members).join(", ") || "none"})`);
        } else if (value[name] !== null) {
          problems.push(...shapeProblems(model, members[name].shape, value[name], `${where}.${name}`));
        }
      }
      if (shape.union && present.length !== 1) problem(`a union takes exactly one member, not ${present.length}`);
      break;
    }
    case "list":
      if (!Array.isArray(value)) return [`${where}: ${show(value)} is not a list (${shapeName})`];
      bounds(value.length, "the length");
      for (const [i, item] of value.entries()) problems.push(...shapeProblems(model, shape.member.shape, item, `${where}[${i}]`));
      break;
    case "map":
      if (!isObject(value)) return [`${where}: ${show(value)} is not a map (${shapeName})`];
      bounds(Object.keys(value).length, "the number of entries");
      for (const [key, item] of Object.entries(value)) {
        problems.push(...shapeProblems(model, shape.key.shape, key, `${where} key ${JSON.stringify(key)}`));
        problems.push(...shapeProblems(model, shape.value.shape, item, `${where}[${JSON.stringify(key)}]`));
      }
      break;
    case "string":
      if (typeof value !== "string") return [`${where}: ${show(value)} is not a string (${shapeName})`];
      if (shape.enum && !shape.enum.includes(value)) problem(`${show(value)} is not one of ${shape.enum.join(", ")}`);
      if (shape.pattern !== undefined && !compiledPattern(shape.pattern).test(value)) {
        problem(`${show(value)} does not match the pattern ${shape.pattern}`);
      }
      bounds([...value].length, "the length");
      break;
    case "integer":
    case "long":
      if (!Number.isInteger(value)) return [`${where}: ${show(value)} is not an integer (${shapeName})`];
      bounds(value, "the value");
      break;
    case "float":
    case "double":
      if (typeof value !== "number" || Number.isNaN(value)) return [`${where}: ${show(value)} is not a number (${shapeName})`];
      bounds(value, "the value");
      break;
    case "boolean":
      if (typeof value !== "boolean") problem(`${show(value)} is not a boolean (${shapeName})`);
      break;
    case "timestamp":
      if (
        !(value instanceof Date || typeof value === "number" || (typeof value === "string" && !Number.isNaN(Date.parse(value))))
      ) {
        problem(`${show(value)} is not a timestamp (${shapeName})`);
      }
      break;
    case "blob":
      if (typeof value !== "string" && !Buffer.isBuffer(value)) problem(`${show(value)} is not a blob (${shapeName})`);
      break;
    default:
      // A document holds any JSON value.
      break;
  }
  return problems;
}

/** An error a handler throws to answer with one of the operation's modelled errors. */
class ServiceError extends Error {
  /**
   * @param {string} code the error shape's name, e.g. "NotFoundException"
   * @param {string} [message]
   * @param {Record<string, unknown>} [members] members of the error shape, e.g. Code
   */
  constructor(code, message = "", members = {}) {
    super(`${code}: ${message}`);
    this.code = code;
    this.errorMessage = message;
    this.members = members;
  }
}

/** The error shape that refuses a malformed request, as the service names it. */
function validationErrorName(operation) {
  const errors = (operation.errors ?? []).map((error) => error.shape);
  return (
    ["BadRequestException", "ValidationException", "InvalidParameterException"].find((name) => errors.includes(name)) ??
    "ValidationException"
  );
}

/** The problems of an operation's input, or of its output (`direction` "output"). */
function operationProblems(model, operationName, value, direction = "input") {
  const operation = model.operations[operationName];
  if (operation === undefined) throw new Error(`the model ${model.metadata.uid} has no operation ${operationName}`);
  const shape = operation[direction]?.shape;
  if (shape === undefined) {
    return value === undefined || (isObject(value) && Object.keys(value).length === 0)
      ? []
      : [`${operationName} has no ${direction}, yet got ${show(value)}`];
  }
  return shapeProblems(model, shape, value ?? {}, `${operationName} ${direction}`);
}

/** Throws when an answer does not conform to the operation's output shape. */
function assertOutput(model, operationName, output) {
  const problems = operationProblems(model, operationName, output, "output");
  if (problems.length > 0)
    throw new Error(`${model.metadata.serviceId} answer does not conform to the model: ${problems.join("; ")}`);
}

function serializeTimestamps(model, shapeName, value, defaultFormat) {
  const shape = model.shapes[shapeName];
  if (value === undefined || value === null) return value;
  switch (shape.type) {
    case "structure":
      return Object.fromEntries(
        Object.entries(value).map(([name, item]) => [
          name,
          serializeTimestamps(model, shape.members[name].shape, item, defaultFormat),
        ]),
      );
    case "list":
      return value.map((item) => serializeTimestamps(model, shape.member.shape, item, defaultFormat));
    case "map":
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, serializeTimestamps(model, shape.value.shape, item, defaultFormat)]),
      );
    case "timestamp": {
      const date = value instanceof Date ? value : typeof value === "number" ? new Date(value * 1000) : new Date(value);
      return (shape.timestampFormat ?? defaultFormat) === "iso8601" ? date.toISOString() : date.getTime() / 1000;
    }
    default:
      return value;
  }
}

/** Reads a rest-json request's members from its path, query, headers and body. */
function restJsonInput(model, operationName, route, url, headers, body) {
  const operation = model.operations[operationName];
  const shapeName = operation.input?.shape;
  const problems = [];
  if (shapeName === undefined) return { input: undefined, problems };
  const shape = model.shapes[shapeName];
  const input = {};
  const fromText = (member, text) => {
    const type = model.shapes[member.shape].type;
    if (type === "integer" || type === "long") return /^-?\d+$/.test(text) ? Number(text) : text;
    if (type === "boolean") return text === "true" ? true : text === "false" ? false : text;
    return text;
  };
  const queryNames = new Set(route.literalQuery.map(([name]) => name));
  const bodyMembers = {};
  for (const [name, member] of Object.entries(shape.members ?? {})) {
    switch (member.location) {
      case "uri":
        if (route.labels[member.locationName] !== undefined) input[name] = fromText(member, route.labels[member.locationName]);
        break;
      case "querystring":
        queryNames.add(member.locationName);
        if (url.searchParams.has(member.locationName)) {
          const values = url.searchParams.getAll(member.locationName);
          input[name] =
            model.shapes[member.shape].type === "list"
              ? values.map((text) => fromText(model.shapes[member.shape].member, text))
              : fromText(member, values[0]);
        }
        break;
      case "header":
        if (headers[member.locationName.toLowerCase()] !== undefined)
          input[name] = fromText(member, headers[member.locationName.toLowerCase()]);
        break;
      case "headers":
        break;
      default:
        bodyMembers[name] = member;
    }
  }
  for (const name of url.searchParams.keys()) {
    if (!queryNames.has(name)) problems.push(`${operationName}: the query parameter ${name} is not in the model`);
  }
  const payload = shape.payload;
  if (body.length > 0) {
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { input, problems: [...problems, `${operationName}: the body is not JSON`] };
    }
    if (payload !== undefined) {
      input[payload] = parsed;
    } else if (!isObject(parsed)) {
      problems.push(`${operationName}: the body is not a JSON object`);
    } else {
      for (const [name, value] of Object.entries(parsed)) {
        if (!(name in bodyMembers)) problems.push(`${operationName}: ${name} is not a body member of ${shapeName}`);
        else input[name] = value;
      }
    }
  }
  return { input, problems };
}

/** Routes of a rest-json model: method, path pattern with labels, and the query it fixes. */
function restJsonRoutes(model) {
  return Object.entries(model.operations).map(([name, operation]) => {
    const [pathPart, queryPart = ""] = operation.http.requestUri.split("?");
    const labelNames = [];
    const pattern = pathPart
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const label = /^\{([^}+]+)(\+?)\}$/.exec(part);
        if (!label) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        labelNames.push(label[1]);
        return label[2] ? "(.+)" : "([^/]+)";
      })
      .join("");
    const literalQuery = [...new URLSearchParams(queryPart)];
    return { name, method: operation.http.method, regex: new RegExp(`^${pattern}$`), labelNames, literalQuery };
  });
}

function matchRoute(routes, method, url) {
  const matches = [];
  for (const route of routes) {
    if (route.method !== method) continue;
    const found = route.regex.exec(url.pathname);
    if (!found) continue;
    if (!route.literalQuery.every(([name, value]) => url.searchParams.get(name) === value)) continue;
    const labels = Object.fromEntries(route.labelNames.map((label, i) => [label, decodeURIComponent(found[i + 1])]));
    matches.push({ ...route, labels });
  }
  // The route that fixes the most of the query is the operation (e.g. ?operation=associate-phone-numbers).
  matches.sort((a, b) => b.literalQuery.length - a.literalQuery.length);
  return matches[0];
}

/**
 * @typedef {object} ServiceSimulation
 * @property {any} model a model from loadServiceModel
 * @property {Record<string, (input: any, request: { headers: Record<string, string> }) => any>} handlers
 *   by operation name; a handler returns the output (or a promise of it) or throws a ServiceError
 */

/**
 * Starts the endpoint on 127.0.0.1 for one or more services (all reachable through one
 * AWS_ENDPOINT_URL). `errorCodeIn` says where a rest-json error's code goes: "header"
 * (x-amzn-ErrorType, as AWS documents for restJson1), "__type" (the body only) or "Code" (the
 * body only, as the Chime ErrorCode enum: "NotFound" for NotFoundException).
 *
 * @param {{ services: ServiceSimulation[], errorCodeIn?: "header" | "__type" | "Code" }} options
 */
async function startModelEndpoint({ services, errorCodeIn = "header" }) {
  const jsonServices = new Map();
  const restServices = [];
  for (const service of services) {
    const { protocol, targetPrefix } = service.model.metadata;
    for (const name of Object.keys(service.handlers)) {
      if (!(name in service.model.operations)) throw new Error(`${service.model.metadata.uid} has no operation ${name}`);
    }
    if (protocol === "json") jsonServices.set(targetPrefix, service);
    else if (protocol === "rest-json") restServices.push({ ...service, routes: restJsonRoutes(service.model) });
    else throw new Error(`the endpoint does not speak the ${protocol} protocol of ${service.model.metadata.uid}`);
  }
  /** Answers that broke the model, and handler crashes: each fails the test in verify(). */
  const failures = [];
  const requests = [];

  function send(response, status, headers, payload) {
    const body = payload === undefined ? "" : JSON.stringify(payload);
    response.writeHead(status, { "x-amzn-RequestId": randomUUID(), ...headers, "content-length": Buffer.byteLength(body) });
    response.end(body);
  }

  /**
   * Answers with an error in the protocol's form. A handler's error must be one the model lists
   * for the operation, with its shape's members; `refusal` marks the endpoint's own answer to a
   * malformed request, which services give whether or not their model lists it.
   */
  function sendError(response, service, operationName, error, refusal = false) {
    const { model } = service;
    const shape = model.shapes[error.code];
    if (!refusal) {
      const modelled = (model.operations[operationName].errors ?? []).some((e) => e.shape === error.code);
      if (!modelled || shape?.exception !== true) {
        failures.push(`${operationName} answered ${error.code}, which is not an error of the operation in ${model.metadata.uid}`);
        return send(response, 500, {}, { message: `not a modelled error: ${error.code}` });
      }
      const problems = shapeProblems(model, error.code, error.members, error.code);
      if (problems.length > 0) {
        failures.push(...problems);
        return send(response, 500, {}, { message: problems.join("; ") });
      }
    }
    const status = shape?.error?.httpStatusCode ?? 400;
    const members = shape?.members ?? {};
    const messageKey = "message" in members || !("Message" in members) ? "message" : "Message";
    const payload = { [messageKey]: error.errorMessage, ...error.members };
    if (model.metadata.protocol === "json") {
      return send(response, status, { "content-type": "application/x-amz-json-1.1" }, { __type: error.code, ...payload });
    }
    if (errorCodeIn === "header")
      return send(response, status, { "content-type": "application/json", "x-amzn-ErrorType": error.code }, payload);
    if (errorCodeIn === "__type")
      return send(response, status, { "content-type": "application/json" }, { __type: error.code, ...payload });
    return send(
      response,
      status,
      { "content-type": "application/json" },
      { Code: error.code.replace(/Exception$/, ""), ...payload },
    );
  }

  async function answer(response, service, operationName, input, headers, problems) {
    const { model } = service;
    requests.push({ service: model.metadata.serviceId, operation: operationName, input, problems });
    if (problems.length > 0) {
      return sendError(
        response,
        service,
        operationName,
        new ServiceError(validationErrorName(model.operations[operationName]), problems.join("; ")),
        true,
      );
    }
    const handler = service.handlers[operationName];
    if (handler === undefined) {
      failures.push(`the test called ${operationName}, which the ${model.metadata.serviceId} simulation does not answer`);
      return send(response, 501, {}, { message: `${operationName} is not simulated` });
    }
    let output;
    try {
      output = await handler(input, { headers });
    } catch (error) {
      if (error instanceof ServiceError) return sendError(response, service, operationName, error);
      failures.push(`${operationName} handler failed: ${error.stack ?? error}`);
      return send(response, 500, {}, { message: String(error) });
    }
    const outputProblems = operationProblems(model, operationName, output, "output");
    if (outputProblems.length > 0) {
      failures.push(...outputProblems);
      return send(response, 500, {}, { message: outputProblems.join("; ") });
    }
    const operation = model.operations[operationName];
    const isJson = model.metadata.protocol === "json";
    const body =
      operation.output === undefined
        ? undefined
        : serializeTimestamps(model, operation.output.shape, output ?? {}, "unixTimestamp");
    const status = isJson ? 200 : (operation.http.responseCode ?? 200);
    const contentType = isJson ? "application/x-amz-json-1.1" : "application/json";
    return send(response, status, { "content-type": contentType }, status === 204 ? undefined : (body ?? {}));
  }

  function route(request, body, response) {
    const url = new URL(request.url, "http://127.0.0.1");
    const target = request.headers["x-amz-target"];
    if (target !== undefined) {
      const [prefix, operationName] = String(target).split(".");
      const service = jsonServices.get(prefix);
      if (service === undefined || !(operationName in service.model.operations)) {
        failures.push(`no simulated service knows X-Amz-Target ${target}`);
        return send(response, 400, {}, { __type: "UnknownOperationException", message: target });
      }
      const problems = [];
      if (request.method !== "POST" || url.pathname !== "/")
        problems.push(`json 1.1 calls are POST /, not ${request.method} ${url.pathname}`);
      const contentType = `application/x-amz-json-${service.model.metadata.jsonVersion}`;
      if (request.headers["content-type"] !== contentType)
        problems.push(`the content type is ${request.headers["content-type"]}, not ${contentType}`);
      let input;
      try {
        input = body.length > 0 ? JSON.parse(body) : {};
      } catch {
        problems.push("the body is not JSON");
      }
      if (input !== undefined) problems.push(...operationProblems(service.model, operationName, input));
      return answer(response, service, operationName, input, request.headers, problems);
    }
    for (const service of restServices) {
      const found = matchRoute(service.routes, request.method, url);
      if (found === undefined) continue;
      const parsed = restJsonInput(service.model, found.name, found, url, request.headers, body);
      if (parsed.problems.length === 0) parsed.problems.push(...operationProblems(service.model, found.name, parsed.input));
      return answer(response, service, found.name, parsed.input, request.headers, parsed.problems);
    }
    failures.push(`no simulated operation answers ${request.method} ${request.url}`);
    return send(
      response,
      404,
      { "x-amzn-ErrorType": "UnknownOperationException" },
      { message: `${request.method} ${request.url}` },
    );
  }

  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      Promise.resolve(route(request, Buffer.concat(chunks).toString("utf8"), response)).catch((error) => {
        failures.push(`the endpoint failed: ${error.stack ?? error}`);
        if (!response.headersSent) send(response, 500, {}, { message: String(error) });
      });
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));

  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Every request: service, operation, the input as the model reads it, and why it was refused. */
    requests,
    failures,
    /** Throws when a handler answered outside the model or crashed, or an unsimulated call came in. */
    verify() {
      if (failures.length > 0) throw new Error(`the model endpoint saw ${failures.length} failure(s):\n${failures.join("\n")}`);
    },
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

module.exports = {
  botocoreDataDir,
  loadServiceModel,
  shapeProblems,
  operationProblems,
  assertOutput,
  ServiceError,
  startModelEndpoint,
};
