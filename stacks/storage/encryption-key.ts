import { DataAwsKmsKey } from "@cdktf/provider-aws/lib/data-aws-kms-key";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { DataResource, TerraformLocal, type TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { countedAttribute, hcl, hclNumber, type PolicyStatement, policyDocument, varRef } from "../hcl";

/** Administration of the key, delegated to the account's IAM policies; none of these encrypts or decrypts data. */
export const KEY_ADMINISTRATION_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RetireGrant",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/** What the recorder does with the key, and only through these services (kms:ViaService). */
export const RECORDER_KEY_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"];
/**
 * DynamoDB (the call table), SQS (receiving, and sending refused calls to the dead-letter queue), SSM (the
 * do-not-record list, a SecureString) and S3 (the per-call records and recording checks of "Every call accounted for").
 */
export const RECORDER_KEY_SERVICES = ["dynamodb", "sqs", "ssm", "s3"];

/** Who uses the key besides the account's administrators, for the created key's policy. */
export interface KeyUsers {
  /** The role media insights pipelines assume to write recordings. */
  readonly pipelineRoleArn: string;
  /** The recorder function's role. */
  readonly recorderRoleArn: string;
  /** The log group CloudWatch Logs encrypts with the key. */
  readonly logGroupArn: string;
  /** The daily reconciliation's role (always created, so the policy can name it) and its log group. */
  readonly reconcilerRoleArn: string;
  readonly reconcilerLogGroupArn: string;
  /** The SecureString parameter SSM encrypts with the key. */
  readonly parameterArn: string;
}

export interface EncryptionKeyProps {
  /** Existing key ARN, or "" to create one. */
  readonly kmsKeyArn: TerraformVariable;
  readonly accountId: string;
  readonly region: string;
  readonly namePrefix: string;
  /** The recordings' removal policy: under RETAIN the created key must outlive any plan, like the bucket. */
  readonly removalPolicy: TerraformVariable;
  /** Existing bucket, or "" when the stack creates one (whose recordings the created key encrypts). */
  readonly outputBucket: TerraformVariable;
}

/**
 * The one customer-managed key of the recorder: recordings, the call table, both queues, the alarm topic, the
 * function's logs and the do-not-record list. Created here (with rotation, an alias and a policy naming each
 * user) or given.
 */
export class EncryptionKey extends Construct {
  /** The key's ARN, created or given. */
  readonly keyArn: string;
  private readonly key: KmsKey;
  private readonly props: EncryptionKeyProps;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.props = props;
    const count = hclNumber(`${varRef(props.kmsKeyArn)} == "" ? 1 : 0`);
    this.key = new KmsKey(this, "key", {
      count,
      description: `Encrypts the call recordings of ${props.namePrefix} and everything that describes the calls`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // The Chime SDK's documented resource access role uses keys tagged so (docs/compliance.md, "Encryption").
      tags: { AWSServiceName: "ChimeSDK" },
    });
    this.key.overrideLogicalId("recordings");

    new KmsAlias(this, "alias", {
      count,
      name: `alias/${props.namePrefix}-recordings`,
      targetKeyId: hcl(countedAttribute(this.key, "key_id")),
    }).overrideLogicalId("recordings");

    // A given key is read during the plan, so a key that could not serve fails there, naming the variable.
    const given = varRef(props.kmsKeyArn);
    new DataAwsKmsKey(this, "given", {
      count: hclNumber(`${given} == "" ? 0 : 1`),
      keyId: props.kmsKeyArn.stringValue,
      lifecycle: {
        postcondition: [
          {
            condition: hcl(`self.key_spec == "SYMMETRIC_DEFAULT" && self.key_usage == "ENCRYPT_DECRYPT"`),
            errorMessage: `kms_key_arn: \${${given}} is a \${self.key_spec} key for \${self.key_usage}; S3, DynamoDB, SQS, SNS and CloudWatch Logs need a symmetric encryption key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT).`,
          },
          {
            condition: hcl(`self.enabled && self.key_state == "Enabled"`),
            errorMessage: `kms_key_arn: \${${given}} is \${self.key_state}; enable the key (or cancel its deletion) before deploying.`,
          },
          {
            condition: hcl(`self.key_manager == "CUSTOMER"`),
            errorMessage: `kms_key_arn: \${${given}} is an AWS managed key, whose policy you cannot change; give a customer managed key, or "" to create one.`,
          },
        ],
      },
    }).overrideLogicalId("given");

    // Under RETAIN the kept recordings need the created key: a plan that would delete it (destroy, or switching
    // to a given key) fails here, before anything is deleted, as the bucket's own guard does.
    const guard = new DataResource(this, "retain", {
      count: hclNumber(
        `${given} == "" && ${varRef(props.outputBucket)} == "" && ${varRef(props.removalPolicy)} != "DESTROY" ? 1 : 0`,
      ),
      input: { key: hcl(countedAttribute(this.key, "arn")) },
      triggersReplace: { key: hcl(countedAttribute(this.key, "arn")) },
      dependsOn: [this.key],
      lifecycle: { preventDestroy: true },
    });
    guard.overrideLogicalId("retain_key");

    const arn = new TerraformLocal(
      this,
      "kms_key_arn",
      hcl(`${varRef(props.kmsKeyArn)} == "" ? ${countedAttribute(this.key, "arn")} : ${varRef(props.kmsKeyArn)}`),
    );
    arn.overrideLogicalId("kms_key_arn");
    this.keyArn = arn.asString;
  }

  /**
   * The created key's policy, naming each user and what it may do (a given key's policy is its owner's; the
   * docs/compliance.md lists what it must allow). Called once the users exist, since KMS refuses unknown principals;
   * resources whose service uses the key as they are created wait for it.
   */
  addPolicy(users: KeyUsers): KmsKeyPolicy {
    const { accountId, region } = this.props;
    const account = `arn:aws:iam::${accountId}:root`;
    const via = (...services: string[]) => ({
      StringEquals: { "kms:ViaService": services.map((s) => `${s}.${region}.amazonaws.com`) },
    });
    const statements: PolicyStatement[] = [
      {
        Sid: "AccountAdministersTheKeyThroughIam",
        Effect: "Allow",
        Principal: { AWS: account },
        Action: KEY_ADMINISTRATION_ACTIONS,
        Resource: "*",
      },
      {
        // Creating the table: DynamoDB creates its grant for the key on the deployer's behalf.
        Sid: "AccountCreatesTheTablesGrantThroughDynamoDb",
        Effect: "Allow",
        Principal: { AWS: account },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { ...via("dynamodb"), Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
      {
        // Listening to a recording: whoever the account's IAM policies allow to, and only through S3.
        Sid: "AccountReadsRecordingsThroughS3",
        Effect: "Allow",
        Principal: { AWS: account },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: via("s3"),
      },
      {
        // Receiving and redriving dead letters, and reading the call table: whoever the account's IAM policies allow
        // to, and only through SQS and DynamoDB. Without it no operator could read either, whatever IAM says.
        Sid: "AccountReadsDeadLettersAndTheCallTable",
        Effect: "Allow",
        Principal: { AWS: account },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: {
          StringEquals: {
            "kms:ViaService": ["sqs", "dynamodb"].map((s) => `${s}.${region}.amazonaws.com`),
            "kms:CallerAccount": accountId,
          },
        },
      },
      {
        // Applying the do-not-record list: SSM encrypts the parameter as the deployer, and Terraform reads it back.
        Sid: "AccountWritesTheDoNotRecordListThroughSsm",
        Effect: "Allow",
        Principal: { AWS: account },
        Action: ["kms:Encrypt", "kms:Decrypt"],
        Resource: "*",
        Condition: {
          StringEquals: {
            "kms:ViaService": `ssm.${region}.amazonaws.com`,
            "kms:EncryptionContext:PARAMETER_ARN": users.parameterArn,
          },
        },
      },
      {
        Sid: "MediaPipelinesWriteRecordingsThroughS3",
        Effect: "Allow",
        Principal: { AWS: users.pipelineRoleArn },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: via("s3"),
      },
      {
        Sid: "RecorderUsesTheTableQueuesBucketAndList",
        Effect: "Allow",
        Principal: { AWS: users.recorderRoleArn },
        Action: RECORDER_KEY_ACTIONS,
        Resource: "*",
        Condition: via(...RECORDER_KEY_SERVICES),
      },
      {
        // Reading the records and the call table's pending calls, and writing the reports.
        Sid: "ReconcilerUsesTheBucketAndTable",
        Effect: "Allow",
        Principal: { AWS: users.reconcilerRoleArn },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: via("s3", "dynamodb"),
      },
      {
        // No source condition: EventBridge's requests to KMS carry no aws:SourceArn or aws:SourceAccount (docs/compliance.md,
        // "Encryption"). The queue's own policy admits only the recorder's rules.
        Sid: "EventBridgeSendsToTheQueue",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
      },
      {
        Sid: "AlarmsPublishToTheTopic",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
      {
        Sid: "CloudWatchLogsEncryptsTheRecorderLogs",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: [
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncryptFrom",
          "kms:ReEncryptTo",
          "kms:GenerateDataKey",
          "kms:GenerateDataKeyWithoutPlaintext",
          "kms:DescribeKey",
        ],
        Resource: "*",
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": [users.logGroupArn, users.reconcilerLogGroupArn] } },
      },
      {
        // The query workgroup's managed results: Athena encrypts each result with the key for whoever runs the
        // query, and decrypts it for whoever reads it, as the account's IAM policies allow; only through Athena.
        Sid: "AccountQueriesCallRecordsThroughAthena",
        Effect: "Allow",
        Principal: { AWS: account },
        Action: ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": `athena.${region}.amazonaws.com`, "kms:CallerAccount": accountId } },
      },
    ];
    const policy = new KmsKeyPolicy(this, "policy", {
      count: hclNumber(`${varRef(this.props.kmsKeyArn)} == "" ? 1 : 0`),
      keyId: hcl(countedAttribute(this.key, "key_id")),
      policy: policyDocument(statements),
    });
    policy.overrideLogicalId("recordings");
    return policy;
  }
}
