/**
 * The bundle as an outside test would use it: required into this jest process (a vm context, where
 * a dynamic import() of node:http fails), handler called directly, real loopback servers behind it.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { type S3Server, startS3Server } from "../support/s3-server";
import { type CallTableServer, startCallTable } from "./support/call-table-server";
import { type DeadLetterQueue, startDeadLetterQueue } from "./support/dead-letter-queue";
import { callEvents, makeCall, VOICE_CONNECTOR_ID } from "./support/events";
import { type FakeMediaPipelines, startFakeMediaPipelines } from "./support/fake-media-pipelines";
import { expectOneRecording, sqsEvent } from "./support/harness";
import { RECORDING_BUCKET, recorderEnv } from "./support/recorder-env";

type Handler = (event: SQSEvent) => Promise<SQSBatchResponse>;

let table: CallTableServer;
let pipelines: FakeMediaPipelines;
let deadLetters: DeadLetterQueue;
let s3: S3Server;
let handler: Handler;
const savedEnv = { ...process.env };

/** A fresh module instance of the bundle, configured for `pipelinesUrl` at load. */
function loadHandler(pipelinesUrl: string): Handler {
  Object.assign(
    process.env,
    recorderEnv({
      tableEndpoint: table.endpoint,
      tableName: table.tableName,
      pipelinesUrl,
      deadLetterQueueUrl: deadLetters.url,
      s3Url: s3.url,
      voiceConnectorId: VOICE_CONNECTOR_ID,
    }),
    { LOG_LEVEL: "ERROR" },
  );
  let loaded: Handler | undefined;
  jest.isolateModules(() => {
    ({ handler: loaded } = require(path.resolve("dist/recorder/index.js")) as { handler: Handler });
  });
  return loaded as Handler;
}

beforeAll(async () => {
  s3 = await startS3Server({ buckets: [RECORDING_BUCKET], canList: true });
  [table, pipelines, deadLetters] = await Promise.all([
    startCallTable(),
    startFakeMediaPipelines({}, s3),
    startDeadLetterQueue(),
  ]);
  handler = loadHandler(pipelines.url);
});

afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([table.close(), pipelines.close(), deadLetters.close(), s3.close()]);
});

describe("the bundle required into the test process", () => {
  it("exports the handler", () => {
    expect(handler).toEqual(expect.any(Function));
  });

  it("records a call whose events arrive in one batch, reporting no failure", async () => {
    const call = makeCall("in-process");
    await expect(handler(sqsEvent(...callEvents(call)))).resolves.toEqual({ batchItemFailures: [] });
    expectOneRecording(pipelines, call, ["caller", "callee"]);
  });
});

describe("a media-pipelines endpoint that answers 201 without naming the pipeline", () => {
  let server: http.Server;
  let requests = 0;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      requests++;
      request.resume().on("end", () => response.writeHead(201, { "content-type": "application/json" }).end("{}"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("counts as a started recording: the call is settled, not retried", async () => {
    const minimal = loadHandler(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const call = makeCall("no-pipeline-arn");
    await expect(minimal(sqsEvent(...callEvents(call)))).resolves.toEqual({ batchItemFailures: [] });
    expect((await table.getItem(call.callId))?.outcome).toEqual({ S: "recorded" });
    expect(requests).toBe(1);
  });
});
