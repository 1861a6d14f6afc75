import { TwinWorkspace } from "./terraform";

/**
 * recording_retention_days expires the per-call records as well as the recordings: real Terraform applies the
 * provider-free twin and the lifecycle rules are read back from its state.
 */

const RULE = "aws_s3_bucket_lifecycle_configuration.recordings[0]";

/** The applied lifecycle rules as id => prefix. */
function expiringPrefixes(tfvars: Record<string, unknown>): Record<string, string> {
  const workspace = new TwinWorkspace();
  try {
    workspace.apply({ build_asterisk: false, recording_retention_days: 30, ...tfvars });
    const rules = workspace.state().instances.get(RULE)?.rule as {
      id: string;
      filter: { prefix: string }[];
      expiration: unknown;
    }[];
    for (const rule of rules) expect(rule.expiration).toEqual([{ days: 30 }]);
    return Object.fromEntries(rules.map((rule) => [rule.id, rule.filter[0].prefix]));
  } finally {
    workspace.remove();
  }
}

describe("expiry of the created bucket", () => {
  it("expires records under metadata_prefix and the records by day by rules of their own, after the same days", () => {
    expect(expiringPrefixes({ recording_bucket_prefix: "calls", metadata_prefix: "/callRecords/" })).toEqual({
      "expire-recordings": "calls/",
      "expire-records": "callRecords/",
      "expire-records-by-day": "call-records-by-day/",
    });
  }, 60_000);

  it("needs no rule for records beside the recordings", () => {
    expect(expiringPrefixes({ recording_bucket_prefix: "calls" })).toEqual({
      "expire-recordings": "calls/",
      "expire-records-by-day": "call-records-by-day/",
    });
  }, 60_000);

  it("needs one rule when the recordings' rule covers the whole bucket", () => {
    expect(expiringPrefixes({ metadata_prefix: "callRecords" })).toEqual({ "expire-recordings": "" });
  }, 60_000);

  it("needs one rule when every record lies under the recordings' prefix", () => {
    expect(
      expiringPrefixes({
        recording_bucket_prefix: "calls",
        metadata_prefix: "calls/records",
        record_index_prefix: "calls/by-day/",
      }),
    ).toEqual({ "expire-recordings": "calls/" });
  }, 60_000);
});
