/** What was wrong with one input value, in the words an operator needs to fix it. */
export interface InputProblem {
  /** Where the value came from, e.g. `detail.callId` or `RECORDING_BUCKET`. */
  field: string;
  value: unknown;
  problem: string;
  accepted: string;
}

function describe({ field, value, problem, accepted }: InputProblem): string {
  return `${field} ${problem} (got ${preview(value)}); expected ${accepted}`;
}

/** Keeps a hostile or huge value from flooding the log line that reports it. */
export function preview(value: unknown): string {
  const text = value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** The event can never be processed: it is logged once and acknowledged, never retried. */
export class MalformedEventError extends Error {
  override readonly name = "MalformedEventError";
  readonly field: string;
  readonly value: string;
  readonly accepted: string;

  constructor(problem: InputProblem) {
    super(describe(problem));
    this.field = problem.field;
    this.value = preview(problem.value);
    this.accepted = problem.accepted;
  }
}

/** The function is deployed with a bad environment: failing at load makes every invocation fail loudly. */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";

  constructor(problem: InputProblem) {
    super(describe(problem));
  }
}

interface FailureContext {
  callId?: string;
  /** The AWS operation that failed, e.g. `CreateMediaInsightsPipeline`. */
  operation: string;
}

/** An AWS call failed; the SQS record is returned as a batch item failure. */
export abstract class RecordingError extends Error {
  readonly callId?: string;
  readonly operation: string;
  /** The SDK's error name, e.g. `ThrottledClientException`. */
  readonly errorName: string;

  constructor(cause: unknown, context: FailureContext) {
    const errorName = cause instanceof Error ? cause.name : "UnknownError";
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`${context.operation} failed with ${errorName}: ${detail}`, { cause });
    this.callId = context.callId;
    this.operation = context.operation;
    this.errorName = errorName;
  }
}

/** Load, quota, throttling, 5xx or network trouble: the queue's redelivery is expected to heal it. */
export class RetryableRecordingError extends RecordingError {
  override readonly name = "RetryableRecordingError";
}

/**
 * The service refused the request (bad request, permissions, missing resource). Retrying soon will
 * not help, but the record still fails so that it ends in the dead-letter queue and its alarm.
 */
export class RejectedRecordingError extends RecordingError {
  override readonly name = "RejectedRecordingError";
}

/** The invocation's time ran out before the record was settled; the queue delivers it again. */
export class DeadlineExceededError extends Error {
  override readonly name = "DeadlineExceededError";

  constructor() {
    super("the invocation's time ran out before the record was settled");
  }
}

/** Errors that signal a deployment or permissions problem rather than load. */
const REJECTIONS = new Set([
  // Chime SDK Media Pipelines
  "BadRequestException",
  "ForbiddenException",
  "NotFoundException",
  "UnauthorizedClientException",
  // DynamoDB
  "AccessDeniedException",
  "ResourceNotFoundException",
  "ValidationException",
  // S3 (the recording check and the records)
  "AccessDenied",
  "NoSuchBucket",
]);

export function classifyAwsError(cause: unknown, context: FailureContext): RecordingError {
  const name = cause instanceof Error ? cause.name : "";
  return REJECTIONS.has(name) ? new RejectedRecordingError(cause, context) : new RetryableRecordingError(cause, context);
}

export function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}
