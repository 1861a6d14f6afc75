"use strict";
/**
 * A loopback S3 for the recorder's tests and bench: path-style PutObject, GetObject (with Range),
 * HeadObject, and S3's 403s, 404s and 416 in its XML error form. It answers only with headers the S3
 * model (botocore s3 2006-03-01) maps to output members of the operation, and checks that at start.
 * Written here rather than taken from npm: s3rver, the usual choice, has not been released since
 * 2024 and pulls a web framework into a test that needs four operations.
 */
const http = require("node:http");
const { createHash, randomUUID } = require("node:crypto");
const zlib = require("node:zlib");
const { loadServiceModel } = require("./model-endpoint");

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
 * @param {{ buckets?: string[], canList?: boolean }} [options] buckets that exist (default one, "recordings");
 *   canList: whether the caller holds s3:ListBucket. S3 tells a caller without it that a key is missing
 *   only as 403 AccessDenied, as it does for a key it may not read; the default matches that case.
 */
async function startS3Server({ buckets = ["recordings"], canList = false } = {}) {
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

  function handle(request, raw, response) {
    const url = new URL(request.url ?? "/", "http://s3.local");
    const [, bucket, ...keyParts] = url.pathname.split("/");
    const key = keyParts.map(decodeURIComponent).join("/");
    const record = { method: request.method, bucket, key, range: request.headers.range, status: 0 };
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
    if (key === "") {
      reply(400);
      return sendError(response, request.method, 400, "InvalidRequest", "this server handles object operations only");
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
    if (object === undefined && !canList) {
      reply(403);
      return sendError(response, request.method, 403, "AccessDenied", "Access Denied");
    }
    if (object === undefined) {
      reply(404);
      return sendError(response, request.method, 404, "NoSuchKey", "The specified key does not exist.", { Key: key });
    }
    const operation = request.method === "GET" ? "GetObject" : "HeadObject";
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
