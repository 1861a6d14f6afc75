import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { hcl, hclNumber, policyDocument, varRef } from "../hcl";
import { RECORDER_METRICS_NAMESPACE } from "../recorder/recorder-function";
import { type ReconcilerPolicyProps, reconcilerPolicies } from "./reconciler-policy";

/**
 * The run is bound by the CPU the SDK spends per request (one GET per record of the day): a day of
 * 72,000 calls took 91 to 114 s of CPU and at most 445 MB in `npm run bench:reconcile`
 * (docs/finding-calls.md). 1,769 MB is the size at which Lambda gives a whole vCPU; 15 minutes,
 * Lambda's most, is about eight times the run; the run's reads are bounded (lambda/reconciler/config.ts)
 * so that more connectors make it incomplete, not fail.
 */
export const RECONCILER_MEMORY_MB = 1769;
export const RECONCILER_TIMEOUT_SECONDS = 900;

export interface ReconcilerFunctionProps extends ReconcilerPolicyProps {
  readonly functionName: string;
  readonly bundleDir: string;
  /** The records' bucket name. */
  readonly recordsBucket: string;
  readonly callTableName: string;
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
    const count = hclNumber(`${varRef(props.callDetailRecordsBucket)} == "" ? 0 : 1`);

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

    const permissions = reconcilerPolicies(this, props, this.role, this.logGroup);

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
          RECORDS_BY_DAY_PREFIX: props.recordsByDayPrefix,
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
