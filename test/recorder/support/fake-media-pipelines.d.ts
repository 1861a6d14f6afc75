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
/** The statuses the fake's pipelines go through: running, then stopped or failed. */
export type PipelineStatus = "InProgress" | "Stopped" | "Failed";
export interface FakeOptions {
  /** Share of CreateMediaInsightsPipeline requests answered 429 ThrottledClientException. */
  throttleRatio?: number;
  maxActive?: number;
  runMs?: number;
  seed?: number;
  failWith?: (body: any) => FakeErrorType | undefined;
  /** Whether the pipeline a request creates fails: Failed after runMs, and no recording. */
  pipelineFails?: (body: any) => boolean;
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
/** A request that reused a pipeline's token with other parameters, refused with BadRequestException. */
export interface TokenConflict {
  token: string;
  /** The body that created the pipeline. */
  first: any;
  /** The refused body. */
  request: any;
}
export interface FakeStats {
  /** CreateMediaInsightsPipeline requests. */
  requests: number;
  created: number;
  replayed: number;
  throttled: number;
  limited: number;
  /** Refused as malformed, forced by failWith, or for a token conflict. */
  rejected: number;
  peakActive: number;
  /** GetMediaPipeline requests. */
  described: number;
}
export interface FakeMediaPipelines {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  readonly pipelines: Map<string, FakePipeline>;
  readonly stats: FakeStats;
  readonly modelProblems: string[];
  /** Never cleared, not even by reset(): a test expects none. */
  readonly tokenConflicts: TokenConflict[];
  /** The status GetMediaPipeline would answer now; undefined for an unknown ARN. */
  statusOf(pipelineArn: string): PipelineStatus | undefined;
  /** Fails the pipeline now; a recording not yet written never is. Throws for an unknown ARN. */
  failPipeline(pipelineArn: string): void;
  pipelinesFor(callId: string): FakePipeline[];
  requestsFor(callId: string): ReceivedRequest[];
  activeCount(now?: number): number;
  reset(options?: FakeOptions): void;
  close(): Promise<void>;
}
export declare function startFakeMediaPipelines(options?: FakeOptions, s3?: S3Server): Promise<FakeMediaPipelines>;
export declare function seededRandom(seed: number): () => number;
