import { parseJsonLiteral, resource, synthesizeStack } from "../support/synth";

const config = synthesizeStack();
const createdOnly = '${var.output_bucket == "" ? 1 : 0}';

describe("the recording bucket", () => {
  it("is created only when output_bucket is empty", () => {
    expect(resource(config, "aws_s3_bucket", "recordings").count).toBe(createdOnly);
  });

  it("has a deterministic, account- and region-unique name", () => {
    expect(resource(config, "aws_s3_bucket", "recordings").bucket).toBe(
      "${var.name_prefix}-recordings-${data.aws_caller_identity.current.account_id}-${var.region}",
    );
  });

  it("is emptied on destroy only under removal_policy DESTROY", () => {
    expect(resource(config, "aws_s3_bucket", "recordings").force_destroy).toBe('${var.removal_policy == "DESTROY"}');
  });

  it("blocks every kind of public access", () => {
    expect(resource(config, "aws_s3_bucket_public_access_block", "recordings")).toMatchObject({
      count: createdOnly,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it("encrypts objects by default with the recorder's KMS key, through an S3 bucket key", () => {
    const encryption = resource(config, "aws_s3_bucket_server_side_encryption_configuration", "recordings");
    expect(encryption.count).toBe(createdOnly);
    expect(encryption.rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${local.kms_key_arn}" },
        bucket_key_enabled: true,
      },
    ]);
  });

  it("denies every request that does not use TLS", () => {
    const policy = resource(config, "aws_s3_bucket_policy", "recordings");
    expect(policy.count).toBe(createdOnly);
    expect(parseJsonLiteral(policy.policy).Statement).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
  });

  it("disables ACLs so the account owns every recording", () => {
    expect(resource(config, "aws_s3_bucket_ownership_controls", "recordings").rule.object_ownership).toBe("BucketOwnerEnforced");
  });

  it("expires recordings under the prefix only when a retention period is set", () => {
    const lifecycle = resource(config, "aws_s3_bucket_lifecycle_configuration", "recordings");
    expect(lifecycle.count).toBe('${var.output_bucket == "" && var.recording_retention_days > 0 ? 1 : 0}');
    expect(lifecycle.dynamic.rule.content).toMatchObject({
      id: "${each.key}",
      status: "Enabled",
      filter: [{ prefix: "${each.value}" }],
      expiration: [{ days: "${var.recording_retention_days}" }],
    });
  });

  it("expires the records under metadata_prefix and by day by rules of their own, unless the recordings' rule covers them", () => {
    expect(config.locals.expiring_prefixes).toEqual({
      "expire-recordings": "${local.recording_key_prefix}",
      "expire-records": "${local.record_key_prefix}",
      "expire-records-by-day": "${local.records_by_day_prefix}/",
    });
    expect(resource(config, "aws_s3_bucket_lifecycle_configuration", "recordings").dynamic.rule.for_each).toBe(
      '${{ for id, prefix in local.expiring_prefixes : id => prefix if id == "expire-recordings" || !startswith(prefix, local.expiring_prefixes["expire-recordings"]) }}',
    );
  });

  it("removes an expired recording's hidden version a day after expiry, once the bucket is versioned for a lock", () => {
    const lifecycle = resource(config, "aws_s3_bucket_lifecycle_configuration", "recordings");
    expect(lifecycle.dynamic.rule.content.noncurrent_version_expiration).toEqual([{ noncurrent_days: 1 }]);
  });
});

describe("Object Lock", () => {
  const lockedOnly = '${var.output_bucket == "" && var.recording_lock_mode != "" ? 1 : 0}';

  it("is enabled when the bucket is created, only with a lock mode", () => {
    expect(resource(config, "aws_s3_bucket", "recordings").object_lock_enabled).toBe('${var.recording_lock_mode != ""}');
  });

  it("never replaces a deployed bucket when turned on later: the lock configuration enables it in place", () => {
    expect(resource(config, "aws_s3_bucket", "recordings").lifecycle).toEqual({ ignore_changes: ["object_lock_enabled"] });
  });

  it("versions the bucket, which Object Lock requires", () => {
    expect(resource(config, "aws_s3_bucket_versioning", "recordings")).toMatchObject({
      count: lockedOnly,
      bucket: "${one(aws_s3_bucket.recordings[*].id)}",
      versioning_configuration: { status: "Enabled" },
    });
  });

  it("locks every new recording for recording_lock_days in recording_lock_mode, once versioning is on", () => {
    const lock = resource(config, "aws_s3_bucket_object_lock_configuration", "recordings");
    expect(lock).toMatchObject({
      count: lockedOnly,
      rule: { default_retention: { mode: "${var.recording_lock_mode}", days: "${var.recording_lock_days}" } },
    });
    expect(lock.depends_on).toEqual(["aws_s3_bucket_versioning.recordings"]);
  });

  it("has a guard with the lock that cannot be destroyed, so no plan removes the lock or the versioning", () => {
    expect(resource(config, "terraform_data", "retain_object_lock")).toMatchObject({
      count: lockedOnly,
      depends_on: ["aws_s3_bucket_versioning.recordings", "aws_s3_bucket_object_lock_configuration.recordings"],
      triggers_replace: { bucket: "${one(aws_s3_bucket.recordings[*].id)}" },
      lifecycle: { prevent_destroy: true },
    });
  });
});

describe("removal_policy RETAIN's guard", () => {
  const guard = () => resource(config, "terraform_data", "retain_recordings");

  it("exists only for a created bucket under RETAIN or SNAPSHOT", () => {
    expect(guard().count).toBe('${var.output_bucket == "" && var.removal_policy != "DESTROY" ? 1 : 0}');
  });

  it("cannot be destroyed, so a plan that would delete it fails before anything is deleted", () => {
    expect(guard().lifecycle).toEqual({ prevent_destroy: true });
  });

  it("depends on the bucket and every protection, so destroying any of them includes it", () => {
    const bucketResources = Object.keys(config.resource)
      .filter((type) => type.startsWith("aws_s3_bucket") && config.resource[type].recordings)
      .map((type) => `${type}.recordings`);
    expect([...guard().depends_on].sort()).toEqual(bucketResources.sort());
  });

  it("is replaced, hence refused, when the bucket would be replaced", () => {
    expect(guard().triggers_replace).toEqual({ bucket: "${one(aws_s3_bucket.recordings[*].id)}" });
  });
});

describe("the bucket recordings are written to", () => {
  it("is output_bucket when set, else the created bucket", () => {
    expect(config.locals.recording_bucket_name).toBe(
      '${var.output_bucket == "" ? one(aws_s3_bucket.recordings[*].bucket) : var.output_bucket}',
    );
  });

  it("takes the prefix without empty segments, so leading and trailing slashes are tolerated", () => {
    expect(config.locals.recording_prefix).toBe('${join("/", compact(split("/", var.recording_bucket_prefix)))}');
  });
});
