"use strict";
/**
 * A standard SQS queue feeding Lambda through an event source mapping with
 * ReportBatchItemFailures, on a scaled-down clock: batches of up to `batchSize`, one poller per
 * function instance (an instance handles one batch at a time), failed records visible again after
 * `visibilityTimeoutMs`, and a message that is received `maxReceiveCount` times without success
 * moved to the dead-letter queue.
 */
const { createHash, randomUUID } = require("node:crypto");

const QUEUE_ARN = "arn:aws:sqs:us-east-1:111122223333:call-recorder-events";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @typedef {{ batchItemFailures?: { itemIdentifier: string }[] }} BatchResponse
 * @typedef {(event: { Records: object[] }) => Promise<BatchResponse | void>} Handler
 * @typedef {object} SimulatorOptions
 * @property {Handler[]} handlers one per function instance, polled concurrently
 * @property {number} [batchSize] default 10
 * @property {number} [visibilityTimeoutMs] default 300 (production: 300 s)
 * @property {number} [maxReceiveCount] default 80
 */
class SqsSimulator {
  /** @param {SimulatorOptions} options */
  constructor({ handlers, batchSize = 10, visibilityTimeoutMs = 300, maxReceiveCount = 80 }) {
    this.handlers = handlers;
    this.batchSize = batchSize;
    this.visibilityTimeoutMs = visibilityTimeoutMs;
    this.maxReceiveCount = maxReceiveCount;
    /** Messages waiting or in flight, in send order. */
    this.messages = [];
    /** Messages that exhausted maxReceiveCount. */
    this.deadLetters = [];
    this.stats = { sent: 0, invocations: 0, deliveries: 0, failedRecords: 0, deleted: 0 };
  }

  /** @param {string | object} body an object is sent as its JSON */
  send(body) {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const messageId = randomUUID();
    this.messages.push({ messageId, body: text, receiveCount: 0, visibleAt: 0, inFlight: false, sentAt: Date.now() });
    this.stats.sent += 1;
    return messageId;
  }

  /** @param {(string | object)[]} bodies */
  sendAll(bodies) {
    return bodies.map((body) => this.send(body));
  }

  /** Delivers until no message is waiting or in flight; rejects after `timeoutMs`. */
  async drain({ timeoutMs = 30_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    await Promise.all(this.handlers.map((handler) => this.poll(handler, deadline)));
  }

  async poll(handler, deadline) {
    while (this.messages.length > 0) {
      if (Date.now() > deadline) {
        throw new Error(`queue not drained in time: ${this.messages.length} messages left, ${this.deadLetters.length} dead`);
      }
      const batch = this.receive();
      if (batch.length === 0) {
        await sleep(this.idleWait());
        continue;
      }
      await this.invoke(handler, batch);
    }
  }

  receive() {
    const now = Date.now();
    const batch = [];
    for (const message of [...this.messages]) {
      if (batch.length === this.batchSize) break;
      if (message.inFlight || message.visibleAt > now) continue;
      if (message.receiveCount >= this.maxReceiveCount) {
        this.remove(message);
        this.deadLetters.push(message);
        continue;
      }
      message.receiveCount += 1;
      message.inFlight = true;
      batch.push(message);
    }
    return batch;
  }

  idleWait() {
    const waiting = this.messages.filter((message) => !message.inFlight).map((message) => message.visibleAt);
    const next = waiting.length === 0 ? Date.now() + 2 : Math.min(...waiting);
    return Math.min(20, Math.max(1, next - Date.now()));
  }

  async invoke(handler, batch) {
    this.stats.invocations += 1;
    this.stats.deliveries += batch.length;
    let failed;
    try {
      const response = await handler({ Records: batch.map(toRecord) });
      const ids = (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
      // Lambda fails the whole batch when a reported identifier is not in it.
      failed = ids.every((id) => batch.some((message) => message.messageId === id))
        ? new Set(ids)
        : new Set(batch.map((message) => message.messageId));
    } catch {
      failed = new Set(batch.map((message) => message.messageId));
    }
    const visibleAt = Date.now() + this.visibilityTimeoutMs;
    for (const message of batch) {
      message.inFlight = false;
      if (failed.has(message.messageId)) {
        message.visibleAt = visibleAt;
        this.stats.failedRecords += 1;
      } else {
        this.remove(message);
        this.stats.deleted += 1;
      }
    }
  }

  remove(message) {
    this.messages.splice(this.messages.indexOf(message), 1);
  }
}

function toRecord(message) {
  return {
    messageId: message.messageId,
    receiptHandle: `${message.messageId}#${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: "AIDAEXAMPLE",
      ApproximateFirstReceiveTimestamp: String(message.sentAt),
    },
    messageAttributes: {},
    md5OfBody: createHash("md5").update(message.body).digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN: QUEUE_ARN,
    awsRegion: "us-east-1",
  };
}

module.exports = { SqsSimulator };
