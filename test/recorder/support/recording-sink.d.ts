import type { S3Server } from "../../support/s3-server";
export type SinkOutcome = "verified" | "short" | "empty" | "malformed" | "none";
export declare function writeRecording(s3: S3Server, body: any, outcome: SinkOutcome): void;
