import { parseRecordIndexKey, RECORD_INDEX, recordDay, recordIndexKey } from "../../lambda/recorder/record-index";

const record = {
  voiceConnectorId: "abcdef1234567890abcdef",
  transactionId: "ec97a8ff-3f83-4de2-8d73-d988070f6af4",
  callId: "089b1d79-d4ca-4f74-b36b-681f606937f6",
  startTime: "2026-12-06T23:59:59.500Z",
};
const WRITTEN = Date.parse("2026-12-07T06:00:00Z");

describe("the key of a record by day", () => {
  it("files the record under its call's start day in UTC, named by connector, transaction and call", () => {
    expect(recordIndexKey("call-records-by-day", record, WRITTEN)).toBe(
      "call-records-by-day/start_day=2026-12-06/abcdef1234567890abcdef.ec97a8ff-3f83-4de2-8d73-d988070f6af4.089b1d79-d4ca-4f74-b36b-681f606937f6.json",
    );
  });

  it("names its partition column start_day, not the reserved word date", () => {
    expect(RECORD_INDEX.partitionColumn).toBe("start_day");
  });

  it("files a call no leg of which reported a start under the day it is written", () => {
    expect(recordDay({ startTime: null }, WRITTEN)).toBe("2026-12-07");
  });

  it.each([
    ["a call without a transaction id", { ...record, transactionId: null }],
    ["ids with dots, underscores, slashes and non-ASCII", { ...record, transactionId: "a.b_c/d", callId: "ruf-nummer-é.1" }],
  ])("gives back what it names for %s", (_, indexed) => {
    const key = recordIndexKey("records/by-day", indexed, WRITTEN);
    expect(key).toMatch(/^records\/by-day\/start_day=2026-12-06\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.json$/);
    expect(parseRecordIndexKey("records/by-day", key)).toEqual({
      day: "2026-12-06",
      voiceConnectorId: indexed.voiceConnectorId,
      transactionId: indexed.transactionId,
      callId: indexed.callId,
    });
  });

  it.each([
    "call-records-by-day/start_day=2026-12-06/report.json",
    "call-records-by-day/2026-12-06/a.b.c.json",
    "other/start_day=2026-12-06/a.b.c.json",
    "call-records-by-day/start_day=2026-12-06/a.b.c.json.tmp",
  ])("reads no facts from a key of another shape: %s", (key) => {
    expect(parseRecordIndexKey("call-records-by-day", key)).toBeNull();
  });
});
