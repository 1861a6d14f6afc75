"use strict";
/**
 * A loopback S3 for the recorder's tests and bench: path-style PutObject, GetObject (with Range),
 * HeadObject, ListObjectsV2, and S3's 403s, 404s and 416 in its XML error form. It answers only with
 * headers the S3 model (botocore s3 2006-03-01) maps to output members of the operation, builds the
 * ListObjectsV2 body from the model's members and checks it against the output shape, and refuses a
 * ListObjectsV2 request whose parameters break the input shape.
 * Written here rather than taken from npm: s3rver, the usual choice, has not been released since
 * 2024 and pulls a web framework into a test that needs five operations.
 */
const http = require("node:http");
const { createHash, randomUUID } = require("node:crypto");
const zlib = require("node:zlib");
const { loadServiceModel, operationProblems } = require("./model-endpoint");

const MODEL = loadServiceModel("s3", "2006-03-01");

/** The headers an operation's output may carry: the model's `locationName` of each header member. */
function outputHeaders(operation) {
  const shape = MODEL.shapes[MODEL.operations[operation].output.shape];
  return new Set(
    Object.values(shape.members)
      .filter((member) => member.location === "header")
      .map((member) => member.locationName.toLowerCase()),
  );
}

const ALLOWED = {
  GetObject: outputHeaders("GetObject"),
  HeadObject: outputHeaders("HeadObject"),
  PutObject: outputHeaders("PutObject"),
  ListObjectsV2: outputHeaders("ListObjectsV2"),
};
/** Protocol headers, not members: every S3 answer may carry them. */
const PROTOCOL_HEADERS = new Set(["x-amz-request-id", "x-amz-id-2", "content-type", "content-length", "date"]);

const crc32 = (bytes) => {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(zlib.crc32(bytes) >>> 0);
  return value.toString("base64");
};

/** Undoes `aws-chunked` content encoding: `<hex size>[;chunk-signature=...]\r\n<data>\r\n`..., `0\r\n`, trailers. */
function decodeAwsChunked(raw) {
  const parts = [];
  const trailers = {};
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf("\r\n", at);
    if (lineEnd < 0) throw new Error("aws-chunked body ends inside a chunk header");
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString("latin1").split(";")[0], 16);
    if (!Number.isFinite(size)) throw new Error("aws-chunked chunk size is not hexadecimal");
    at = lineEnd + 2;
    if (size === 0) break;
    parts.push(raw.subarray(at, at + size));
    at += size + 2;
  }
  for (const line of raw.subarray(at).toString("latin1").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(parts), trailers };
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` against an object of `size` bytes; null when unsatisfiable. */
function parseRange(header, size) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header);
  if (match === null || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const last = Number(match[2]);
    if (last === 0 || size === 0) return null;
    return { start: Math.max(0, size - last), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return null;
  return { start, end };
}

const escapeXml = (text) => String(text).replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * `value` as the restXml element `name` of the model's shape: members in the model's order under
 * their locationName, flattened lists as repeated elements, timestamps in ISO 8601 (restXml's
 * default). Members S3 sends as headers are left out.
 */
function xmlOf(shapeName, value, name) {
  const shape = MODEL.shapes[shapeName];
  switch (shape.type) {
    case "structure": {
      const members = Object.entries(shape.members)
        .filter(([member, { location }]) => location === undefined && value[member] !== undefined)
        .map(([member, { shape: memberShape, locationName }]) => {
          const element = locationName ?? member;
          const list = MODEL.shapes[memberShape];
          if (list.type !== "list") return xmlOf(memberShape, value[member], element);
          const items = value[member].map((item) =>
            xmlOf(list.member.shape, item, list.flattened ? element : (list.member.locationName ?? "member")),
          );
          return list.flattened ? items.join("") : `<${element}>${items.join("")}</${element}>`;
        });
      return `<${name}>${members.join("")}</${name}>`;
    }
    case "timestamp":
      return `<${name}>${value.toISOString()}</${name}>`;
    default:
      return `<${name}>${escapeXml(value)}</${name}>`;
  }
}

const LIST_INPUT = MODEL.shapes[MODEL.operations.ListObjectsV2.input.shape];
/** Modelled ListObjectsV2 parameters this server does not implement: refused rather than answered wrongly. */
const UNIMPLEMENTED = ["Delimiter", "EncodingType", "FetchOwner", "OptionalObjectAttributes"];

/** The query parameters ListObjectsV2 takes: its members' and `list-type=2`, fixed by its route. */
const LIST_QUERY = new Set([
  "list-type",
  ...Object.values(LIST_INPUT.members)
    .filter((member) => member.location === "querystring")
    .map((member) => member.locationName),
]);

/** The ListObjectsV2 input the query and headers carry, as the model names and types its members. */
function listInput(bucket, url, headers) {
  const input = { Bucket: bucket };
  for (const [name, member] of Object.entries(LIST_INPUT.members)) {
    const text =
      member.location === "querystring"
        ? url.searchParams.get(member.locationName)
        : member.location === "header"
          ? headers[member.locationName.toLowerCase()]
          : undefined;
    if (text === null || text === undefined) continue;
    const type = MODEL.shapes[member.shape].type;
    if (type === "integer") input[name] = /^-?\d+$/.test(text) ? Number(text) : text;
    else if (type === "boolean") input[name] = text === "true" ? true : text === "false" ? false : text;
    else if (type === "list") input[name] = text.split(",").map((item) => item.trim());
    else input[name] = text;
  }
  return input;
}

/** S3's continuation tokens are opaque; this one names the last key of the page it ends. */
const continuationToken = (key) => Buffer.from(`after:${key}`, "utf8").toString("base64url");
const keyAfterToken = (token) => {
  const text = Buffer.from(token, "base64url").toString("utf8");
  return text.startsWith("after:") ? text.slice("after:".length) : undefined;
};

/**
 * @param {{ buckets?: string[], canList?: boolean, listPrefix?: string, missingKeyStatus?: 403 | 404 }} [options]
 *   buckets that exist (default one, "recordings").
 *   canList: whether the caller holds s3:ListBucket on the whole bucket. S3 tells a caller without it
 *   that a key is missing only as 403 AccessDenied, as it does for a key it may not read; the default
 *   matches that case.
 *   listPrefix: the caller holds s3:ListBucket only under an s3:prefix condition: a ListObjectsV2 whose
 *   prefix starts with it is allowed, any other is refused 403 AccessDenied.
 *   missingKeyStatus: what GetObject and HeadObject of a missing key answer, 404 NoSuchKey or 403
 *   AccessDenied; by default 404 when the caller may list (canList or listPrefix), else 403. Whether S3
 *   answers 404 to a caller whose s3:ListBucket carries an s3:prefix condition is unconfirmed: set it
 *   to cover both.
 */
async function startS3Server({ buckets = ["recordings"], canList = false, listPrefix = undefined, missingKeyStatus } = {}) {
  const missingStatus = missingKeyStatus ?? (canList || listPrefix !== undefined ? 404 : 403);
  if (missingStatus !== 403 && missingStatus !== 404) throw new Error(`missingKeyStatus is 403 or 404, not ${missingKeyStatus}`);
  const mayList = (prefix) => canList || (listPrefix !== undefined && prefix.startsWith(listPrefix));
  /** @type {Map<string, { body: Buffer, contentType: string, etag: string, lastModified: Date, checksum: string }>} */
  const objects = new Map();
  const requests = [];
  const modelProblems = [];

  function send(response, operation, status, headers, body) {
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      if (operation !== undefined && !PROTOCOL_HEADERS.has(lower) && !ALLOWED[operation].has(lower)) {
        modelProblems.push(`${operation} answered header ${name}, which is no member of its output`);
      }
    }
    response.writeHead(status, { "x-amz-request-id": randomUUID(), ...headers });
    response.end(body);
  }

  function sendError(response, method, status, code, message, extra = {}) {
    // HEAD answers carry no body, so S3 sends the status alone.
    if (method === "HEAD") return send(response, undefined, status, {});
    const members = Object.entries({ Code: code, Message: message, ...extra, RequestId: randomUUID() })
      .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
      .join("");
    send(
      response,
      undefined,
      status,
      { "content-type": "application/xml" },
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${members}</Error>`,
    );
  }

  /** The bucket's keys in S3's listing order (UTF-8 binary), from `prefix` on, after `after` if given. */
  function keysOf(bucket, prefix, after) {
    const keys = [];
    for (const id of objects.keys()) {
      const slash = id.indexOf("/");
      const key = id.slice(slash + 1);
      if (id.slice(0, slash) === bucket && key.startsWith(prefix)) keys.push(key);
    }
    // Each key's bytes once, not once per comparison: a listing of 72,000 keys (the reconciliation's bench) stays fast.
    const sorted = keys.map((key) => ({ key, bytes: Buffer.from(key, "utf8") })).sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    const afterBytes = after === undefined ? undefined : Buffer.from(after, "utf8");
    return sorted.filter(({ bytes }) => afterBytes === undefined || Buffer.compare(bytes, afterBytes) > 0).map(({ key }) => key);
  }

  function list(request, url, bucket, record, response) {
    const reply = (status) => {
      record.status = status;
    };
    const input = listInput(bucket, url, request.headers);
    record.prefix = input.Prefix;
    const problems = [
      ...[...url.searchParams.keys()]
        .filter((name) => !LIST_QUERY.has(name))
        .map((name) => `the query parameter ${name} is not in the model`),
      ...operationProblems(MODEL, "ListObjectsV2", input),
    ];
    if (Number.isInteger(input.MaxKeys) && input.MaxKeys < 0) problems.push("max-keys cannot be negative");
    const after = input.ContinuationToken === undefined ? input.StartAfter : keyAfterToken(input.ContinuationToken);
    if (input.ContinuationToken !== undefined && after === undefined)
      problems.push("The continuation token provided is incorrect");
    if (problems.length > 0) {
      reply(400);
      return sendError(response, "GET", 400, "InvalidArgument", problems.join("; "));
    }
    const unimplemented = UNIMPLEMENTED.filter((name) => input[name] !== undefined);
    if (unimplemented.length > 0) {
      reply(501);
      return sendError(response, "GET", 501, "NotImplemented", `this server does not implement ${unimplemented.join(", ")}`);
    }
    const prefix = input.Prefix ?? "";
    if (!mayList(prefix)) {
      reply(403);
      return sendError(response, "GET", 403, "AccessDenied", "Access Denied");
    }
    const maxKeys = input.MaxKeys ?? 1000;
    const keys = keysOf(bucket, prefix, after);
    const page = keys.slice(0, maxKeys);
    // An empty page ends the listing even when keys remain (max-keys=0), so that no paginator loops.
    const truncated = page.length > 0 && keys.length > page.length;
    const output = {
      Name: bucket,
      Prefix: prefix,
      KeyCount: page.length,
      MaxKeys: maxKeys,
      IsTruncated: truncated,
      ContinuationToken: input.ContinuationToken,
      NextContinuationToken: truncated ? continuationToken(page[page.length - 1]) : undefined,
      StartAfter: input.StartAfter,
      Contents:
        page.length === 0
          ? undefined
          : page.map((key) => {
              const object = objects.get(`${bucket}/${key}`);
              return {
                Key: key,
                LastModified: object.lastModified,
                ETag: object.etag,
                Size: object.body.length,
                StorageClass: "STANDARD",
              };
            }),
    };
    modelProblems.push(...operationProblems(MODEL, "ListObjectsV2", output, "output"));
    const body = xmlOf(MODEL.operations.ListObjectsV2.output.shape, output, "ListBucketResult").replace(
      "<ListBucketResult>",
      `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/${MODEL.metadata.apiVersion}/">`,
    );
    reply(200);
    return send(
      response,
      "ListObjectsV2",
      200,
      { "content-type": "application/xml" },
      `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
    );
  }

  function handle(request, raw, response) {
    const url = new URL(request.url ?? "/", "http://s3.local");
    const [, bucket, ...keyParts] = url.pathname.split("/");
    const key = keyParts.map(decodeURIComponent).join("/");
    const listing = key === "" && request.method === "GET" && url.searchParams.get("list-type") === "2";
    const operation = listing
      ? "ListObjectsV2"
      : key === ""
        ? undefined
        : { PUT: "PutObject", GET: "GetObject", HEAD: "HeadObject" }[request.method];
    const record = { method: request.method, operation, bucket, key, range: request.headers.range, status: 0 };
    requests.push(record);
    const reply = (status) => {
      record.status = status;
    };
    if (!buckets.includes(decodeURIComponent(bucket ?? ""))) {
      reply(404);
      return sendError(response, request.method, 404, "NoSuchBucket", "The specified bucket does not exist", {
        BucketName: bucket,
      });
    }
    if (listing) return list(request, url, decodeURIComponent(bucket), record, response);
    if (key === "") {
      reply(400);
      return sendError(
        response,
        request.method,
        400,
        "InvalidRequest",
        "this server handles ListObjectsV2 and object operations only",
      );
    }
    const id = `${bucket}/${key}`;
    if (request.method === "PUT") {
      let body = raw;
      let trailers = {};
      if (String(request.headers["content-encoding"] ?? "").includes("aws-chunked")) ({ body, trailers } = decodeAwsChunked(raw));
      const expected = request.headers["x-amz-checksum-crc32"] ?? trailers["x-amz-checksum-crc32"];
      const checksum = crc32(body);
      if (expected !== undefined && expected !== checksum) {
        reply(400);
        return sendError(response, "PUT", 400, "BadDigest", `CRC32 ${expected} does not match the body's ${checksum}`);
      }
      const etag = `"${createHash("md5").update(body).digest("hex")}"`;
      objects.set(id, {
        body,
        contentType: request.headers["content-type"] ?? "binary/octet-stream",
        etag,
        lastModified: new Date(),
        checksum,
      });
      reply(200);
      return send(response, "PutObject", 200, { ETag: etag, "x-amz-checksum-crc32": checksum });
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      reply(405);
      return sendError(response, request.method, 405, "MethodNotAllowed", `${request.method} is not handled here`);
    }
    const object = objects.get(id);
    if (object === undefined && missingStatus === 403) {
      reply(403);
      return sendError(response, request.method, 403, "AccessDenied", "Access Denied");
    }
    if (object === undefined) {
      reply(404);
      return sendError(response, request.method, 404, "NoSuchKey", "The specified key does not exist.", { Key: key });
    }
    const common = {
      ETag: object.etag,
      "Last-Modified": object.lastModified.toUTCString(),
      "Content-Type": object.contentType,
      "accept-ranges": "bytes",
    };
    const size = object.body.length;
    const range = request.headers.range === undefined ? undefined : parseRange(request.headers.range, size);
    if (range === null) {
      reply(416);
      return sendError(response, request.method, 416, "InvalidRange", "The requested range is not satisfiable", {
        RangeRequested: request.headers.range,
        ActualObjectSize: size,
      });
    }
    if (range === undefined) {
      reply(200);
      return send(
        response,
        operation,
        200,
        { ...common, "Content-Length": String(size) },
        operation === "GetObject" ? object.body : undefined,
      );
    }
    const part = object.body.subarray(range.start, range.end + 1);
    reply(206);
    return send(
      response,
      operation,
      206,
      { ...common, "Content-Length": String(part.length), "Content-Range": `bytes ${range.start}-${range.end}/${size}` },
      operation === "GetObject" ? part : undefined,
    );
  }

  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      try {
        handle(request, Buffer.concat(chunks), response);
      } catch (error) {
        sendError(response, request.method, 400, "InvalidRequest", String(error?.message ?? error));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;

  return {
    url,
    objects,
    requests,
    modelProblems,
    put(bucket, key, body, contentType = "binary/octet-stream") {
      const bytes = Buffer.from(body);
      objects.set(`${bucket}/${key}`, {
        body: bytes,
        contentType,
        etag: `"${createHash("md5").update(bytes).digest("hex")}"`,
        lastModified: new Date(),
        checksum: crc32(bytes),
      });
    },
    get(bucket, key) {
      return objects.get(`${bucket}/${key}`)?.body;
    },
    reset() {
      objects.clear();
      requests.length = 0;
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}

module.exports = { startS3Server };
