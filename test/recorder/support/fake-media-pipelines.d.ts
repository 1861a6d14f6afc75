import type { S3Server } from "../../support/s3-server";
import type { SinkOutcome } from "./recording-sink";
export type FakeErrorType =
  | "BadRequestException"
  | "ForbiddenException"
  | "NotFoundException"
  | "UnauthorizedClientException"
  | "ResourceLimitExceededException"
  | "ThrottledClientException"
  | "ServiceFailureException";
export interface FakeOptions {
  throttleRatio?: number;
  maxActive?: number;
  runMs?: number;
  seed?: number;
  failWith?: (body: any) => FakeErrorType | undefined;
  /** What a finished pipeline leaves in S3; without it, nothing. */
  recordingOutcome?: (body: any) => SinkOutcome;
}
export interface ReceivedRequest {
  body: any;
  status: number;
  errorType?: FakeErrorType;
}
export interface FakePipeline {
  arn: string;
  body: any;
  endsAt: number;
}
export interface FakeStats {
  requests: number;
  created: number;
  replayed: number;
  throttled: number;
  limited: number;
  rejected: number;
  peakActive: number;
}
export interface FakeMediaPipelines {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  readonly pipelines: Map<string, FakePipeline>;
  readonly stats: FakeStats;
  readonly modelProblems: string[];
  pipelinesFor(callId: string): FakePipeline[];
  requestsFor(callId: string): ReceivedRequest[];
  activeCount(now?: number): number;
  reset(options?: FakeOptions): void;
  close(): Promise<void>;
}
export declare function startFakeMediaPipelines(options?: FakeOptions, s3?: S3Server): Promise<FakeMediaPipelines>;
export declare function seededRandom(seed: number): () => number;
