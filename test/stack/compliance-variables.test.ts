import { expectAccepted, expectRefused, planVariables } from "../support/terraform-variables";

// The variables of customer-managed encryption, Object Lock, the do-not-record list and the audio format,
// evaluated by real `terraform plan` against the synthesized validation rules.

const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const locked = { removal_policy: "RETAIN", recording_lock_mode: "COMPLIANCE", recording_lock_days: 2555 };

describe("kms_key_arn", () => {
  it.each([
    ["a key ARN in the deployment's region", KEY],
    ["a multi-Region key", "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"],
    ["nothing, to create a key", ""],
  ])("accepts %s", (_what, arn) => {
    expectAccepted({ kms_key_arn: arn });
  });

  it.each([
    ["an alias", "arn:aws:kms:us-east-1:111122223333:alias/recordings"],
    ["a bare key id", "1234abcd-12ab-34cd-56ef-1234567890ab"],
    ["an ARN with an upper-case key id", KEY.toUpperCase()],
  ])("refuses %s, naming the accepted form", (_what, arn) => {
    expectRefused(
      { kms_key_arn: arn },
      `kms_key_arn: "${arn}" is not a KMS key ARN; use arn:aws:kms:<region>:<account>:key/<key id>`,
    );
  });

  it("refuses a key in another region, naming both", () => {
    const other = KEY.replace("us-east-1", "eu-west-1");
    expectRefused({ kms_key_arn: other }, `kms_key_arn: "${other}" is in region eu-west-1, not us-east-1`);
  });

  it("reports a malformed ARN once, not through a failed index in the region rule", () => {
    const { output } = planVariables({ kms_key_arn: "not-an-arn" });
    expect(output).not.toContain("Invalid index");
    expect(output.match(/kms_key_arn: "not-an-arn"/g)).toHaveLength(1);
  });
});

describe("recording_lock_mode and recording_lock_days", () => {
  it.each(["GOVERNANCE", "COMPLIANCE"])("accepts %s with RETAIN and a number of days", (mode) => {
    expectAccepted({ ...locked, recording_lock_mode: mode });
  });

  it("accepts SNAPSHOT, which means RETAIN", () => {
    expectAccepted({ ...locked, removal_policy: "SNAPSHOT" });
  });

  it("accepts an expiry no shorter than the lock", () => {
    expectAccepted({ ...locked, recording_retention_days: 2555 });
  });

  it("refuses an unknown mode", () => {
    expectRefused({ ...locked, recording_lock_mode: "compliance" }, 'recording_lock_mode: "compliance" is not a lock mode');
  });

  it("refuses a lock with removal_policy DESTROY, saying why", () => {
    expectRefused(
      { ...locked, removal_policy: "DESTROY" },
      'recording_lock_mode: COMPLIANCE cannot be combined with removal_policy = "DESTROY": destroy would have to delete recordings the lock protects',
    );
  });

  it("refuses an expiry shorter than the lock", () => {
    expectRefused(
      { ...locked, recording_retention_days: 365 },
      "recording_lock_days: 2555 days of lock outlast recording_retention_days = 365, so recordings would expire while locked",
    );
  });

  it("refuses a lock on an existing output_bucket", () => {
    expectRefused(
      { ...locked, output_bucket: "pca-input-bucket" },
      'recording_lock_mode: COMPLIANCE applies to the bucket this stack creates, and output_bucket "pca-input-bucket" is your own',
    );
  });

  it.each([
    [
      "a mode without days",
      { ...locked, recording_lock_days: 0 },
      'recording_lock_days: 0 does not match recording_lock_mode "COMPLIANCE"',
    ],
    ["days without a mode", { recording_lock_days: 30 }, 'recording_lock_days: 30 does not match recording_lock_mode ""'],
  ])("refuses %s", (_what, tfvars, message) => {
    expectRefused(tfvars, message);
  });

  it.each([1.5, -1, 36501])("refuses %s days", (days) => {
    expectRefused({ ...locked, recording_lock_days: days }, `recording_lock_days: ${days} is not a lock period`);
  });
});

describe("recording_format", () => {
  it.each(["Wav", "Opus"])("accepts %s", (format) => {
    expectAccepted({ recording_format: format });
  });

  it.each(["wav", "OPUS", "mp3"])("refuses %s, naming the API's spelling", (format) => {
    expectRefused({ recording_format: format }, `recording_format: "${format}" is not a format; use Wav or Opus`);
  });
});

describe("do_not_record_numbers", () => {
  it("accepts E.164 numbers", () => {
    expectAccepted({ do_not_record_numbers: ["+12065550100", "+442079460000", "+12"] });
  });

  it("names the entries that are not E.164", () => {
    expectRefused(
      { do_not_record_numbers: ["+12065550100", "12065550100", "+1 206 555 0100", "+0123", "+1234567890123456"] },
      'do_not_record_numbers: ["12065550100","+1 206 555 0100","+0123","+1234567890123456"] are not E.164 numbers',
    );
  });

  it("names a number listed twice", () => {
    expectRefused(
      { do_not_record_numbers: ["+12065550100", "+12065550101", "+12065550100"] },
      'do_not_record_numbers: ["+12065550100"] are listed more than once',
    );
  });

  it("refuses more numbers than the parameter holds", () => {
    const numbers = Array.from({ length: 201 }, (_, i) => `+1206555${String(i).padStart(4, "0")}`);
    expectRefused({ do_not_record_numbers: numbers }, "do_not_record_numbers: 201 numbers given; at most 200");
  });
});
