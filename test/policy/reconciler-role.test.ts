import { appliedStackTwin } from "../offline/terraform";
import { synthesizeStack } from "../support/synth";
import { allowed, findPolicies, type Grant, type Statement } from "./policies";
import type { TerraformConfig } from "./terraform-config";

/**
 * The reconciler role's least privilege, as a table: every action its policies allow, and every
 * resource (with its condition) it allows it on. An action added, or a resource widened, fails here
 * until the table says so.
 */
const detailBucket = "arn:aws:s3:::${var.call_detail_records_bucket}";
const records = "arn:aws:s3:::${local.recording_bucket_name}";
const keyThroughServices = {
  StringEquals: { "kms:ViaService": ["s3", "dynamodb"].map((service) => `${service}.\${var.region}.amazonaws.com`) },
};

const on = (...resources: string[]): Grant[] => resources.map((resource) => ({ resource }));

const EXPECTED: Record<string, Grant[]> = {
  "s3:ListBucket": [
    // The recorded connectors' folders of the compared detail records, as a local renders them (below).
    { resource: detailBucket, condition: { StringLike: { "s3:prefix": ["${local.reconciler_detail_record_prefixes}"] } } },
    { resource: records, condition: { StringLike: { "s3:prefix": "${local.records_by_day_prefix}/start_day=*" } } },
  ],
  "s3:GetObject": on(`${records}/\${local.records_by_day_prefix}/start_day=*`),
  "s3:PutObject": on(`${records}/\${local.records_by_day_prefix}/reconciliation/*`),
  "dynamodb:Query": on("${aws_dynamodb_table.calls.arn}/index/pending-calls"),
  "kms:Decrypt": [{ resource: "${local.kms_key_arn}", condition: keyThroughServices }],
  "kms:GenerateDataKey": [{ resource: "${local.kms_key_arn}", condition: keyThroughServices }],
  "logs:CreateLogStream": on("${one(aws_cloudwatch_log_group.reconciler[*].arn)}:*"),
  "logs:PutLogEvents": on("${one(aws_cloudwatch_log_group.reconciler[*].arn)}:*"),
};

/** Only when call detail records are compared. */
const EXPECTED_CALL_DETAIL_READS: Record<string, Grant[]> = {
  "s3:GetObject": on("${local.reconciler_call_detail_records}"),
};

const config = synthesizeStack() as unknown as TerraformConfig;
const policies = findPolicies(config);
const policy = (address: string) => {
  const found = policies.filter((p) => p.address === address);
  expect(found).toHaveLength(1);
  expect(found[0].unreadable).toBeUndefined();
  return found[0];
};

const A = "aaaaco08s5m5esgxfskzks";
const B = "bfggco08s5m5esgxfskzks";
const rendered = (tfvars: Record<string, unknown>) => {
  const applied = appliedStackTwin({ voice_connector_ids: [A, B], build_asterisk: false, ...tfvars });
  const read = (address: string): Statement[] | undefined => {
    const instance = applied.instances.get(address);
    return instance === undefined ? undefined : JSON.parse(instance.policy).Statement;
  };
  return { base: read("aws_iam_role_policy.reconciler[0]"), cdrs: read("aws_iam_role_policy.reconciler_call_detail_reads[0]") };
};
const sdrFolder = (id: string) => `Amazon-Chime-Voice-Connector-SDRs/json/${id}/*`;
const cdrFolder = (id: string) => `Amazon-Chime-Voice-Connector-CDRs/json/${id}/*`;
const detailPrefixes = (statements: Statement[] | undefined) =>
  statements?.find((s) => s.Sid === "ListTheRecordedConnectorsDetailRecords")?.Condition?.StringLike?.["s3:prefix"];

describe("the reconciler role's least privilege", () => {
  it("allows exactly the actions of the table, each on exactly its resources and conditions", () => {
    expect(allowed(policy("aws_iam_role_policy.reconciler").statements)).toEqual(EXPECTED);
  });

  it("reads call detail records in a policy of their own, present only when they are compared", () => {
    expect(allowed(policy("aws_iam_role_policy.reconciler_call_detail_reads").statements)).toEqual(EXPECTED_CALL_DETAIL_READS);
    expect(config.resource?.aws_iam_role_policy?.reconciler_call_detail_reads.count).toBe(
      '${var.call_detail_records_bucket != "" && var.reconciliation_detail_records != "streaming" ? 1 : 0}',
    );
  });

  it("lists, as Terraform renders it, only each recorded connector's streaming detail records by default", () => {
    const { base, cdrs } = rendered({ call_detail_records_bucket: "chime-cdrs" });
    expect(detailPrefixes(base)).toEqual([sdrFolder(A), sdrFolder(B)]);
    expect(base?.find((s) => s.Sid === "ListTheRecordedConnectorsDetailRecords")?.Resource).toBe("arn:aws:s3:::chime-cdrs");
    expect(cdrs).toBeUndefined();
  });

  it("lists and reads each recorded connector's call detail records, and no others, when they are compared too", () => {
    const { base, cdrs } = rendered({
      call_detail_records_bucket: "chime-cdrs",
      reconciliation_detail_records: "streaming_and_call",
    });
    expect(detailPrefixes(base)).toEqual([sdrFolder(A), sdrFolder(B), cdrFolder(A), cdrFolder(B)]);
    expect(allowed(cdrs ?? [])).toEqual({
      "s3:GetObject": on(`arn:aws:s3:::chime-cdrs/${cdrFolder(A)}`, `arn:aws:s3:::chime-cdrs/${cdrFolder(B)}`),
    });
  });

  it("lists no streaming detail records when it compares call detail records only", () => {
    const { base } = rendered({ call_detail_records_bucket: "chime-cdrs", reconciliation_detail_records: "call" });
    expect(detailPrefixes(base)).toEqual([cdrFolder(A), cdrFolder(B)]);
  });

  it("keeps its inline policies within IAM's 10,240 characters with the most connectors", () => {
    // Per connector: two folders (about 67 characters each, quoted) and a CDR ARN with a 63-character bucket name.
    const perConnector = 2 * (sdrFolder(A).length + 3) + (`arn:aws:s3:::${"b".repeat(63)}/${cdrFolder(A)}`.length + 3);
    const synthesized = ["reconciler", "reconciler_call_detail_reads"]
      .map((name) => JSON.stringify(JSON.parse(String(config.resource?.aws_iam_role_policy?.[name].policy))).length)
      .reduce((a, b) => a + b, 0);
    expect(synthesized + 10 * perConnector).toBeLessThanOrEqual(10240 / 2);
  });
});
