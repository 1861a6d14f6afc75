import { callDetailReads, streamedCall } from "../../lambda/reconciler/call-detail-records";
import { addDays, isDay, yesterday } from "../../lambda/reconciler/days";
import { type DetailRecordKey, detailRecordPrefix, parseDetailRecordKey } from "../../lambda/reconciler/detail-record-keys";

const A = "abcdef1234567890abcdef";

describe("a detail record's key", () => {
  const prefix = detailRecordPrefix("streaming", A, "2019-03-01");

  it("is listed under the connector's folder of the day, as the guide lays it out", () => {
    expect(prefix).toBe(`Amazon-Chime-Voice-Connector-SDRs/json/${A}/2019/03/01/`);
    expect(detailRecordPrefix("call", A, "2019-03-01")).toBe(`Amazon-Chime-Voice-Connector-CDRs/json/${A}/2019/03/01/`);
  });

  it.each([
    ["_ (the guide's example)", "17.10.00.020_123abc4d-efg5-6789-h012-j3456789k012"],
    ["- (the guide's pattern line)", "17.10.00.020-123abc4d-efg5-6789-h012-j3456789k012"],
  ])("names the transaction id after %s", (_, name) => {
    expect(parseDetailRecordKey("streaming", A, "2019-03-01", `${prefix}${name}`)).toEqual({
      kind: "streaming",
      key: `${prefix}${name}`,
      voiceConnectorId: A,
      day: "2019-03-01",
      transactionId: "123abc4d-efg5-6789-h012-j3456789k012",
    });
  });

  it.each([
    ["no time of day", "123abc4d-efg5"],
    ["an extension", "17.10.00.020_123abc4d.json"],
    ["a deeper folder", "17/10.00.020_123abc4d"],
    ["nothing after the separator", "17.10.00.020_"],
  ])("of another shape (%s) names no call", (_, name) => {
    expect(parseDetailRecordKey("streaming", A, "2019-03-01", `${prefix}${name}`)).toBeNull();
  });
});

describe("days", () => {
  it("knows real calendar days only", () => {
    expect(isDay("2028-02-29")).toBe(true);
    expect(isDay("2026-02-29")).toBe(false);
    expect(isDay("2026-12-6")).toBe(false);
    expect(isDay(20261206)).toBe(false);
  });

  it("crosses months and years", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });

  it("takes yesterday in UTC, whatever the hour", () => {
    expect(yesterday(Date.parse("2026-12-07T00:00:00Z"))).toBe("2026-12-06");
    expect(yesterday(Date.parse("2026-12-07T23:59:59Z"))).toBe("2026-12-06");
  });
});

const record = (kind: "streaming" | "call", transactionId: string, day = "2026-12-06"): DetailRecordKey => ({
  kind,
  key: `${kind}/${day}/${transactionId}`,
  voiceConnectorId: A,
  day,
  transactionId,
});

describe("which call detail records are read", () => {
  const streaming = [record("streaming", "t1")];
  const call = [record("call", "t1"), record("call", "t2", "2026-12-07"), record("call", "t3")];

  it("none when comparing streaming detail records", () => {
    expect(callDetailReads("streaming", "2026-12-06", streaming, call, 10)).toEqual({ read: [], unread: [] });
  });

  it("only those of calls no streaming detail record names, with both", () => {
    const { read } = callDetailReads("streaming_and_call", "2026-12-06", streaming, call, 10);
    expect(read.map((r) => r.transactionId)).toEqual(["t3", "t2"]);
  });

  it("not those of calls a streaming detail record names in another case", () => {
    const { read } = callDetailReads(
      "streaming_and_call",
      "2026-12-06",
      [record("streaming", "AB-1")],
      [record("call", "ab-1")],
      10,
    );
    expect(read).toEqual([]);
  });

  it("all, with call detail records only, the reconciled day's first when the bound cuts", () => {
    expect(callDetailReads("call", "2026-12-06", streaming, call, 2)).toEqual({
      read: [call[0], call[2]],
      unread: [call[1]],
    });
  });
});

describe("whether a call detail record says the call streamed", () => {
  it.each([
    ['{"Streaming":true}', true],
    ['{"Streaming":"true"}', true],
    ['{"Streaming":false}', false],
    ['{"Streaming":"false"}', false],
    ['{"Status":"Completed"}', null],
    ['{"Streaming":1}', null],
    ["not json", null],
    ["null", null],
  ])("%s: %s", (body, expected) => {
    expect(streamedCall(body)).toBe(expected);
  });
});
