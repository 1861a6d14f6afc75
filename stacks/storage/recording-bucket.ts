import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { DataResource, TerraformLocal, type TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { countedAttribute, hcl, hclBool, hclNumber, varRef } from "../hcl";
import { expireRecordings, lockRecordings, protectBucket } from "./bucket-protections";

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
      // Object Lock is set when the bucket is created with a lock. Turned on later, the lock configuration
      // (lockRecordings) enables it on the existing bucket: a change here would replace the bucket, deleting its
      // recordings when an earlier DESTROY left force_destroy set.
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

    const createdArn = hcl(countedAttribute(bucket, "arn"));
    const { publicAccess, ownership, encryption, tlsOnly } = protectBucket(
      this,
      { count, createdId, createdArn },
      props.kmsKeyArn,
    );

    const { versioning, lock } = lockRecordings(this, props, createdId, hclNumber(`${createBucket} && ${locked} ? 1 : 0`));

    const lifecycle = expireRecordings(this, props, createdId, createBucket);

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
}
