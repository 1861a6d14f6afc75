import type { PolicyStatement } from "../hcl";

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

/** Where the policy is: its account and region. */
export interface KeyPolicyScope {
  readonly accountId: string;
  readonly region: string;
}

/**
 * The created key's policy statements, naming each user and what it may do (a given key's policy is its owner's;
 * docs/compliance.md lists what it must allow).
 */
export function keyPolicyStatements(users: KeyUsers, scope: KeyPolicyScope): PolicyStatement[] {
  return [...accountStatements(users, scope), ...userStatements(users, scope), queryStatement(scope)];
}

/** Restricts a statement to requests made through the given services in the key's region. */
function via(region: string, ...services: string[]) {
  return { StringEquals: { "kms:ViaService": services.map((s) => `${s}.${region}.amazonaws.com`) } };
}

/** What the account's administrators and operators may do, as its IAM policies allow. */
function accountStatements(users: KeyUsers, { accountId, region }: KeyPolicyScope): PolicyStatement[] {
  const account = `arn:aws:iam::${accountId}:root`;
  return [
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
      Condition: { ...via(region, "dynamodb"), Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
    {
      // Listening to a recording: whoever the account's IAM policies allow to, and only through S3.
      Sid: "AccountReadsRecordingsThroughS3",
      Effect: "Allow",
      Principal: { AWS: account },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: via(region, "s3"),
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
  ];
}

/** What the recorder's roles and the AWS services that encrypt its resources may do. */
function userStatements(users: KeyUsers, { accountId, region }: KeyPolicyScope): PolicyStatement[] {
  return [
    {
      Sid: "MediaPipelinesWriteRecordingsThroughS3",
      Effect: "Allow",
      Principal: { AWS: users.pipelineRoleArn },
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: "*",
      Condition: via(region, "s3"),
    },
    {
      Sid: "RecorderUsesTheTableQueuesBucketAndList",
      Effect: "Allow",
      Principal: { AWS: users.recorderRoleArn },
      Action: RECORDER_KEY_ACTIONS,
      Resource: "*",
      Condition: via(region, ...RECORDER_KEY_SERVICES),
    },
    {
      // Reading the records and the call table's pending calls, and writing the reports.
      Sid: "ReconcilerUsesTheBucketAndTable",
      Effect: "Allow",
      Principal: { AWS: users.reconcilerRoleArn },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: via(region, "s3", "dynamodb"),
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
  ];
}

/** The account querying the call records through Athena. */
function queryStatement({ accountId, region }: KeyPolicyScope): PolicyStatement {
  const account = `arn:aws:iam::${accountId}:root`;
  return {
    // The query workgroup's managed results: Athena encrypts each result with the key for whoever runs the
    // query, and decrypts it for whoever reads it, as the account's IAM policies allow; only through Athena.
    Sid: "AccountQueriesCallRecordsThroughAthena",
    Effect: "Allow",
    Principal: { AWS: account },
    Action: ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
    Resource: "*",
    Condition: { StringEquals: { "kms:ViaService": `athena.${region}.amazonaws.com`, "kms:CallerAccount": accountId } },
  };
}
