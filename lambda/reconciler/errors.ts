import { preview } from "../recorder/errors";

/** An AWS request failed: the run fails, so no completion is counted and the alarm on it fires. */
export class AwsRequestError extends Error {
  override readonly name = "AwsRequestError";
  /** The AWS operation, e.g. `ListObjectsV2`. */
  readonly operation: string;
  /** The SDK's error name, e.g. `AccessDenied`. */
  readonly errorName: string;
  /** What it was asked of: a bucket and key or prefix, or a table. */
  readonly target: string;

  constructor(cause: unknown, operation: string, target: string) {
    const errorName = cause instanceof Error ? cause.name : "UnknownError";
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`${operation} of ${target} failed with ${errorName}: ${detail}`, { cause });
    this.operation = operation;
    this.errorName = errorName;
    this.target = target;
  }
}

/** The invocation's event names no day the job can reconcile. */
export class InvalidRunError extends Error {
  override readonly name = "InvalidRunError";

  constructor(day: unknown) {
    super(`the event's day is invalid (got ${preview(day)}); expected a day as YYYY-MM-DD, or no day for yesterday in UTC`);
  }
}
