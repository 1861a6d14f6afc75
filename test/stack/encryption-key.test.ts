import { KEY_ADMINISTRATION_ACTIONS } from "../../stacks/storage/key-policy";
import { parseJsonLiteral, resource, synthesizeStack } from "../support/synth";

const config = synthesizeStack();
const account = "${data.aws_caller_identity.current.account_id}";
const createdOnly = '${var.kms_key_arn == "" ? 1 : 0}';
const keyPolicy = () => parseJsonLiteral(resource(config, "aws_kms_key_policy", "recordings").policy);
const statement = (sid: string) => keyPolicy().Statement.find((s: { Sid: string }) => s.Sid === sid);
const via = (...services: string[]) => ({
  StringEquals: { "kms:ViaService": services.map((s) => `${s}.\${var.region}.amazonaws.com`) },
});

describe("the recorder's key", () => {
  it("is created only when kms_key_arn is empty, symmetric by default, rotating, with a 30-day deletion window", () => {
    expect(resource(config, "aws_kms_key", "recordings")).toMatchObject({
      count: createdOnly,
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
    expect(resource(config, "aws_kms_key", "recordings")).not.toHaveProperty("customer_master_key_spec");
  });

  it("carries the tag the Chime SDK's documented resource access role conditions its key use on", () => {
    expect(resource(config, "aws_kms_key", "recordings").tags).toEqual({ AWSServiceName: "ChimeSDK" });
  });

  it("has an alias named after the deployment", () => {
    expect(resource(config, "aws_kms_alias", "recordings")).toMatchObject({
      count: createdOnly,
      name: "alias/${var.name_prefix}-recordings",
      target_key_id: "${one(aws_kms_key.recordings[*].key_id)}",
    });
  });

  it("when given, is read during the plan and checked: symmetric, enabled, customer managed", () => {
    const given = config.data.aws_kms_key.given as Record<string, any>;
    expect(given).toMatchObject({ count: '${var.kms_key_arn == "" ? 0 : 1}', key_id: "${var.kms_key_arn}" });
    expect(given.lifecycle.postcondition.map((p: { condition: string }) => p.condition)).toEqual([
      '${self.key_spec == "SYMMETRIC_DEFAULT" && self.key_usage == "ENCRYPT_DECRYPT"}',
      '${self.enabled && self.key_state == "Enabled"}',
      '${self.key_manager == "CUSTOMER"}',
    ]);
  });

  it("is guarded under RETAIN, as the bucket is: a plan that would delete the created key fails", () => {
    expect(resource(config, "terraform_data", "retain_key")).toMatchObject({
      count: '${var.kms_key_arn == "" && var.output_bucket == "" && var.removal_policy != "DESTROY" ? 1 : 0}',
      triggers_replace: { key: "${one(aws_kms_key.recordings[*].arn)}" },
      depends_on: ["aws_kms_key.recordings"],
      lifecycle: { prevent_destroy: true },
    });
  });

  it("is the given key when kms_key_arn is set, else the created one", () => {
    expect(config.locals.kms_key_arn).toBe('${var.kms_key_arn == "" ? one(aws_kms_key.recordings[*].arn) : var.kms_key_arn}');
  });
});

describe("the created key's policy", () => {
  it("is created with the key, replacing AWS's default policy", () => {
    expect(resource(config, "aws_kms_key_policy", "recordings")).toMatchObject({
      count: createdOnly,
      key_id: "${one(aws_kms_key.recordings[*].key_id)}",
    });
  });

  it("holds exactly these statements", () => {
    expect(keyPolicy().Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      "AccountAdministersTheKeyThroughIam",
      "AccountCreatesTheTablesGrantThroughDynamoDb",
      "AccountReadsRecordingsThroughS3",
      "AccountReadsDeadLettersAndTheCallTable",
      "AccountWritesTheDoNotRecordListThroughSsm",
      "MediaPipelinesWriteRecordingsThroughS3",
      "RecorderUsesTheTableQueuesBucketAndList",
      "ReconcilerUsesTheBucketAndTable",
      "EventBridgeSendsToTheQueue",
      "AlarmsPublishToTheTopic",
      "CloudWatchLogsEncryptsTheRecorderLogs",
      "AccountQueriesCallRecordsThroughAthena",
    ]);
  });

  it("lets the account administer the key through IAM, without using it on data", () => {
    expect(statement("AccountAdministersTheKeyThroughIam")).toMatchObject({
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: KEY_ADMINISTRATION_ACTIONS,
    });
    expect(KEY_ADMINISTRATION_ACTIONS.filter((a) => /Encrypt|Decrypt|GenerateDataKey|CreateGrant/.test(a))).toEqual([]);
  });

  it("lets the deployer create the table's grant only for DynamoDB, as AWS resources' grants", () => {
    expect(statement("AccountCreatesTheTablesGrantThroughDynamoDb")).toMatchObject({
      Action: "kms:CreateGrant",
      Condition: { ...via("dynamodb"), Bool: { "kms:GrantIsForAWSResource": "true" } },
    });
  });

  it("lets people the account's IAM policies allow read recordings, only through S3", () => {
    expect(statement("AccountReadsRecordingsThroughS3")).toMatchObject({
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: "kms:Decrypt",
      Condition: via("s3"),
    });
  });

  it("lets people the account's IAM policies allow receive and redrive dead letters and read the call table, only through SQS and DynamoDB", () => {
    expect(statement("AccountReadsDeadLettersAndTheCallTable")).toEqual({
      Sid: "AccountReadsDeadLettersAndTheCallTable",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": ["sqs.${var.region}.amazonaws.com", "dynamodb.${var.region}.amazonaws.com"],
          "kms:CallerAccount": account,
        },
      },
    });
  });

  it("lets the deployer encrypt the do-not-record list, only that parameter through SSM", () => {
    expect(statement("AccountWritesTheDoNotRecordListThroughSsm").Condition).toEqual({
      StringEquals: {
        "kms:ViaService": "ssm.${var.region}.amazonaws.com",
        "kms:EncryptionContext:PARAMETER_ARN": `arn:aws:ssm:\${var.region}:${account}:parameter/\${var.name_prefix}/recorder/do-not-record-numbers`,
      },
    });
  });

  it("lets the pipelines' role write recordings through S3 only", () => {
    expect(statement("MediaPipelinesWriteRecordingsThroughS3")).toMatchObject({
      Principal: { AWS: "${aws_iam_role.media_pipeline_access.arn}" },
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Condition: via("s3"),
    });
  });

  it("lets the recorder use the key through the table, the queues, the list and the bucket only", () => {
    expect(statement("RecorderUsesTheTableQueuesBucketAndList")).toMatchObject({
      Principal: { AWS: "${aws_iam_role.recorder.arn}" },
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      Condition: via("dynamodb", "sqs", "ssm", "s3"),
    });
  });

  it("lets the reconciler read records and pending calls, and write its reports, through the bucket and the table only", () => {
    expect(statement("ReconcilerUsesTheBucketAndTable")).toMatchObject({
      Principal: { AWS: "${aws_iam_role.reconciler.arn}" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Condition: via("s3", "dynamodb"),
    });
  });

  it("lets EventBridge encrypt what it sends to the queue", () => {
    expect(statement("EventBridgeSendsToTheQueue")).toEqual({
      Sid: "EventBridgeSendsToTheQueue",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: "*",
    });
  });

  it("lets this account's CloudWatch alarms publish to the encrypted topic", () => {
    expect(statement("AlarmsPublishToTheTopic")).toMatchObject({
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Condition: { StringEquals: { "aws:SourceAccount": account } },
    });
  });

  it("lets CloudWatch Logs use the key for the recorder's and the reconciler's log groups only", () => {
    expect(statement("CloudWatchLogsEncryptsTheRecorderLogs")).toMatchObject({
      Principal: { Service: "logs.${var.region}.amazonaws.com" },
      Condition: {
        ArnEquals: {
          "kms:EncryptionContext:aws:logs:arn": ["recorder", "reconciler"].map(
            (name) => `arn:aws:logs:\${var.region}:${account}:log-group:/aws/lambda/\${var.name_prefix}-${name}`,
          ),
        },
      },
    });
  });

  it("names the recorder's log group as the function does", () => {
    expect(resource(config, "aws_cloudwatch_log_group", "recorder").name).toBe("/aws/lambda/${var.name_prefix}-recorder");
  });
});

describe("what the key encrypts", () => {
  it.each([
    ["aws_sqs_queue", "recorder", "kms_master_key_id"],
    ["aws_sqs_queue", "recorder_dead_letter", "kms_master_key_id"],
    ["aws_sns_topic", "recorder_alarms", "kms_master_key_id"],
    ["aws_cloudwatch_log_group", "recorder", "kms_key_id"],
    ["aws_ssm_parameter", "do_not_record_numbers", "key_id"],
  ])("%s.%s", (type, name, argument) => {
    expect(resource(config, type, name)[argument]).toBe("${local.kms_key_arn}");
  });

  it.each([
    ["aws_cloudwatch_log_group", "recorder"],
    ["aws_dynamodb_table", "calls"],
    ["aws_ssm_parameter", "do_not_record_numbers"],
  ])("%s.%s is created once the key's policy lets its service use the key", (type, name) => {
    expect(resource(config, type, name).depends_on).toContain("aws_kms_key_policy.recordings");
  });
});

describe("the recorder role's key permissions", () => {
  const statements = parseJsonLiteral(resource(config, "aws_iam_role_policy", "recorder").policy).Statement;

  it("use the key only through DynamoDB, SQS, SSM and S3", () => {
    expect(statements.find((s: { Sid: string }) => s.Sid === "UseTheKeyThroughItsServices")).toEqual({
      Sid: "UseTheKeyThroughItsServices",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      Resource: "${local.kms_key_arn}",
      Condition: via("dynamodb", "sqs", "ssm", "s3"),
    });
  });

  it("read the do-not-record parameter and nothing else in SSM", () => {
    expect(statements.find((s: { Sid: string }) => s.Sid === "ReadTheDoNotRecordList")).toMatchObject({
      Action: "ssm:GetParameter",
      Resource: "${aws_ssm_parameter.do_not_record_numbers.arn}",
    });
  });
});
