import { readReconcilerConfig } from "../../lambda/reconciler/config";

describe("the reconciler's configuration", () => {
  const env = {
    CALL_DETAIL_RECORDS_BUCKET: "chime-cdrs",
    RECORDS_BUCKET: "records",
    RECORDS_BY_DAY_PREFIX: "/call-records-by-day/",
    VOICE_CONNECTOR_IDS: "abcdef1234567890abcdef,bbbbbb1234567890bbbbbb",
    CALL_TABLE: "calls",
  };

  it("defaults to streaming detail records, 32 reads at once, at most 100,000 call detail records and 150,000 records read", () => {
    expect(readReconcilerConfig(env)).toMatchObject({
      detailRecords: "streaming",
      recordsByDayPrefix: "call-records-by-day",
      voiceConnectorIds: ["abcdef1234567890abcdef", "bbbbbb1234567890bbbbbb"],
      readConcurrency: 32,
      maxCallDetailReads: 100_000,
      maxRecordReads: 150_000,
      logLevel: "INFO",
    });
  });

  it.each([
    ["DETAIL_RECORDS", "sdr", /DETAIL_RECORDS is invalid \(got "sdr"\); expected streaming, streaming_and_call, call/],
    ["CALL_DETAIL_RECORDS_BUCKET", "", /CALL_DETAIL_RECORDS_BUCKET is not set/],
    ["VOICE_CONNECTOR_IDS", "abc", /VOICE_CONNECTOR_IDS is invalid/],
    ["RECORDS_BY_DAY_PREFIX", "//", /RECORDS_BY_DAY_PREFIX is invalid/],
    ["READ_CONCURRENCY", "0", /READ_CONCURRENCY is invalid/],
    ["MAX_RECORD_READS", "1000001", /MAX_RECORD_READS is invalid/],
  ])("refuses %s = %p, naming it", (name, value, message) => {
    expect(() => readReconcilerConfig({ ...env, [name]: value })).toThrow(message);
  });
});
