import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AssetType, TerraformAsset, TerraformLocal, type TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { DETAIL_RECORD_FOLDERS } from "../../lambda/reconciler/detail-record-keys";
import { CALL_TABLE_SCHEMA } from "../../lambda/recorder/table-schema";
import { countedAttribute, hcl, hclNumber, policyDocument, varRef } from "../hcl";
import { RECORDER_METRICS_NAMESPACE } from "../recorder/recorder-function";

/**
 * The run is bound by the CPU the SDK spends per request (one GET per record of the day): a day of
 * 72,000 calls took 91 to 114 s of CPU and at most 445 MB in `npm run bench:reconcile`
 * (docs/finding-calls.md). 1,769 MB is the size at which Lambda gives a whole vCPU; 15 minutes,
 * Lambda's most, is about eight times the run; the run's reads are bounded (lambda/reconciler/config.ts)
 * so that more connectors make it incomplete, not fail.
 */
export const RECONCILER_MEMORY_MB = 1769;
export const RECONCILER_TIMEOUT_SECONDS = 900;

export interface ReconcilerFunctionProps {
  readonly functionName: string;
  readonly bundleDir: string;
  /** call_detail_records_bucket: "" creates no function. */
  readonly callDetailRecordsBucket: TerraformVariable;
  /** reconciliation_detail_records: which detail records are compared. */
  readonly detailRecords: TerraformVariable;
  /** The records' bucket: its name and ARN. */
  readonly recordsBucket: string;
  readonly recordsBucketArn: string;
  /** Where the records by day are, without surrounding slashes. */
  readonly recordsByDayPrefix: string;
  /** HCL: the list of the recorded voice connectors. */
  readonly voiceConnectorIds: string;
  readonly callTableName: string;
  readonly callTableArn: string;
  readonly kmsKeyArn: string;
  readonly region: string;
  readonly accountId: string;
  readonly logLevel: string;
  readonly logRetentionDays: number;
}

/**
 * The daily reconciliation's function: its role (always there, as the created key's policy names it),
 * and, with a detail records bucket, its least-privilege policies, its encrypted logs and itself.
 */
export class ReconcilerFunction extends Construct {
  readonly role: IamRole;
  readonly function: LambdaFunction;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ReconcilerFunctionProps) {
    super(scope, id);
    const bucketVar = varRef(props.callDetailRecordsBucket);
    const mode = varRef(props.detailRecords);
    const count = hclNumber(`${bucketVar} == "" ? 0 : 1`);

    this.role = new IamRole(this, "role", {
      name: props.functionName,
      description: "Compares each day's detail records of the recorded connectors with the call records",
      assumeRolePolicy: policyDocument([
        {
          Sid: "LambdaOfThisAccount",
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
        },
      ]),
    });
    this.role.overrideLogicalId("reconciler");

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      count,
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.logGroup.overrideLogicalId("reconciler");

    // The folders each compared kind of detail record is listed under, one per recorded connector.
    const folders = (kind: keyof typeof DETAIL_RECORD_FOLDERS) =>
      `[for id in ${props.voiceConnectorIds} : "${DETAIL_RECORD_FOLDERS[kind]}/json/\${id}/*"]`;
    new TerraformLocal(
      this,
      "reconciler_detail_record_prefixes",
      hcl(
        `join("\\",\\"", concat(${mode} == "call" ? [] : ${folders("streaming")}, ${mode} == "streaming" ? [] : ${folders("call")}))`,
      ),
    ).overrideLogicalId("reconciler_detail_record_prefixes");
    const detailBucketArn = `arn:aws:s3:::${props.callDetailRecordsBucket.stringValue}`;
    const byDay = props.recordsByDayPrefix;
    const logGroupArn = hcl(countedAttribute(this.logGroup, "arn"));

    const permissions = new IamRolePolicy(this, "permissions", {
      count,
      name: "reconcile-calls",
      role: this.role.id,
      policy: policyDocument([
        {
          // Keys name the calls: listing the recorded connectors' folders (of the compared kinds) is all it needs.
          Sid: "ListTheRecordedConnectorsDetailRecords",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: detailBucketArn,
          Condition: { StringLike: { "s3:prefix": [hcl("local.reconciler_detail_record_prefixes")] } },
        },
        {
          Sid: "ListTheRecordsByDay",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: props.recordsBucketArn,
          Condition: { StringLike: { "s3:prefix": `${byDay}/start_day=*` } },
        },
        {
          // Each record of the day is read for its outcome.
          Sid: "ReadTheRecordsByDay",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: `${props.recordsBucketArn}/${byDay}/start_day=*`,
        },
        {
          Sid: "WriteTheReports",
          Effect: "Allow",
          Action: "s3:PutObject",
          Resource: `${props.recordsBucketArn}/${byDay}/reconciliation/*`,
        },
        {
          Sid: "FindPendingCalls",
          Effect: "Allow",
          Action: "dynamodb:Query",
          Resource: `${props.callTableArn}/index/${CALL_TABLE_SCHEMA.pendingIndex.name}`,
        },
        {
          Sid: "UseTheKeyThroughS3AndDynamoDb",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: props.kmsKeyArn,
          Condition: {
            StringEquals: { "kms:ViaService": ["s3", "dynamodb"].map((s) => `${s}.${props.region}.amazonaws.com`) },
          },
        },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${logGroupArn}:*`,
        },
      ]),
    });
    permissions.overrideLogicalId("reconciler");

    // Call detail records are read (a GET each) only when they are compared.
    new IamRolePolicy(this, "call-detail-reads", {
      count: hclNumber(`${bucketVar} != "" && ${mode} != "streaming" ? 1 : 0`),
      name: "read-call-detail-records",
      role: this.role.id,
      policy: policyDocument([
        {
          Sid: "ReadTheRecordedConnectorsCallDetailRecords",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: [hcl("local.reconciler_call_detail_records")],
        },
      ]),
    }).overrideLogicalId("reconciler_call_detail_reads");
    new TerraformLocal(
      this,
      "reconciler_call_detail_records",
      // In an expression a token renders as a bare reference, so the bucket is interpolated by HCL itself.
      hcl(
        `join("\\",\\"", [for id in ${props.voiceConnectorIds} : "arn:aws:s3:::\${${bucketVar}}/${DETAIL_RECORD_FOLDERS.call}/json/\${id}/*"])`,
      ),
    ).overrideLogicalId("reconciler_call_detail_records");

    const bundle = new TerraformAsset(this, "bundle", { path: props.bundleDir, type: AssetType.ARCHIVE });
    this.function = new LambdaFunction(this, "function", {
      count,
      functionName: props.functionName,
      description: "Compares yesterday's detail records of the recorded connectors with the call records",
      role: this.role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      filename: bundle.path,
      sourceCodeHash: bundle.assetHash,
      memorySize: RECONCILER_MEMORY_MB,
      timeout: RECONCILER_TIMEOUT_SECONDS,
      environment: {
        variables: {
          CALL_DETAIL_RECORDS_BUCKET: props.callDetailRecordsBucket.stringValue,
          DETAIL_RECORDS: props.detailRecords.stringValue,
          RECORDS_BUCKET: props.recordsBucket,
          RECORDS_BY_DAY_PREFIX: byDay,
          VOICE_CONNECTOR_IDS: hcl(`join(",", ${props.voiceConnectorIds})`),
          CALL_TABLE: props.callTableName,
          METRICS_NAMESPACE: RECORDER_METRICS_NAMESPACE,
          LOG_LEVEL: props.logLevel,
        },
      },
      dependsOn: [this.logGroup, permissions],
    });
    this.function.overrideLogicalId("reconciler");
  }
}
