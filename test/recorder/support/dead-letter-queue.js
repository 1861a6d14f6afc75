"use strict";
/**
 * The recorder's dead-letter queue as a loopback SQS endpoint that is true to botocore's SQS model
 * (JSON protocol): SendMessage only, refused unless the request conforms to the model, answered
 * only with the model's members, and with the MD5 of the body that the SDK client verifies.
 */
const { createHash, randomUUID } = require("node:crypto");
const { loadServiceModel, ServiceError, startModelEndpoint } = require("../../support/model-endpoint");

const QUEUE_PATH = "/111122223333/call-recorder-dlq";

const md5 = (text) => createHash("md5").update(text, "utf8").digest("hex");

/** SQS's digest of message attributes: name, type and value, each length-prefixed, sorted by name. */
function attributesMd5(attributes) {
  const parts = [];
  const field = (buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(buffer.length);
    parts.push(length, buffer);
  };
  for (const name of Object.keys(attributes).sort()) {
    const { DataType, StringValue, BinaryValue } = attributes[name];
    field(Buffer.from(name, "utf8"));
    field(Buffer.from(DataType, "utf8"));
    const binary = DataType.startsWith("Binary");
    parts.push(Buffer.from([binary ? 2 : 1]));
    field(binary ? Buffer.from(BinaryValue, "base64") : Buffer.from(StringValue, "utf8"));
  }
  return createHash("md5").update(Buffer.concat(parts)).digest("hex");
}

async function startDeadLetterQueue() {
  /** @type {{ body: string, attributes: Record<string, string>, messageId: string }[]} */
  const messages = [];
  let queueUrl;
  const endpoint = await startModelEndpoint({
    services: [
      {
        model: loadServiceModel("sqs", "2012-11-05"),
        handlers: {
          SendMessage(input) {
            if (input.QueueUrl !== queueUrl)
              throw new ServiceError("QueueDoesNotExist", `The specified queue does not exist: ${input.QueueUrl}`);
            if (input.MessageBody === "") throw new ServiceError("InvalidMessageContents", "The message body must not be empty");
            const attributes = input.MessageAttributes ?? {};
            for (const [name, value] of Object.entries(attributes)) {
              // The model's documentation: a String or Number attribute needs a non-empty StringValue.
              // SQS's own error for it is not in the model; this is the nearest modelled one.
              if (!value.DataType.startsWith("Binary") && (value.StringValue ?? "") === "") {
                throw new ServiceError("InvalidMessageContents", `Message attribute ${name} must have a StringValue`);
              }
            }
            const messageId = randomUUID();
            messages.push({
              body: input.MessageBody,
              attributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, value.StringValue])),
              messageId,
            });
            return {
              MessageId: messageId,
              MD5OfMessageBody: md5(input.MessageBody),
              ...(Object.keys(attributes).length > 0 ? { MD5OfMessageAttributes: attributesMd5(attributes) } : {}),
            };
          },
        },
      },
    ],
  });
  queueUrl = `${endpoint.url}${QUEUE_PATH}`;
  return {
    /** The queue's URL: on the loopback endpoint, so the SDK never turns to a real SQS host. */
    url: queueUrl,
    endpoint: endpoint.url,
    /** Messages sent, in order: body and attribute values. */
    messages,
    /** Every request with the problems the model found in it. */
    requests: endpoint.requests,
    /** Throws when the endpoint answered outside the model. */
    verify: () => endpoint.verify(),
    close: () => endpoint.close(),
  };
}

module.exports = { startDeadLetterQueue, attributesMd5 };
