import { readConfig } from "../../lambda/recorder/config";
import { ConfigurationError } from "../../lambda/recorder/errors";

const env = {
  CALL_TABLE: "call-recorder-calls",
  RECORDING_BUCKET: "call-recordings-112233445566",
  RECORDING_BUCKET_PREFIX: "/recordings/",
  MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN:
    "arn:aws:chime:us-east-1:112233445566:media-insights-pipeline-configuration/recorder",
  VOICE_CONNECTOR_IDS: "bfggco08s5m5esgxfskzks",
  DEAD_LETTER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/112233445566/call-recorder-recorder-dlq",
  DATA_RETENTION_HOURS: "24",
  LOG_LEVEL: "DEBUG",
};

function failure(changes: Record<string, string | undefined>): ConfigurationError {
  try {
    readConfig({ ...env, ...changes });
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(changes)}`);
}

describe("reading the configuration", () => {
  it("takes the required variables as given", () => {
    expect(readConfig(env)).toMatchObject({
      callTable: "call-recorder-calls",
      recordingBucket: "call-recordings-112233445566",
      pipelineConfigurationArn: env.MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN,
      voiceConnectorIds: ["bfggco08s5m5esgxfskzks"],
      deadLetterQueueUrl: env.DEAD_LETTER_QUEUE_URL,
      dataRetentionHours: 24,
      logLevel: "DEBUG",
    });
  });

  it("takes several recorded connectors, comma-separated", () => {
    const ids = ["bfggco08s5m5esgxfskzks", "abcdefghij0123456789ab"];
    expect(readConfig({ ...env, VOICE_CONNECTOR_IDS: ids.join(",") }).voiceConnectorIds).toEqual(ids);
  });

  it("normalises the prefix's slashes", () => {
    expect(readConfig(env).recordingPrefix).toBe("recordings");
  });

  it("takes the ARN partition from the pipeline configuration", () => {
    expect(readConfig(env).partition).toBe("aws");
  });

  it("defaults the optional settings", () => {
    expect(readConfig(env)).toMatchObject({ callTtlDays: 7, legWaitSeconds: 900, metricsNamespace: "ChimeCallRecorder" });
  });

  it("takes the optional settings when given", () => {
    const config = readConfig({ ...env, CALL_TTL_DAYS: "30", LEG_WAIT_SECONDS: "2", METRICS_NAMESPACE: "Recorder" });
    expect(config).toMatchObject({ callTtlDays: 30, legWaitSeconds: 2, metricsNamespace: "Recorder" });
  });

  it("normalises the records' prefix as it does the recordings'", () => {
    expect(readConfig({ ...env, METADATA_PREFIX: "/call-records//2024/" }).metadataPrefix).toBe("call-records/2024");
  });

  it("treats an unset prefix as the bucket root", () => {
    expect(readConfig({ ...env, RECORDING_BUCKET_PREFIX: undefined }).recordingPrefix).toBe("");
  });

  it("defaults the log level to INFO", () => {
    expect(readConfig({ ...env, LOG_LEVEL: undefined }).logLevel).toBe("INFO");
  });
});

describe("a bad configuration fails with the variable, the value and the accepted form", () => {
  it.each([
    ["CALL_TABLE", undefined],
    ["RECORDING_BUCKET", "bucket name+spaces"],
    ["RECORDING_BUCKET_PREFIX", "calls with spaces"],
    ["METADATA_PREFIX", "records+json"],
    ["MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN", "recorder-config"],
    ["VOICE_CONNECTOR_IDS", ""],
    ["VOICE_CONNECTOR_IDS", "bfggco08s5m5esgxfskzks,*"],
    ["VOICE_CONNECTOR_IDS", "BFGGCO08S5M5ESGXFSKZKS"],
    ["LOG_LEVEL", "VERBOSE"],
    ["CALL_TTL_DAYS", "0"],
    ["LEG_WAIT_SECONDS", "ten"],
    ["DEAD_LETTER_QUEUE_URL", undefined],
    ["DEAD_LETTER_QUEUE_URL", "call-recorder-recorder-dlq"],
    ["DATA_RETENTION_HOURS", "-1"],
  ])("%s = %j", (name, value) => {
    expect(failure({ [name]: value }).message).toMatch(new RegExp(`^${name} .*\\(got .*\\); expected .+`));
  });
});
