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
export declare function startFakeMediaPipelines(options?: FakeOptions): Promise<FakeMediaPipelines>;
export declare function seededRandom(seed: number): () => number;
