import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { TerraformLocal, type TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { DETAIL_RECORD_FOLDERS } from "../../lambda/reconciler/detail-record-keys";
import { CALL_TABLE_SCHEMA } from "../../lambda/recorder/table-schema";
import { countedAttribute, hcl, hclNumber, policyDocument, varRef } from "../hcl";

/** What the reconciler's policies name. */
export interface ReconcilerPolicyProps {
  /** call_detail_records_bucket: "" creates no policy. */
  readonly callDetailRecordsBucket: TerraformVariable;
  /** reconciliation_detail_records: which detail records are compared. */
  readonly detailRecords: TerraformVariable;
  /** HCL: the list of the recorded voice connectors. */
  readonly voiceConnectorIds: string;
  readonly recordsBucketArn: string;
  /** Where the records by day are, without surrounding slashes. */
  readonly recordsByDayPrefix: string;
  readonly callTableArn: string;
  readonly kmsKeyArn: string;
  readonly region: string;
}

/**
 * The reconciler's least privilege, as two policies of its role: what every run needs (returned, as the
 * function depends on it), and reading call detail records, only when they are compared.
 */
export function reconcilerPolicies(
  scope: Construct,
  props: ReconcilerPolicyProps,
  role: IamRole,
  logGroup: CloudwatchLogGroup,
): IamRolePolicy {
  const bucketVar = varRef(props.callDetailRecordsBucket);
  const mode = varRef(props.detailRecords);
  const count = hclNumber(`${bucketVar} == "" ? 0 : 1`);
  // The folders each compared kind of detail record is listed under, one per recorded connector.
  const folders = (kind: keyof typeof DETAIL_RECORD_FOLDERS) =>
    `[for id in ${props.voiceConnectorIds} : "${DETAIL_RECORD_FOLDERS[kind]}/json/\${id}/*"]`;
  new TerraformLocal(
    scope,
    "reconciler_detail_record_prefixes",
    hcl(
      `join("\\",\\"", concat(${mode} == "call" ? [] : ${folders("streaming")}, ${mode} == "streaming" ? [] : ${folders("call")}))`,
    ),
  ).overrideLogicalId("reconciler_detail_record_prefixes");
  const detailBucketArn = `arn:aws:s3:::${props.callDetailRecordsBucket.stringValue}`;
  const byDay = props.recordsByDayPrefix;
  const logGroupArn = hcl(countedAttribute(logGroup, "arn"));

  const permissions = new IamRolePolicy(scope, "permissions", {
    count,
    name: "reconcile-calls",
    role: role.id,
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
  new IamRolePolicy(scope, "call-detail-reads", {
    count: hclNumber(`${bucketVar} != "" && ${mode} != "streaming" ? 1 : 0`),
    name: "read-call-detail-records",
    role: role.id,
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
    scope,
    "reconciler_call_detail_records",
    // In an expression a token renders as a bare reference, so the bucket is interpolated by HCL itself.
    hcl(
      `join("\\",\\"", [for id in ${props.voiceConnectorIds} : "arn:aws:s3:::\${${bucketVar}}/${DETAIL_RECORD_FOLDERS.call}/json/\${id}/*"])`,
    ),
  ).overrideLogicalId("reconciler_call_detail_records");

  return permissions;
}
