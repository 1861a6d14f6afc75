export interface DeadLetter {
  body: string;
  attributes: Record<string, string>;
  messageId: string;
}
export interface DeadLetterQueue {
  url: string;
  endpoint: string;
  messages: DeadLetter[];
  requests: { operation: string; input: any; problems: string[] }[];
  verify(): void;
  close(): Promise<void>;
}
export declare function startDeadLetterQueue(): Promise<DeadLetterQueue>;
export declare function attributesMd5(
  attributes: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>,
): string;
