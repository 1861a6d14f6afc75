import { resource, synthesizeStack } from "../support/synth";

const table = resource(synthesizeStack(), "aws_dynamodb_table", "calls");

describe("the call table", () => {
  it("is keyed by call_id alone", () => {
    expect(table.hash_key).toBe("call_id");
    expect(table).not.toHaveProperty("range_key");
  });

  it("bills on demand", () => {
    expect(table.billing_mode).toBe("PAY_PER_REQUEST");
  });

  it("expires items through the expires_at attribute", () => {
    expect(table.ttl).toEqual({ attribute_name: "expires_at", enabled: true });
  });

  it("keeps point-in-time recovery and encrypts at rest with the recorder's KMS key", () => {
    expect(table.point_in_time_recovery).toEqual({ enabled: true });
    expect(table.server_side_encryption).toEqual({ enabled: true, kms_key_arn: "${local.kms_key_arn}" });
  });

  it("is created once the key's policy lets DynamoDB use the key", () => {
    expect(table.depends_on).toContain("aws_kms_key_policy.recordings");
  });

  it("indexes the calls still waiting for a leg, oldest first", () => {
    expect(table.global_secondary_index).toEqual([
      { name: "pending-calls", hash_key: "pending", range_key: "pending_since", projection_type: "ALL" },
    ]);
  });

  it("declares exactly the attributes its keys use", () => {
    expect(table.attribute).toEqual([
      { name: "call_id", type: "S" },
      { name: "pending", type: "S" },
      { name: "pending_since", type: "N" },
    ]);
  });
});
