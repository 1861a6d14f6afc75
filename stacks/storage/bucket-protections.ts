import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { DataResource, TerraformIterator, TerraformLocal, type TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { hclMap, hclNumber, policyDocument, varRef } from "../hcl";

/** The created bucket that the protections apply to, each counted as the bucket is. */
export interface CreatedBucket {
  /** 1 when the stack creates the bucket, else 0. */
  readonly count: number;
  readonly createdId: string;
  readonly createdArn: string;
}

/**
 * What keeps the created bucket private: no public access, no ACLs, every object encrypted with the key
 * (SSE-KMS), and no request without TLS.
 */
export function protectBucket(scope: Construct, { count, createdId, createdArn }: CreatedBucket, kmsKeyArn: string) {
  const publicAccess = new S3BucketPublicAccessBlock(scope, "public-access", {
    count,
    bucket: createdId,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  publicAccess.overrideLogicalId("recordings");

  const ownership = new S3BucketOwnershipControls(scope, "ownership", {
    count,
    bucket: createdId,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });
  ownership.overrideLogicalId("recordings");

  const encryption = new S3BucketServerSideEncryptionConfigurationA(scope, "encryption", {
    count,
    bucket: createdId,
    rule: [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
        // One data key per bucket and period instead of one KMS request per object.
        bucketKeyEnabled: true,
      },
    ],
  });
  encryption.overrideLogicalId("recordings");

  const tlsOnly = new S3BucketPolicy(scope, "policy", {
    count,
    bucket: createdId,
    policy: policyDocument([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [createdArn, `${createdArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]),
    // S3 refuses a policy while the public access block is still being applied.
    dependsOn: [publicAccess],
  });
  tlsOnly.overrideLogicalId("recordings");

  return { publicAccess, ownership, encryption, tlsOnly };
}

/** The Object Lock settings of the created bucket. */
export interface LockProps {
  /** "", GOVERNANCE or COMPLIANCE. */
  readonly lockMode: TerraformVariable;
  /** Days of the default retention. */
  readonly lockDays: TerraformVariable;
}

/**
 * S3 Object Lock default retention of the created bucket (`lockCount` 1 with recording_lock_mode), on the
 * versioning it needs.
 */
export function lockRecordings(scope: Construct, props: LockProps, createdId: string, lockCount: number) {
  const versioning = new S3BucketVersioningA(scope, "versioning", {
    count: lockCount,
    bucket: createdId,
    versioningConfiguration: { status: "Enabled" },
  });
  versioning.overrideLogicalId("recordings");

  const lock = new S3BucketObjectLockConfigurationA(scope, "object-lock", {
    count: lockCount,
    bucket: createdId,
    rule: {
      defaultRetention: {
        mode: props.lockMode.stringValue,
        days: hclNumber(varRef(props.lockDays)),
      },
    },
    dependsOn: [versioning],
  });
  lock.overrideLogicalId("recordings");

  // S3 never turns Object Lock off, but deleting this configuration (recording_lock_mode back to "") makes the
  // provider put one without a rule: new recordings would no longer be locked. This guard, present with the lock
  // and depending on it and the versioning, makes any plan that removes either fail before anything changes.
  const lockGuard = new DataResource(scope, "retain-lock", {
    count: lockCount,
    input: { bucket: createdId },
    triggersReplace: { bucket: createdId },
    dependsOn: [versioning, lock],
    lifecycle: { preventDestroy: true },
  });
  lockGuard.overrideLogicalId("retain_object_lock");
  return { versioning, lock };
}

/** The retention of the created bucket's recordings and the prefixes they and their records are under. */
export interface ExpiryProps {
  /** Days until recordings expire; 0 keeps them. */
  readonly retentionDays: TerraformVariable;
  readonly recordingKeyPrefix: string;
  readonly recordKeyPrefix: string;
  readonly recordIndexKeyPrefix: string;
}

/** Expiry of the recordings and of their records after recording_retention_days, in the created bucket. */
export function expireRecordings(
  scope: Construct,
  props: ExpiryProps,
  createdId: string,
  createBucket: string,
): S3BucketLifecycleConfiguration {
  const retentionDays = varRef(props.retentionDays);
  // Records under metadata_prefix and by day expire as the recordings do, each by a rule of its own unless the
  // recordings' rule already covers them (records beside the recordings, or recordings at the bucket's root).
  const expiring = new TerraformLocal(scope, "expiring_prefixes", {
    "expire-recordings": props.recordingKeyPrefix,
    "expire-records": props.recordKeyPrefix,
    "expire-records-by-day": props.recordIndexKeyPrefix,
  });
  expiring.overrideLogicalId("expiring_prefixes");
  const prefixes = TerraformIterator.fromMap(
    hclMap(
      `{ for id, prefix in local.expiring_prefixes : id => prefix ` +
        `if id == "expire-recordings" || !startswith(prefix, local.expiring_prefixes["expire-recordings"]) }`,
    ),
  );
  const lifecycle = new S3BucketLifecycleConfiguration(scope, "lifecycle", {
    count: hclNumber(`${createBucket} && ${retentionDays} > 0 ? 1 : 0`),
    bucket: createdId,
    rule: prefixes.dynamic({
      id: prefixes.key,
      status: "Enabled",
      filter: [{ prefix: prefixes.value }],
      expiration: [{ days: hclNumber(retentionDays) }],
      // Under Object Lock the bucket is versioned: expiry only hides a recording behind a delete marker, and
      // this removes the hidden version a day later (its lock, validated to be no longer, has ended).
      // A dynamic block's content is written as Terraform spells it: cdktf does not convert these names.
      noncurrent_version_expiration: [{ noncurrent_days: 1 }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
    }),
  });
  lifecycle.overrideLogicalId("recordings");
  return lifecycle;
}
