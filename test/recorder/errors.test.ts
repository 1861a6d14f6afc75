import { classifyAwsError, RejectedRecordingError, RetryableRecordingError } from "../../lambda/recorder/errors";

const awsError = (name: string): Error => Object.assign(new Error(`${name} from the service`), { name });

describe("classifying AWS errors", () => {
  it.each([
    "ResourceLimitExceededException",
    "ThrottledClientException",
    "ServiceFailureException",
    "ServiceUnavailableException",
    "ProvisionedThroughputExceededException",
    "InternalServerError",
    "TimeoutError",
  ])("%s is retried", (name) => {
    expect(classifyAwsError(awsError(name), { operation: "op" })).toBeInstanceOf(RetryableRecordingError);
  });

  it.each([
    "BadRequestException",
    "ForbiddenException",
    "NotFoundException",
    "UnauthorizedClientException",
    "AccessDeniedException",
    "ResourceNotFoundException",
  ])("%s is a rejection", (name) => {
    expect(classifyAwsError(awsError(name), { operation: "op" })).toBeInstanceOf(RejectedRecordingError);
  });

  it("treats a network error as retryable", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(classifyAwsError(reset, { operation: "op" })).toBeInstanceOf(RetryableRecordingError);
  });

  it("keeps the call, the operation and the error name", () => {
    const error = classifyAwsError(awsError("ThrottledClientException"), {
      callId: "c1",
      operation: "CreateMediaInsightsPipeline",
    });
    expect(error).toMatchObject({
      callId: "c1",
      operation: "CreateMediaInsightsPipeline",
      errorName: "ThrottledClientException",
    });
  });
});
