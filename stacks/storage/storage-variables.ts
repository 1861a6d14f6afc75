import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { rootVariable, type VariableSpec } from "../root-variable";

/** The bucket recordings go to, how long they are kept and locked, and the key that encrypts them. */
export class StorageVariables extends Construct {
  readonly outputBucket: TerraformVariable;
  readonly removalPolicy: TerraformVariable;
  readonly recordingRetentionDays: TerraformVariable;
  readonly kmsKeyArn: TerraformVariable;
  readonly recordingLockMode: TerraformVariable;
  readonly recordingLockDays: TerraformVariable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const variable = (name: string, spec: VariableSpec): TerraformVariable => rootVariable(this, name, spec);

    this.outputBucket = variable("output_bucket", {
      type: "string",
      default: "",
      description:
        'Existing S3 bucket to write recordings to (for example the input bucket of Post Call Analytics). "" creates a bucket.',
      rules: [
        {
          condition: `var.output_bucket == "" || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.output_bucket))`,
          errorMessage:
            'output_bucket: "${var.output_bucket}" is not an S3 bucket name; use 3 to 63 lower-case letters, digits, dots or hyphens (no s3:// or ARN), or "" to create a bucket.',
        },
      ],
    });

    this.removalPolicy = variable("removal_policy", {
      type: "string",
      default: "DESTROY",
      description:
        "What destroy does to the bucket this stack creates: DESTROY empties and deletes it; RETAIN keeps it with every protection, refusing destroy at the plan until the bucket is removed from state (see docs/operations.md). S3 has no snapshots, so SNAPSHOT means RETAIN.",
      rules: [
        {
          condition: `contains(["DESTROY", "RETAIN", "SNAPSHOT"], var.removal_policy)`,
          errorMessage: 'removal_policy: "${var.removal_policy}" is not a policy; use DESTROY, RETAIN or SNAPSHOT.',
        },
      ],
    });

    this.recordingRetentionDays = variable("recording_retention_days", {
      type: "number",
      default: 0,
      description:
        "Days after which recordings and their records (under metadata_prefix too) in the created bucket expire. 0 keeps them. Not applied to an existing output_bucket.",
      rules: [
        {
          condition: `var.recording_retention_days == floor(var.recording_retention_days) && var.recording_retention_days >= 0 && var.recording_retention_days <= 36500`,
          errorMessage:
            "recording_retention_days: ${var.recording_retention_days} is not a retention period; use a whole number of days from 1 to 36500, or 0 to keep recordings.",
        },
      ],
    });

    this.kmsKeyArn = variable("kms_key_arn", {
      type: "string",
      default: "",
      description:
        "ARN of an existing symmetric KMS key in the deployment's region that encrypts the recordings, the call table, the queues, the alarm topic and the recorder's logs; its key policy must allow what docs/compliance.md lists. \"\" creates a key with rotation.",
      rules: [
        {
          condition: `var.kms_key_arn == "" || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$", var.kms_key_arn))`,
          errorMessage:
            'kms_key_arn: "${var.kms_key_arn}" is not a KMS key ARN; use arn:aws:kms:<region>:<account>:key/<key id> (an alias or a bare key id cannot be granted in IAM policies), or "" to create a key.',
        },
        {
          // A malformed ARN is the format rule's to report.
          condition: `var.kms_key_arn == "" || !startswith(var.kms_key_arn, "arn:") || try(split(":", var.kms_key_arn)[3] == var.region, true)`,
          errorMessage:
            'kms_key_arn: "${var.kms_key_arn}" is in region ${try(split(":", var.kms_key_arn)[3], "?")}, not ${var.region}; S3, DynamoDB, SQS, SNS and CloudWatch Logs use keys of their own region only: give a key (or a multi-Region replica) in the region of the deployment, or "" to create one.',
        },
      ],
    });

    this.recordingLockMode = variable("recording_lock_mode", {
      type: "string",
      default: "",
      description:
        'S3 Object Lock for the created bucket, set when the bucket is created: GOVERNANCE (users with s3:BypassGovernanceRetention may still delete), COMPLIANCE (nobody, not even the root user, can delete or shorten before recording_lock_days) or "" for none. Needs removal_policy RETAIN or SNAPSHOT.',
      rules: [
        {
          condition: `contains(["", "GOVERNANCE", "COMPLIANCE"], var.recording_lock_mode)`,
          errorMessage:
            'recording_lock_mode: "${var.recording_lock_mode}" is not a lock mode; use GOVERNANCE, COMPLIANCE, or "" for no lock.',
        },
        {
          condition: `var.recording_lock_mode == "" || var.removal_policy != "DESTROY"`,
          errorMessage:
            'recording_lock_mode: ${var.recording_lock_mode} cannot be combined with removal_policy = "DESTROY": destroy would have to delete recordings the lock protects, and S3 refuses; a lock needs removal_policy = "RETAIN".',
        },
        {
          condition: `var.recording_lock_mode == "" || var.output_bucket == ""`,
          errorMessage:
            'recording_lock_mode: ${var.recording_lock_mode} applies to the bucket this stack creates, and output_bucket "${var.output_bucket}" is your own; with output_bucket, configure Object Lock on that bucket yourself and leave recording_lock_mode "".',
        },
      ],
    });

    this.recordingLockDays = variable("recording_lock_days", {
      type: "number",
      default: 0,
      description:
        "Days each recording in the created bucket stays locked (S3 Object Lock default retention) after it is written. Set with recording_lock_mode; 0 without it.",
      rules: [
        {
          condition: `var.recording_lock_days == floor(var.recording_lock_days) && var.recording_lock_days >= 0 && var.recording_lock_days <= 36500`,
          errorMessage:
            "recording_lock_days: ${var.recording_lock_days} is not a lock period; use a whole number of days from 1 to 36500 (with recording_lock_mode), or 0 for no lock.",
        },
        {
          condition: `(var.recording_lock_mode == "") == (var.recording_lock_days == 0)`,
          errorMessage:
            'recording_lock_days: ${var.recording_lock_days} does not match recording_lock_mode "${var.recording_lock_mode}"; a lock needs both a mode (GOVERNANCE or COMPLIANCE) and at least 1 day, no lock needs "" and 0.',
        },
        {
          condition: `var.recording_retention_days == 0 || var.recording_retention_days >= var.recording_lock_days`,
          errorMessage:
            "recording_lock_days: ${var.recording_lock_days} days of lock outlast recording_retention_days = ${var.recording_retention_days}, so recordings would expire while locked; set recording_retention_days to at least recording_lock_days, or 0 to keep them.",
        },
      ],
    });
  }
}
