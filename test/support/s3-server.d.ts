export interface StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
  checksum: string;
}
export type S3Operation = "PutObject" | "GetObject" | "HeadObject" | "ListObjectsV2";
export interface S3Request {
  method: string;
  /** The operation the request is routed to; undefined for one this server does not handle. */
  operation?: S3Operation;
  bucket: string;
  /** Empty for ListObjectsV2, which names no key. */
  key: string;
  /** ListObjectsV2's prefix, if it sent one. */
  prefix?: string;
  range?: string;
  status: number;
}
export interface S3ServerOptions {
  /** Buckets that exist; default one, "recordings". */
  buckets?: string[];
  /** Whether the caller holds s3:ListBucket on the whole bucket. */
  canList?: boolean;
  /** The caller holds s3:ListBucket only under this s3:prefix: a list outside it answers 403 AccessDenied. */
  listPrefix?: string;
  /**
   * What GetObject and HeadObject of a missing key answer: 404 NoSuchKey or 403 AccessDenied.
   * Default: 404 when the caller may list (canList or listPrefix), else 403.
   */
  missingKeyStatus?: 403 | 404;
}
export interface S3Server {
  readonly url: string;
  readonly objects: Map<string, StoredObject>;
  readonly requests: S3Request[];
  /** Answers that strayed from the S3 model; a test expects it empty. */
  readonly modelProblems: string[];
  put(bucket: string, key: string, body: Uint8Array | string, contentType?: string): void;
  get(bucket: string, key: string): Buffer | undefined;
  reset(): void;
  close(): Promise<void>;
}
/**
 * Path-style PutObject, GetObject, HeadObject and ListObjectsV2 (prefix, max-keys, continuation-token,
 * start-after; delimiter, encoding-type, fetch-owner and optional object attributes answer 501
 * NotImplemented). Without canList or listPrefix (the default) a missing key answers 403 AccessDenied.
 */
export declare function startS3Server(options?: S3ServerOptions): Promise<S3Server>;
