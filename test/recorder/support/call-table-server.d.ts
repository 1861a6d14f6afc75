import type { AttributeValue } from "@aws-sdk/client-dynamodb";

export declare const TABLE_NAME: string;
export interface CallTableServer {
  readonly endpoint: string;
  readonly tableName: string;
  counts(): Record<string, number>;
  total(): number;
  resetCounts(): void;
  getItem(callId: string): Promise<Record<string, AttributeValue> | undefined>;
  /** Writes an item as it is, uncounted. */
  putItem(item: Record<string, AttributeValue>): Promise<void>;
  close(): Promise<void>;
}
export declare function startCallTable(options?: { region?: string }): Promise<CallTableServer>;
