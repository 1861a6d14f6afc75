import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import type { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { LEG_IDLE_SECONDS, MAX_PIPELINE_ATTEMPTS } from "../../lambda/recorder/leg-timing";
import { connectorStreams, hcl, policyDocument } from "../hcl";
import { RECORDER_KEY_ACTIONS, RECORDER_KEY_SERVICES } from "../storage/encryption-key";
import { RECORDER_RETRY } from "./recorder-queue";

/** CloudWatch namespace of the recorder's own metrics (Embedded Metric Format in its logs). */
export const RECORDER_METRICS_NAMESPACE = "ChimeCallRecorder";

export interface RecorderFunctionProps {
  /** Function name, also the name of its log group. */
  readonly functionName: string;
  /** Folder holding the built bundle (`index.js`). */
  readonly bundleDir: string;
  readonly accountId: string;
  readonly region: string;
  /** The queue the function consumes. */
  readonly queue: SqsQueue;
  /** Where the function puts a call the service refused, at once. */
  readonly deadLetterQueue: SqsQueue;
  /** How long the connector's streams keep audio: a call older than that is not requested. */
  readonly dataRetentionHours: number;
  /** The call table the function pairs legs in. */
  readonly callTable: DynamodbTable;
  /** Name of the bucket recordings are written to. */
  readonly recordingBucket: string;
  /** Key prefix of the recordings, without surrounding slashes. */
  readonly recordingPrefix: string;
  /** The pipeline configuration recordings start from. */
  readonly pipelineConfigurationArn: string;
  /** HCL: the list of the voice connectors whose calls are recorded. */
  readonly voiceConnectorIds: string;
  readonly logLevel: string;
  readonly logRetentionDays: number;
  readonly callTtlDays: number;
  /** Most function instances the queue runs at once. */
  readonly maxConcurrency: number;
  /** The customer-managed key of the table, queues, logs and do-not-record list. */
  readonly kmsKeyArn: string;
  /** Wav or Opus: the format the function requests. */
  readonly recordingFormat: string;
  /** The SSM parameter holding the do-not-record list. */
  readonly doNotRecordParameter: { readonly name: string; readonly arn: string };
  /** recording_file_name: the template recordings and records are named from. */
  readonly recordingFileName: string;
  /** Key prefix of the per-call records without surrounding slashes; "" puts them beside the recordings. */
  readonly metadataPrefix: string;
  /** Key prefix of the records by day, without surrounding slashes. */
  readonly recordIndexPrefix: string;
  /** ARN pattern of the recordings, which the function reads by range to check them. */
  readonly recordingObjectsArn: string;
  /** ARN of the recording bucket, and the recordings' key prefix as S3 sees it ("" or ending in "/"). */
  readonly recordingBucketArn: string;
  readonly recordingKeyPrefix: string;
  /** ARN patterns of the per-call records (`*.json` under their prefix) and of the records by day, which the function writes. */
  readonly recordObjectsArns: string[];
}

/** The recording function, its least-privilege role, its logs and its queue subscription. */
export class RecorderFunction extends Construct {
  readonly function: LambdaFunction;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: RecorderFunctionProps) {
    super(scope, id);
    const { accountId, region, callTable, queue } = props;

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
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
      policy: policyDocument([
        {
          Sid: "StartRecordingsFromTheConfiguration",
          Effect: "Allow",
          Action: "chime:CreateMediaInsightsPipeline",
          Resource: [props.pipelineConfigurationArn, `arn:aws:chime:${region}:${accountId}:media-pipeline/*`],
        },
        {
          // DescribeStream: a dependent action of chime:CreateMediaInsightsPipeline (the caller names the streams).
          // GetDataEndpoint (LIST_FRAGMENTS) and ListFragments: a leg whose ENDED never came is found ended
          // from its stream's fragments. One statement, as all three must reach this connector's streams and
          // no others; the media itself is read by the pipeline's own role, never here.
          Sid: "ReadTheConnectorsCallStreams",
          Effect: "Allow",
          Action: ["kinesisvideo:DescribeStream", "kinesisvideo:GetDataEndpoint", "kinesisvideo:ListFragments"],
          Resource: connectorStreams(this, "recorder_connector_streams", props.voiceConnectorIds, {
            partition: partition.partition,
            region,
            accountId,
          }),
        },
        {
          // When a recording is missing or empty, the function asks the pipeline it started whether it failed.
          // Pipeline ids are known only once created, so the grant names the Region's pipelines (read only),
          // as the CreateMediaInsightsPipeline grant does.
          Sid: "FindFailedRecordingPipelines",
          Effect: "Allow",
          Action: "chime:GetMediaPipeline",
          Resource: `arn:aws:chime:${region}:${accountId}:media-pipeline/*`,
        },
        {
          Sid: "PairCallLegs",
          Effect: "Allow",
          // GetItem: a pipeline failure event is matched against the call's current attempt, read consistently.
          Action: ["dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:GetItem"],
          Resource: [callTable.arn, `${callTable.arn}/index/*`],
        },
        {
          Sid: "ConsumeTheQueue",
          Effect: "Allow",
          Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
          Resource: queue.arn,
        },
        {
          Sid: "DeadLetterRefusedCalls",
          Effect: "Allow",
          Action: "sqs:SendMessage",
          Resource: props.deadLetterQueue.arn,
        },
        {
          Sid: "ReadTheDoNotRecordList",
          Effect: "Allow",
          Action: "ssm:GetParameter",
          Resource: props.doNotRecordParameter.arn,
        },
        {
          // Ranged reads of the recordings' headers; the function never deletes.
          Sid: "CheckTheRecordings",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: props.recordingObjectsArn,
        },
        {
          // Without it S3 answers a GET of a missing key 403 AccessDenied instead of 404 NoSuchKey. When S3
          // answers 403 all the same, the function lists with the recording's own key as the prefix (one key
          // at most) to tell an absent recording from a refused read; it lists nothing wider.
          Sid: "TellMissingRecordingsFromRefusedReads",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: props.recordingBucketArn,
          Condition: { StringLike: { "s3:prefix": `${props.recordingKeyPrefix}*` } },
        },
        {
          Sid: "WriteTheCallRecords",
          Effect: "Allow",
          Action: "s3:PutObject",
          Resource: props.recordObjectsArns,
        },
        {
          Sid: "UseTheKeyThroughItsServices",
          Effect: "Allow",
          Action: RECORDER_KEY_ACTIONS,
          Resource: props.kmsKeyArn,
          Condition: { StringEquals: { "kms:ViaService": RECORDER_KEY_SERVICES.map((s) => `${s}.${region}.amazonaws.com`) } },
        },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${this.logGroup.arn}:*`,
        },
      ]),
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
          CALL_TABLE: callTable.name,
          RECORDING_BUCKET: props.recordingBucket,
          RECORDING_BUCKET_PREFIX: props.recordingPrefix,
          MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN: props.pipelineConfigurationArn,
          VOICE_CONNECTOR_IDS: hcl(`join(",", ${props.voiceConnectorIds})`),
          LOG_LEVEL: props.logLevel,
          CALL_TTL_DAYS: String(props.callTtlDays),
          LEG_WAIT_SECONDS: String(RECORDER_RETRY.legWaitSeconds),
          LEG_IDLE_SECONDS: String(LEG_IDLE_SECONDS),
          MAX_PIPELINE_ATTEMPTS: String(MAX_PIPELINE_ATTEMPTS),
          METRICS_NAMESPACE: RECORDER_METRICS_NAMESPACE,
          RECORDING_FORMAT: props.recordingFormat,
          DO_NOT_RECORD_PARAMETER: props.doNotRecordParameter.name,
          DEAD_LETTER_QUEUE_URL: props.deadLetterQueue.url,
          DATA_RETENTION_HOURS: String(props.dataRetentionHours),
          RECORDING_FILE_NAME: props.recordingFileName,
          METADATA_PREFIX: props.metadataPrefix,
          RECORD_INDEX_PREFIX: props.recordIndexPrefix,
        },
      },
      // The log group must exist with its retention before Lambda would create one without it.
      dependsOn: [this.logGroup, permissions],
    });
    this.function.overrideLogicalId("recorder");

    new LambdaEventSourceMapping(this, "queue-subscription", {
      eventSourceArn: queue.arn,
      functionName: this.function.arn,
      batchSize: 10,
      // A short window lets both ENDED events of a call share one invocation.
      maximumBatchingWindowInSeconds: 5,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: props.maxConcurrency },
    }).overrideLogicalId("recorder");
  }
}
