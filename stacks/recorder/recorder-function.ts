import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { LEG_IDLE_SECONDS, MAX_PIPELINE_ATTEMPTS } from "../../lambda/recorder/leg-timing";
import { hcl, policyDocument } from "../hcl";
import type { RecordingStorage } from "../storage/recording-storage";
import { recorderPolicy } from "./recorder-policy";
import { RECORDER_RETRY, type RecorderQueue } from "./recorder-queue";
import type { RecorderVariables } from "./recorder-variables";

/** CloudWatch namespace of the recorder's own metrics (Embedded Metric Format in its logs). */
export const RECORDER_METRICS_NAMESPACE = "ChimeCallRecorder";

export interface RecorderFunctionProps {
  /** Function name, also the name of its log group. */
  readonly functionName: string;
  /** Folder holding the built bundle (`index.js`). */
  readonly bundleDir: string;
  readonly accountId: string;
  readonly region: string;
  /** The queue the function consumes, and the dead-letter queue it puts a call the service refused in, at once. */
  readonly queues: RecorderQueue;
  /** The key, the bucket with its key layout, and the call table the function pairs legs in. */
  readonly storage: RecordingStorage;
  /** The recorder's settings: format, retention of the audio and of its logs, call TTL, concurrency. */
  readonly vars: RecorderVariables;
  readonly logLevel: string;
  /** recording_file_name: the template recordings and records are named from. */
  readonly recordingFileName: string;
  /** The pipeline configuration recordings start from. */
  readonly pipelineConfigurationArn: string;
  /** HCL: the list of the voice connectors whose calls are recorded. */
  readonly voiceConnectorIds: string;
  /** The SSM parameter holding the do-not-record list. */
  readonly doNotRecordList: SsmParameter;
}

/** The recording function, its least-privilege role, its logs and its queue subscription. */
export class RecorderFunction extends Construct {
  readonly function: LambdaFunction;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: RecorderFunctionProps) {
    super(scope, id);
    const { accountId, region, queues, storage, vars } = props;

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: vars.logRetentionDays.numberValue,
      kmsKeyId: storage.key.keyArn,
    });
    this.logGroup.overrideLogicalId("recorder");

    this.role = new IamRole(this, "role", {
      name: props.functionName,
      description: "Pairs call legs and starts one recording per call",
      assumeRolePolicy: policyDocument([
        {
          Sid: "LambdaOfThisAccount",
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
      ]),
    });
    const role = this.role;
    role.overrideLogicalId("recorder");

    const partition = new DataAwsPartition(this, "partition");
    partition.overrideLogicalId("current");

    const permissions = new IamRolePolicy(this, "permissions", {
      name: "record-calls",
      role: role.id,
      policy: recorderPolicy(this, {
        accountId,
        region,
        partition: partition.partition,
        pipelineConfigurationArn: props.pipelineConfigurationArn,
        voiceConnectorIds: props.voiceConnectorIds,
        queues,
        storage,
        doNotRecordList: props.doNotRecordList,
        logGroupArn: this.logGroup.arn,
      }),
    });
    permissions.overrideLogicalId("recorder");

    const bundle = new TerraformAsset(this, "bundle", { path: props.bundleDir, type: AssetType.ARCHIVE });

    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: "Starts one Chime SDK media insights pipeline recording per call",
      role: role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      filename: bundle.path,
      sourceCodeHash: bundle.assetHash,
      memorySize: 256,
      timeout: RECORDER_RETRY.functionTimeoutSeconds,
      environment: {
        variables: {
          CALL_TABLE: storage.calls.table.name,
          RECORDING_BUCKET: storage.bucket.bucketName,
          RECORDING_BUCKET_PREFIX: storage.recordingPrefix,
          MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN: props.pipelineConfigurationArn,
          VOICE_CONNECTOR_IDS: hcl(`join(",", ${props.voiceConnectorIds})`),
          LOG_LEVEL: props.logLevel,
          CALL_TTL_DAYS: String(vars.callTtlDays.numberValue),
          LEG_WAIT_SECONDS: String(RECORDER_RETRY.legWaitSeconds),
          LEG_IDLE_SECONDS: String(LEG_IDLE_SECONDS),
          MAX_PIPELINE_ATTEMPTS: String(MAX_PIPELINE_ATTEMPTS),
          METRICS_NAMESPACE: RECORDER_METRICS_NAMESPACE,
          RECORDING_FORMAT: vars.recordingFormat.stringValue,
          DO_NOT_RECORD_PARAMETER: props.doNotRecordList.name,
          DEAD_LETTER_QUEUE_URL: queues.deadLetterQueue.url,
          DATA_RETENTION_HOURS: String(vars.dataRetentionHours.numberValue),
          RECORDING_FILE_NAME: props.recordingFileName,
          METADATA_PREFIX: storage.metadataPrefix,
          RECORD_INDEX_PREFIX: storage.recordIndexPrefix,
        },
      },
      // The log group must exist with its retention before Lambda would create one without it.
      dependsOn: [this.logGroup, permissions],
    });
    this.function.overrideLogicalId("recorder");

    new LambdaEventSourceMapping(this, "queue-subscription", {
      eventSourceArn: queues.queue.arn,
      functionName: this.function.arn,
      batchSize: 10,
      // A short window lets both ENDED events of a call share one invocation.
      maximumBatchingWindowInSeconds: 5,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: vars.recorderMaxConcurrency.numberValue },
    }).overrideLogicalId("recorder");
  }
}
