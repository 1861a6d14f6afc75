import { createLogger } from "../../lambda/recorder/logger";
import { embeddedCountMetric } from "../../lambda/recorder/metrics";

function capture(level: "DEBUG" | "INFO" | "WARN" | "ERROR") {
  const lines: string[] = [];
  const log = createLogger({ service: "call-recorder", level, write: (line) => lines.push(line), now: () => new Date(0) });
  return { log, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("the logger", () => {
  it("writes one JSON object per line with level, message, timestamp and service", () => {
    const { log, lines } = capture("INFO");
    log.info("recording started", { callId: "c1" });
    expect(lines).toEqual([
      '{"level":"INFO","message":"recording started","timestamp":"1970-01-01T00:00:00.000Z","service":"call-recorder","callId":"c1"}\n',
    ]);
  });

  it("drops lines below its level", () => {
    const { log, parsed } = capture("WARN");
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(parsed().map((line) => line.level)).toEqual(["WARN", "ERROR"]);
  });

  it("adds bound fields to every line of a child logger", () => {
    const { log, parsed } = capture("DEBUG");
    log.with({ messageId: "m1" }).with({ callId: "c1" }).debug("waiting");
    expect(parsed()[0]).toMatchObject({ messageId: "m1", callId: "c1" });
  });

  it("writes errors as their name and message", () => {
    const { log, parsed } = capture("ERROR");
    log.error("failed", { error: new TypeError("boom") });
    expect(parsed()[0].error).toEqual({ name: "TypeError", message: "boom" });
  });
});

describe("the embedded metric", () => {
  const metric = embeddedCountMetric({
    namespace: "ChimeCallRecorder",
    name: "PermanentPipelineFailures",
    value: 1,
    dimensions: { VoiceConnectorId: "vc1" },
    timestamp: new Date(1_700_000_000_000),
  });

  it("declares a Count metric in the namespace with its dimension", () => {
    expect(metric._aws).toEqual({
      Timestamp: 1_700_000_000_000,
      CloudWatchMetrics: [
        {
          Namespace: "ChimeCallRecorder",
          Dimensions: [["VoiceConnectorId"]],
          Metrics: [{ Name: "PermanentPipelineFailures", Unit: "Count" }],
        },
      ],
    });
  });

  it("carries the value and the dimension's value at the top level", () => {
    expect(metric).toMatchObject({ PermanentPipelineFailures: 1, VoiceConnectorId: "vc1" });
  });
});

describe("an embedded metric with several dimension sets", () => {
  const metric = embeddedCountMetric({
    namespace: "ChimeCallRecorder",
    name: "DroppedEvents",
    value: 1,
    dimensions: { VoiceConnectorId: "vc1", Reason: "malformed" },
    dimensionSets: [["VoiceConnectorId"], ["VoiceConnectorId", "Reason"]],
    timestamp: new Date(1_700_000_000_000),
  });

  it("is aggregated by each set: the total for one alarm, the breakdown by reason", () => {
    expect((metric._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0].Dimensions).toEqual([
      ["VoiceConnectorId"],
      ["VoiceConnectorId", "Reason"],
    ]);
  });

  it("carries every dimension's value at the top level", () => {
    expect(metric).toMatchObject({ DroppedEvents: 1, VoiceConnectorId: "vc1", Reason: "malformed" });
  });
});

describe("an embedded metric in seconds", () => {
  it("declares its unit", () => {
    const metric = embeddedCountMetric({
      namespace: "ChimeCallRecorder",
      name: "OldestPendingCallAge",
      value: 620,
      unit: "Seconds",
      dimensions: { VoiceConnectorId: "vc1" },
      timestamp: new Date(0),
    });
    expect((metric._aws as { CloudWatchMetrics: { Metrics: unknown[] }[] }).CloudWatchMetrics[0].Metrics).toEqual([
      { Name: "OldestPendingCallAge", Unit: "Seconds" },
    ]);
  });
});
