import { SSMClient } from "@aws-sdk/client-ssm";
import { readConfig } from "../../lambda/recorder/config";
import { createDoNotRecordList, EMPTY_LIST } from "../../lambda/recorder/do-not-record";
import { ConfigurationError, RejectedRecordingError, RetryableRecordingError } from "../../lambda/recorder/errors";
import { type ParameterStore, startParameterStore } from "./support/parameter-store";

const NAME = "/call-recorder/recorder/do-not-record-numbers";
const CALLER = "+18155551212";
const CALLEE = "+19285557777";

let store: ParameterStore;
let client: SSMClient;
let clock = 0;
const now = () => clock;

beforeAll(async () => {
  store = await startParameterStore();
  client = new SSMClient({
    region: "us-east-1",
    endpoint: store.url,
    credentials: { accessKeyId: "AKIDTESTRECORDER", secretAccessKey: "test-secret" },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  store.verify();
  await store.close();
});

beforeEach(() => {
  store.fail(undefined);
  clock = 1_700_000_000_000;
});

const list = (numbers: string[]) => {
  store.put(NAME, JSON.stringify(numbers));
  return createDoNotRecordList(client, NAME, 60_000, now);
};

describe("the do-not-record list read from its SSM parameter", () => {
  it("names the caller's number when it is listed", async () => {
    expect(await list([CALLER]).match({ fromNumber: CALLER, toNumber: CALLEE }, "c1")).toBe("fromNumber");
  });

  it("names the callee's number when it is listed", async () => {
    expect(await list([CALLEE]).match({ fromNumber: CALLER, toNumber: CALLEE }, "c1")).toBe("toNumber");
  });

  it("lists neither number of a call whose numbers are elsewhere or unknown", async () => {
    const numbers = list(["+12065550100"]);
    expect(await numbers.match({ fromNumber: CALLER, toNumber: CALLEE }, "c1")).toBeUndefined();
    expect(await numbers.match({}, "c2")).toBeUndefined();
  });

  it.each([
    ["a SIP URI with a host", "sip:+12065550100@203.0.113.10"],
    ["a SIP URI with parameters", "<sip:+12065550100@pbx.example.com;user=phone>"],
    ["a tel URI with visual separators", "tel:+1-206-555-0100"],
    ["a number with spaces and brackets", "+1 (206) 555 0100"],
  ])("matches a listed E.164 number written as %s", async (_form, written) => {
    expect(await list(["+12065550100"]).match({ fromNumber: written }, "c1")).toBe("fromNumber");
  });

  it("does not guess a country for a number without +: 10 digits are not taken as US", async () => {
    expect(await list(["+12065550100"]).match({ fromNumber: "2065550100" }, "c1")).toBeUndefined();
  });

  it("compares a number without + by its digits, as if it had one", async () => {
    expect(await list(["+12065550100"]).match({ toNumber: "12065550100" }, "c1")).toBe("toNumber");
  });

  it("matches no number of which nothing but digits remains to compare", async () => {
    expect(await list(["+12065550100"]).match({ fromNumber: "sip:alice@example.com" }, "c1")).toBeUndefined();
  });

  it("asks for the decrypted value of the SecureString", async () => {
    // The store answers ciphertext without WithDecryption, which would not parse as a list.
    await expect(list([CALLER]).match({ fromNumber: CALLER }, "c1")).resolves.toBe("fromNumber");
  });

  it("reads the parameter once per cache period, and again after it", async () => {
    const numbers = list([]);
    const before = store.reads;
    await numbers.match({ fromNumber: CALLER }, "c1");
    store.put(NAME, JSON.stringify([CALLER]));
    clock += 59_999;
    expect(await numbers.match({ fromNumber: CALLER }, "c2")).toBeUndefined();
    clock += 1;
    expect(await numbers.match({ fromNumber: CALLER }, "c3")).toBe("fromNumber");
    expect(store.reads - before).toBe(2);
  });

  it("fails the event, for the queue to deliver again, when SSM cannot answer", async () => {
    const numbers = list([CALLER]);
    store.fail("InternalServerError");
    const failure = numbers.match({ fromNumber: CALLER }, "c1");
    await expect(failure).rejects.toBeInstanceOf(RetryableRecordingError);
    await expect(failure).rejects.toMatchObject({ callId: "c1", operation: "GetParameter", errorName: "InternalServerError" });
  });

  it.each([
    ["not JSON", "+18155551212", "is not JSON"],
    ["not an array", '{"numbers":[]}', "is not a JSON array"],
    ["holding a number that is not E.164", '["+18155551212","0815"]', 'holds entries that are not E.164 numbers: ["0815"]'],
  ])("refuses a parameter %s, naming it and the accepted form", async (_what, value, problem) => {
    store.put(NAME, value);
    const failure = createDoNotRecordList(client, NAME, 60_000, now).match({ fromNumber: CALLER }, "c1");
    await expect(failure).rejects.toBeInstanceOf(RejectedRecordingError);
    await expect(failure).rejects.toThrow(`parameter ${NAME} ${problem}`);
    await expect(failure).rejects.toThrow('expected a JSON array of E.164 numbers such as ["+12065550100"]');
  });

  it("lists nobody, without calling SSM, when no parameter is configured", async () => {
    const before = store.reads;
    expect(await EMPTY_LIST.match({ fromNumber: CALLER, toNumber: CALLEE }, "c1")).toBeUndefined();
    expect(store.reads).toBe(before);
  });
});

describe("the recorder's environment for the list and the format", () => {
  const env = {
    CALL_TABLE: "calls",
    RECORDING_BUCKET: "recordings",
    MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN: "arn:aws:chime:us-east-1:111122223333:media-insights-pipeline-configuration/r",
    VOICE_CONNECTOR_IDS: "bfggco08s5m5esgxfskzks",
    DEAD_LETTER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/111122223333/dlq",
  };

  it("records WAV and lists nobody by default, rereading a list every minute", () => {
    expect(readConfig(env)).toMatchObject({ recordingFormat: "Wav", doNotRecordParameter: "", doNotRecordCacheSeconds: 60 });
  });

  it("takes Opus and the list's parameter", () => {
    expect(readConfig({ ...env, RECORDING_FORMAT: "Opus", DO_NOT_RECORD_PARAMETER: NAME })).toMatchObject({
      recordingFormat: "Opus",
      doNotRecordParameter: NAME,
    });
  });

  it("refuses a format the API does not spell so, naming the accepted ones", () => {
    expect(() => readConfig({ ...env, RECORDING_FORMAT: "wav" })).toThrow(ConfigurationError);
    expect(() => readConfig({ ...env, RECORDING_FORMAT: "wav" })).toThrow(
      'RECORDING_FORMAT is invalid (got "wav"); expected Wav or Opus',
    );
  });
});
