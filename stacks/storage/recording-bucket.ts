import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { DataResource, TerraformIterator, TerraformLocal, type TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { countedAttribute, hcl, hclBool, hclMap, hclNumber, policyDocument, varRef } from "../hcl";

export interface RecordingBucketProps {
  /** Existing bucket to write to; "" makes this construct create one. */
  readonly outputBucket: TerraformVariable;
  /** Key prefix of the recordings: "" or segments ending in "/", e.g. "originalAudio/". */
  readonly recordingKeyPrefix: string;
  /** Key prefix of the per-call records: the recordings' own, or metadata_prefix's ending in "/". */
  readonly recordKeyPrefix: string;
  /** Key prefix of the records by day, ending in "/". */
  readonly recordIndexKeyPrefix: string;
  /** DESTROY, RETAIN or SNAPSHOT: whether destroy empties and deletes the created bucket. */
  readonly removalPolicy: TerraformVariable;
  /** Days until recordings in the created bucket expire; 0 keeps them. */
  readonly retentionDays: TerraformVariable;
  /** Name for the bucket this construct creates: deterministic and globally unique. */
  readonly createdBucketName: string;
  /** The KMS key the created bucket encrypts every object with (SSE-KMS with an S3 bucket key). */
  readonly kmsKeyArn: string;
  /** "", GOVERNANCE or COMPLIANCE: S3 Object Lock default retention of the created bucket. */
  readonly lockMode: TerraformVariable;
  /** Days of that retention; validated to be at least 1 with a mode. */
  readonly lockDays: TerraformVariable;
}

/**
 * Where recordings land: a hardened bucket created here, or the user's existing bucket. An
 * existing bucket's policies stay the user's: a bucket policy resource would replace theirs.
 */
export class RecordingBucket extends Construct {
  /** The bucket's name, created or existing. */
  readonly bucketName: string;
  /** The bucket's ARN. */
  readonly bucketArn: string;
  /** ARN pattern matching every recording object. */
  readonly recordingObjectsArn: string;

  constructor(scope: Construct, id: string, props: RecordingBucketProps) {
    super(scope, id);
    const createBucket = `${varRef(props.outputBucket)} == ""`;
    const count = hclNumber(`${createBucket} ? 1 : 0`);

    const locked = `${varRef(props.lockMode)} != ""`;
    const bucket = new S3Bucket(this, "bucket", {
      count,
      bucket: props.createdBucketName,
      forceDestroy: hclBool(`${varRef(props.removalPolicy)} == "DESTROY"`),
      // Object Lock is set when the bucket is created with a lock. Turned on later, the lock configuration below
      // enables it on the existing bucket: a change here would replace the bucket, deleting its recordings when an
      // earlier DESTROY left force_destroy set.
      objectLockEnabled: hclBool(locked),
      lifecycle: { ignoreChanges: ["object_lock_enabled"] },
    });
    bucket.overrideLogicalId("recordings");
    const createdId = hcl(countedAttribute(bucket, "id"));

    const name = new TerraformLocal(
      this,
      "recording_bucket_name",
      hcl(`${createBucket} ? ${countedAttribute(bucket, "bucket")} : ${varRef(props.outputBucket)}`),
    );
    name.overrideLogicalId("recording_bucket_name");
    this.bucketName = name.asString;
    this.bucketArn = `arn:aws:s3:::${this.bucketName}`;
    this.recordingObjectsArn = `${this.bucketArn}/${props.recordingKeyPrefix}*`;

    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      count,
      bucket: createdId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    publicAccess.overrideLogicalId("recordings");

    const ownership = new S3BucketOwnershipControls(this, "ownership", {
      count,
      bucket: createdId,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    ownership.overrideLogicalId("recordings");

    const encryption = new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      count,
      bucket: createdId,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn },
          // One data key per bucket and period instead of one KMS request per object.
          bucketKeyEnabled: true,
        },
      ],
    });
    encryption.overrideLogicalId("recordings");

    const { versioning, lock } = this.lockRecordings(props, createdId, hclNumber(`${createBucket} && ${locked} ? 1 : 0`));

    const createdArn = hcl(countedAttribute(bucket, "arn"));
    const tlsOnly = new S3BucketPolicy(this, "policy", {
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

    const lifecycle = this.expireRecordings(props, createdId, createBucket);

    // RETAIN and SNAPSHOT: Terraform would delete the protections (separate resources) before it
    // stops at a bucket that holds recordings, and would delete an empty bucket. prevent_destroy
    // cannot depend on a variable, so this guard, present only under those policies, carries it:
    // any plan that destroys it fails before anything is deleted. It depends on the bucket and
    // every protection, so a destroy or -target of any of them includes it, and it is replaced
    // (hence refused) when the bucket would be replaced.
    const guard = new DataResource(this, "retain", {
      count: hclNumber(`${createBucket} && ${varRef(props.removalPolicy)} != "DESTROY" ? 1 : 0`),
      input: { bucket: createdId },
      triggersReplace: { bucket: createdId },
      dependsOn: [bucket, publicAccess, ownership, encryption, tlsOnly, lifecycle, versioning, lock],
      lifecycle: { preventDestroy: true },
    });
    guard.overrideLogicalId("retain_recordings");
  }

  /**
   * S3 Object Lock default retention of the created bucket (`lockCount` 1 with recording_lock_mode), on the
   * versioning it needs.
   */
  private lockRecordings(props: RecordingBucketProps, createdId: string, lockCount: number) {
    const versioning = new S3BucketVersioningA(this, "versioning", {
      count: lockCount,
      bucket: createdId,
      versioningConfiguration: { status: "Enabled" },
    });
    versioning.overrideLogicalId("recordings");

    const lock = new S3BucketObjectLockConfigurationA(this, "object-lock", {
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
    const lockGuard = new DataResource(this, "retain-lock", {
      count: lockCount,
      input: { bucket: createdId },
      triggersReplace: { bucket: createdId },
      dependsOn: [versioning, lock],
      lifecycle: { preventDestroy: true },
    });
    lockGuard.overrideLogicalId("retain_object_lock");
    return { versioning, lock };
  }

  /** Expiry of the recordings and of their records after recording_retention_days, in the created bucket. */
  private expireRecordings(props: RecordingBucketProps, createdId: string, createBucket: string): S3BucketLifecycleConfiguration {
    const retentionDays = varRef(props.retentionDays);
    // Records under metadata_prefix and by day expire as the recordings do, each by a rule of its own unless the
    // recordings' rule already covers them (records beside the recordings, or recordings at the bucket's root).
    const expiring = new TerraformLocal(this, "expiring_prefixes", {
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
    const lifecycle = new S3BucketLifecycleConfiguration(this, "lifecycle", {
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
}
