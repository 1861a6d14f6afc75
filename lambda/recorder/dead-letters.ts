import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { classifyAwsError, type RecordingError } from "./errors";

/** Keeps each attribute well inside SQS's message size, however long the service's message. */
const MAX_ATTRIBUTE_LENGTH = 1_000;

export interface DeadLetters {
  /**
   * Puts `body` on the dead-letter queue with the refusal as message attributes, so that the queue's
   * alarm fires within minutes and a redrive, once the cause is fixed, records the call.
   */
  send(callId: string, body: string, refusal: RecordingError): Promise<void>;
}

const text = (value: string) => ({ DataType: "String", StringValue: value.slice(0, MAX_ATTRIBUTE_LENGTH) || "-" });

export function createDeadLetters(client: SQSClient, queueUrl: string): DeadLetters {
  return {
    async send(callId, body, refusal) {
      try {
        await client.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: body,
            MessageAttributes: {
              CallId: text(callId),
              Operation: text(refusal.operation),
              ErrorName: text(refusal.errorName),
              ErrorMessage: text(refusal.message),
            },
          }),
        );
      } catch (error) {
        throw classifyAwsError(error, { callId, operation: "SendMessage" });
      }
    },
  };
}
