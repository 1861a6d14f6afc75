import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

export type Handler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
export interface SimulatorOptions {
  handlers: Handler[];
  batchSize?: number;
  visibilityTimeoutMs?: number;
  maxReceiveCount?: number;
}
export interface QueuedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
}
export interface SimulatorStats {
  sent: number;
  invocations: number;
  deliveries: number;
  failedRecords: number;
  deleted: number;
}
export declare class SqsSimulator {
  constructor(options: SimulatorOptions);
  readonly messages: QueuedMessage[];
  readonly deadLetters: QueuedMessage[];
  readonly stats: SimulatorStats;
  send(body: string | object): string;
  sendAll(bodies: (string | object)[]): string[];
  drain(options?: { timeoutMs?: number }): Promise<void>;
}
