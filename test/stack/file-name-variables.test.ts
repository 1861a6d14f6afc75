import { expectAccepted, expectRefused } from "../support/terraform-variables";

/** The README's preset for Post Call Analytics. */
const PCA_PRESET = "{direction}_GUID_{callId}_AGENT_{toNumber}_CUST_{fromNumber}_DT_{date}T{time}";
const pca = { output_bucket: "pca-input-bucket", recording_bucket_prefix: "originalAudio", build_asterisk: false };

describe("recording_file_name, checked by terraform plan", () => {
  it.each([
    "{callId}",
    "{transactionId}",
    "calls/{date}/{callId}",
    "{direction}-{fromNumber}-{toNumber}-{date}T{time}-{callId}",
    "rec.v1:{callId}",
  ])("accepts %j", (template) => {
    expectAccepted({ recording_file_name: template });
  });

  it("refuses an unknown placeholder, naming it and the accepted ones", () => {
    expectRefused(
      { recording_file_name: "{callId}-{agent}-{CallId}" },
      'recording_file_name: "{callId}-{agent}-{CallId}" has unknown placeholders {agent}, {CallId}',
      "use {callId}, {transactionId}, {date}, {time}, {fromNumber}, {toNumber}, {direction}",
    );
  });

  it.each(["{callId} copy", "+{fromNumber}-{callId}", "{callId}=1", "{callId}}", "café-{callId}"])(
    "refuses %j: characters the destination ARN's pattern refuses",
    (template) => {
      expectRefused(
        { recording_file_name: template },
        `recording_file_name: "${template}" cannot be part of a recording destination`,
      );
    },
  );

  it("refuses a name without {callId} or {transactionId}: every call would write the same file", () => {
    expectRefused({ recording_file_name: "{date}-{time}" }, "names no {callId} or {transactionId}");
  });

  it.each(["/{callId}", "{callId}/", "calls//{callId}"])("refuses %j: an empty folder", (template) => {
    expectRefused({ recording_file_name: template }, "has an empty folder");
  });

  it("refuses a template longer than 200 characters", () => {
    expectRefused({ recording_file_name: `${"a".repeat(200)}{callId}` }, "at most 200 characters");
  });
});

describe("recording_file_name and metadata_prefix for Post Call Analytics", () => {
  it("accepts the README's preset with the records outside PCA's input prefix", () => {
    expectAccepted({ ...pca, recording_file_name: PCA_PRESET, metadata_prefix: "callRecords" });
  });

  it("refuses folders in a name with PCA's fields: PCA's job names cannot hold /", () => {
    expectRefused(
      { ...pca, recording_file_name: `{date}/${PCA_PRESET}`, metadata_prefix: "callRecords" },
      'carries Post Call Analytics fields (_GUID_, _AGENT_, _CUST_) and a "/"',
    );
  });

  it("refuses records beside PCA's recordings: PCA would start a job for each", () => {
    expectRefused(
      { ...pca, recording_file_name: PCA_PRESET },
      'metadata_prefix: "" puts the records under recording_bucket_prefix "originalAudio"',
    );
  });

  it("refuses records in a folder under PCA's input prefix", () => {
    expectRefused(
      { ...pca, recording_file_name: PCA_PRESET, metadata_prefix: "/originalAudio/records/" },
      "which would start a job for each record",
    );
  });

  it("accepts a prefix that merely starts with the same letters", () => {
    expectAccepted({ ...pca, recording_file_name: PCA_PRESET, metadata_prefix: "originalAudioRecords" });
  });

  it("lets other names keep their records beside the recordings", () => {
    expectAccepted({ ...pca, recording_file_name: "calls/{date}/{callId}" });
  });
});

describe("metadata_prefix, checked by terraform plan", () => {
  it.each(["", "callRecords", "/records/2026/", "a.b_c-d"])("accepts %j", (prefix) => {
    expectAccepted({ metadata_prefix: prefix });
  });

  it.each(["call records", "records+", "a\\b"])("refuses %j", (prefix) => {
    expectRefused({ metadata_prefix: prefix }, `metadata_prefix: "${prefix}" is not a key prefix`);
  });
});

describe("record_index_prefix, checked by terraform plan", () => {
  it.each(["call-records-by-day", "/records/by-day/", "a.b_c-d"])("accepts %j", (prefix) => {
    expectAccepted({ record_index_prefix: prefix });
  });

  it.each(["", "/", "by day", "records+"])("refuses %j: the records by day need a prefix of their own", (prefix) => {
    expectRefused({ record_index_prefix: prefix }, `record_index_prefix: "${prefix}" is not a key prefix`);
  });

  it("refuses a prefix under the recordings' when Post Call Analytics reads them, which would start a job per record", () => {
    expectRefused(
      { ...pca, recording_file_name: PCA_PRESET, metadata_prefix: "callRecords", record_index_prefix: "originalAudio/by-day" },
      'record_index_prefix: "originalAudio/by-day" puts the records by day under recording_bucket_prefix "originalAudio"',
    );
  });
});
