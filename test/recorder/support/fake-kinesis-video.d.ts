export type KinesisVideoOperation = "GetDataEndpoint" | "ListFragments";
/** The errors both operations list in the models. */
export type KinesisVideoErrorName =
  | "InvalidArgumentException"
  | "ResourceNotFoundException"
  | "ClientLimitExceededException"
  | "NotAuthorizedException";
export interface FakeKinesisVideoOptions {
  /** Seed of the shuffle that orders each listing (default 1). */
  seed?: number;
  /** Most fragments one ListFragments page holds, whatever MaxResults asks (default 1000). */
  pageSize?: number;
}
export interface FragmentRange {
  fromMs: number;
  /** Exclusive: the last fragment is cut short to end here. */
  toMs: number;
  fragmentMs?: number;
  /** How long after the producer's timestamp the server's is (default 300). */
  serverDelayMs?: number;
}
export interface StoredFragment {
  fragmentNumber: string;
  producerMs: number;
  serverMs: number;
  lengthMs: number;
  sizeBytes: number;
}
export interface ReceivedRequest {
  /** The operation, or "METHOD /path" for a request no operation of the models routes. */
  operation: string;
  /** StreamARN or StreamName, as the request named it. */
  stream?: string;
  /** As parsed; the text when it is not JSON. */
  body: any;
  status: number;
  errorType?: KinesisVideoErrorName | "UnknownOperationException";
}
export type FakeKinesisVideoStats = Record<KinesisVideoOperation, number>;
export interface FakeKinesisVideo {
  /** The control endpoint, and the data endpoint GetDataEndpoint answers. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  readonly stats: FakeKinesisVideoStats;
  readonly requestProblems: string[];
  readonly modelProblems: string[];
  addStream(streamArn: string): void;
  /** Appends contiguous fragments covering [fromMs, toMs); creates the stream when needed. */
  addFragments(streamArn: string, range: FragmentRange): StoredFragment[];
  failNext(operation: KinesisVideoOperation, errorName: KinesisVideoErrorName): void;
  reset(options?: FakeKinesisVideoOptions): void;
  close(): Promise<void>;
}
export declare function startFakeKinesisVideo(options?: FakeKinesisVideoOptions): Promise<FakeKinesisVideo>;
