import type { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { Construct } from "constructs";
import { RECORD_INDEX } from "../../lambda/recorder/record-index";
import { connectorStreams, policyDocument } from "../hcl";
import { RECORDER_KEY_ACTIONS, RECORDER_KEY_SERVICES } from "../storage/key-policy";
import type { RecordingStorage } from "../storage/recording-storage";
import type { RecorderQueue } from "./recorder-queue";

export interface RecorderPolicyProps {
  readonly accountId: string;
  readonly region: string;
  /** The partition of the connectors' streams, whose ARNs are put together in HCL. */
  readonly partition: string;
  /** The pipeline configuration recordings start from. */
  readonly pipelineConfigurationArn: string;
  /** HCL: the list of the voice connectors whose calls are recorded. */
  readonly voiceConnectorIds: string;
  readonly queues: RecorderQueue;
  readonly storage: RecordingStorage;
  readonly doNotRecordList: SsmParameter;
  readonly logGroupArn: string;
}

/**
 * The recorder function's least-privilege permissions, as a policy document. `scope` declares the local
 * listing the connectors' streams.
 */
export function recorderPolicy(scope: Construct, p: RecorderPolicyProps): string {
  const { accountId, region, storage } = p;
  const { bucket } = storage;
  const callTable = storage.calls.table;
  return policyDocument([
    {
      Sid: "StartRecordingsFromTheConfiguration",
      Effect: "Allow",
      Action: "chime:CreateMediaInsightsPipeline",
      Resource: [p.pipelineConfigurationArn, `arn:aws:chime:${region}:${accountId}:media-pipeline/*`],
    },
    {
      // DescribeStream: a dependent action of chime:CreateMediaInsightsPipeline (the caller names the streams).
      // GetDataEndpoint (LIST_FRAGMENTS) and ListFragments: a leg whose ENDED never came is found ended
      // from its stream's fragments. One statement, as all three must reach this connector's streams and
      // no others; the media itself is read by the pipeline's own role, never here.
      Sid: "ReadTheConnectorsCallStreams",
      Effect: "Allow",
      Action: ["kinesisvideo:DescribeStream", "kinesisvideo:GetDataEndpoint", "kinesisvideo:ListFragments"],
      Resource: connectorStreams(scope, "recorder_connector_streams", p.voiceConnectorIds, {
        partition: p.partition,
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
      Resource: p.queues.queue.arn,
    },
    {
      Sid: "DeadLetterRefusedCalls",
      Effect: "Allow",
      Action: "sqs:SendMessage",
      Resource: p.queues.deadLetterQueue.arn,
    },
    {
      Sid: "ReadTheDoNotRecordList",
      Effect: "Allow",
      Action: "ssm:GetParameter",
      Resource: p.doNotRecordList.arn,
    },
    {
      // Ranged reads of the recordings' headers; the function never deletes.
      Sid: "CheckTheRecordings",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: bucket.recordingObjectsArn,
    },
    {
      // Without it S3 answers a GET of a missing key 403 AccessDenied instead of 404 NoSuchKey. When S3
      // answers 403 all the same, the function lists with the recording's own key as the prefix (one key
      // at most) to tell an absent recording from a refused read; it lists nothing wider.
      Sid: "TellMissingRecordingsFromRefusedReads",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucket.bucketArn,
      Condition: { StringLike: { "s3:prefix": `${storage.recordingKeyPrefix}*` } },
    },
    {
      Sid: "WriteTheCallRecords",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: [
        `${bucket.bucketArn}/${storage.recordKeyPrefix}*.json`,
        `${bucket.bucketArn}/${storage.recordIndexPrefix}/${RECORD_INDEX.partitionColumn}=*`,
      ],
    },
    {
      Sid: "UseTheKeyThroughItsServices",
      Effect: "Allow",
      Action: RECORDER_KEY_ACTIONS,
      Resource: storage.key.keyArn,
      Condition: { StringEquals: { "kms:ViaService": RECORDER_KEY_SERVICES.map((s) => `${s}.${region}.amazonaws.com`) } },
    },
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${p.logGroupArn}:*`,
    },
  ]);
}
