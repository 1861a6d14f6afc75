"use strict";
/**
 * dynalite on a random loopback port with the call table the stack creates: key `call_id`, TTL
 * attribute `expires_at`, sparse index `pending-calls` (`pending`, `pending_since`). Counts the
 * requests it serves by operation, so tests and the bench can check the per-call cost.
 */
const dynalite = require("dynalite");
const { DynamoDBClient, CreateTableCommand, GetItemCommand, PutItemCommand } = require("@aws-sdk/client-dynamodb");

// The harness's own client would warn on every run that this machine's Node 20 is nearing the SDK's
// end of support; the recorder runs on Node 22 in Lambda.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const TABLE_NAME = "calls";
/** Marks the harness's own requests, which are not the recorder's cost. */
const HARNESS_HEADER = "x-call-table-harness";

/** @param {{ region?: string }} [options] */
async function startCallTable({ region = "us-east-1" } = {}) {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}`;

  /** @type {Record<string, number>} */
  let counts = {};
  server.on("request", (request) => {
    if (request.headers[HARNESS_HEADER] !== undefined) return;
    const operation =
      String(request.headers["x-amz-target"] ?? "")
        .split(".")
        .pop() ?? "unknown";
    counts[operation] = (counts[operation] ?? 0) + 1;
  });

  const client = new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  client.middlewareStack.add(
    (next) => (args) => {
      args.request.headers[HARNESS_HEADER] = "1";
      return next(args);
    },
    { step: "build" },
  );
  await client.send(
    new CreateTableCommand({
      TableName: TABLE_NAME,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "call_id", AttributeType: "S" },
        { AttributeName: "pending", AttributeType: "S" },
        { AttributeName: "pending_since", AttributeType: "N" },
      ],
      KeySchema: [{ AttributeName: "call_id", KeyType: "HASH" }],
      GlobalSecondaryIndexes: [
        {
          IndexName: "pending-calls",
          KeySchema: [
            { AttributeName: "pending", KeyType: "HASH" },
            { AttributeName: "pending_since", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    }),
  );

  return {
    endpoint,
    tableName: TABLE_NAME,
    /** Requests served since start or the last reset, by operation (UpdateItem, Query, ...). */
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((sum, count) => sum + count, 0),
    resetCounts: () => {
      counts = {};
    },
    /** Reads an item without counting it against the recorder. */
    async getItem(callId) {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: TABLE_NAME, Key: { call_id: { S: callId } }, ConsistentRead: true }),
      );
      return Item;
    },
    /** Writes an item as it is (e.g. in a shape an earlier version left), without counting it against the recorder. */
    async putItem(item) {
      await client.send(new PutItemCommand({ TableName: TABLE_NAME, Item: item }));
    },
    async close() {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

module.exports = { startCallTable, TABLE_NAME };
