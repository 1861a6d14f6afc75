import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

export declare const BUNDLE: string;
export type LogLine = Record<string, unknown> & { level?: string; message?: string };
export interface RecorderProcess {
  /** `timeoutMs`: the invocation's time left at its start, as Lambda's context reports it (default 60 s). */
  handler(event: SQSEvent, options?: { timeoutMs?: number }): Promise<SQSBatchResponse>;
  /** JSON lines the instance wrote to stdout, parsed, in order. */
  readonly logs: LogLine[];
  close(): Promise<void>;
}
export declare function startRecorderProcess(env: Record<string, string>): Promise<RecorderProcess>;
