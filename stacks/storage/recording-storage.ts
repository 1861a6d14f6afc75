import { dependable, type TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { namedLocal, varRef } from "../hcl";
import { CallTable } from "./call-table";
import { EncryptionKey } from "./encryption-key";
import type { KeyUsers } from "./key-policy";
import type { LayoutVariables } from "./layout-variables";
import { RecordingBucket } from "./recording-bucket";
import type { StorageVariables } from "./storage-variables";

export interface RecordingStorageProps {
  readonly vars: StorageVariables;
  readonly layout: LayoutVariables;
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
}

/**
 * Where calls are kept: the key, the recording bucket with the key layout of recordings and records,
 * and the call table.
 */
export class RecordingStorage extends Construct {
  readonly key: EncryptionKey;
  readonly bucket: RecordingBucket;
  readonly calls: CallTable;
  /** Key prefix of the recordings without surrounding slashes; "" is the bucket root. */
  readonly recordingPrefix: string;
  /** The recordings' key prefix as S3 sees it: "" or ending in "/". */
  readonly recordingKeyPrefix: string;
  /** Key prefix of the per-call records without surrounding slashes; "" puts them beside the recordings. */
  readonly metadataPrefix: string;
  /** The per-call records' key prefix as S3 sees it: the recordings' own, or metadata_prefix's ending in "/". */
  readonly recordKeyPrefix: string;
  /** Key prefix of the records by day, without surrounding slashes (never ""). */
  readonly recordIndexPrefix: string;

  constructor(scope: Construct, id: string, props: RecordingStorageProps) {
    super(scope, id);
    const { vars, layout, namePrefix, accountId, region } = props;

    // "/a//b/" and "a/b" are the same prefix; "" means the bucket root.
    this.recordingPrefix = namedLocal(
      this,
      "recording_prefix",
      `join("/", compact(split("/", ${varRef(layout.recordingBucketPrefix)})))`,
    );
    // Records go under metadata_prefix, or beside the recordings when it is "".
    this.metadataPrefix = namedLocal(this, "record_prefix", `join("/", compact(split("/", ${varRef(layout.metadataPrefix)})))`);
    this.recordKeyPrefix = namedLocal(
      this,
      "record_key_prefix",
      `local.record_prefix == "" ? local.recording_key_prefix : "\${local.record_prefix}/"`,
    );
    // Never "": the variable's rule requires a prefix.
    this.recordIndexPrefix = namedLocal(
      this,
      "records_by_day_prefix",
      `join("/", compact(split("/", ${varRef(layout.recordIndexPrefix)})))`,
    );
    this.recordingKeyPrefix = namedLocal(
      this,
      "recording_key_prefix",
      `local.recording_prefix == "" ? "" : "\${local.recording_prefix}/"`,
    );

    this.key = new EncryptionKey(this, "encryption-key", {
      kmsKeyArn: vars.kmsKeyArn,
      accountId,
      region,
      namePrefix,
      removalPolicy: vars.removalPolicy,
      outputBucket: vars.outputBucket,
    });

    this.bucket = new RecordingBucket(this, "recording-bucket", {
      kmsKeyArn: this.key.keyArn,
      lockMode: vars.recordingLockMode,
      lockDays: vars.recordingLockDays,
      outputBucket: vars.outputBucket,
      recordingKeyPrefix: this.recordingKeyPrefix,
      recordKeyPrefix: this.recordKeyPrefix,
      recordIndexKeyPrefix: `${this.recordIndexPrefix}/`,
      removalPolicy: vars.removalPolicy,
      retentionDays: vars.recordingRetentionDays,
      createdBucketName: `${namePrefix}-recordings-${accountId}-${region}`,
    });

    this.calls = new CallTable(this, "call-table", { name: `${namePrefix}-calls`, kmsKeyArn: this.key.keyArn });
  }

  /**
   * The created key's policy, once its users exist (KMS refuses unknown principals). `usingOnCreation`: resources
   * whose service uses the key as soon as they are created (CloudWatch Logs, SSM as the parameter is written),
   * which wait for the policy, as the call table does.
   */
  allowKeyUsers(users: KeyUsers, usingOnCreation: readonly TerraformResource[]): void {
    const policy = this.key.addPolicy(users);
    for (const user of [...usingOnCreation, this.calls.table]) {
      user.dependsOn = [...(user.dependsOn ?? []), dependable(policy)];
    }
  }
}
