import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

export declare const BUNDLE: string;
export type LogLine = Record<string, unknown> & { level?: string; message?: string };
export interface RecorderProcess {
  handler(event: SQSEvent): Promise<SQSBatchResponse>;
  /** JSON lines the instance wrote to stdout, parsed, in order. */
  readonly logs: LogLine[];
  close(): Promise<void>;
}
export declare function startRecorderProcess(env: Record<string, string>): Promise<RecorderProcess>;
