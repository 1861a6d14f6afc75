export interface StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
  checksum: string;
}
export interface S3Request {
  method: string;
  bucket: string;
  key: string;
  range?: string;
  status: number;
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
/** `canList`: whether the caller holds s3:ListBucket; without it (the default) a missing key answers 403 AccessDenied. */
export declare function startS3Server(options?: { buckets?: string[]; canList?: boolean }): Promise<S3Server>;
