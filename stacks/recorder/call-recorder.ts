import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import type { TerraformResource, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import type { KeyUsers } from "../storage/key-policy";
import type { RecordingStorage } from "../storage/recording-storage";
import { DoNotRecordList } from "./do-not-record-list";
import { MediaInsightsPipeline } from "./media-insights-pipeline";
import { RecorderEvents } from "./recorder-events";
import { RecorderFunction } from "./recorder-function";
import { RecorderQueue } from "./recorder-queue";
import type { RecorderVariables } from "./recorder-variables";

export interface CallRecorderProps {
  readonly vars: RecorderVariables;
  /** log_level and recording_file_name, which the function reads. */
  readonly logLevel: TerraformVariable;
  readonly recordingFileName: TerraformVariable;
  readonly storage: RecordingStorage;
  /** HCL: the list of the recorded voice connectors, whose events, streams and calls the recorder handles. */
  readonly voiceConnectorIds: string;
  /** Folder holding the built recorder bundle (`dist/recorder`). */
  readonly bundleDir: string;
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
}

/**
 * From a connector's events to one recording per call: the rules that forward the events, the queue and its
 * dead-letter queue, the function, the do-not-record list and the media insights pipeline configuration the
 * recordings start from.
 */
export class CallRecorder extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly function: LambdaFunction;
  readonly logGroup: CloudwatchLogGroup;
  readonly pipelineConfigurationArn: string;
  /** Who uses the storage key, for its policy. */
  readonly keyUsers: Omit<KeyUsers, "reconcilerRoleArn" | "reconcilerLogGroupArn">;
  /** Resources whose service uses the storage key as soon as they are created. */
  readonly keyUsersOnCreation: readonly TerraformResource[];

  constructor(scope: Construct, id: string, props: CallRecorderProps) {
    super(scope, id);
    const { vars, storage, namePrefix, accountId, region } = props;
    const { bucket, key } = storage;
    const doNotRecordName = `/${namePrefix}/recorder/do-not-record-numbers`;
    const doNotRecord = new DoNotRecordList(this, "do-not-record-list", {
      name: doNotRecordName,
      numbers: vars.doNotRecordNumbers,
      kmsKeyArn: key.keyArn,
    });

    const pipeline = new MediaInsightsPipeline(this, "media-insights-pipeline", {
      name: `${namePrefix}-recording`,
      accountId,
      region,
      bucketArn: bucket.bucketArn,
      recordingObjectsArn: bucket.recordingObjectsArn,
      kmsKeyArn: key.keyArn,
      voiceConnectorIds: props.voiceConnectorIds,
    });
    this.pipelineConfigurationArn = pipeline.configuration.arn;

    const queues = new RecorderQueue(this, "recorder-queue", { namePrefix, kmsKeyArn: key.keyArn });
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    new RecorderEvents(this, "recorder-events", { namePrefix, voiceConnectorIds: props.voiceConnectorIds, queue: this.queue });

    const recorder = new RecorderFunction(this, "recorder-function", {
      functionName: `${namePrefix}-recorder`,
      bundleDir: props.bundleDir,
      accountId,
      region,
      queues,
      storage,
      vars,
      logLevel: props.logLevel.stringValue,
      recordingFileName: props.recordingFileName.stringValue,
      pipelineConfigurationArn: this.pipelineConfigurationArn,
      voiceConnectorIds: props.voiceConnectorIds,
      doNotRecordList: doNotRecord.parameter,
    });
    this.function = recorder.function;
    this.logGroup = recorder.logGroup;

    this.keyUsers = {
      pipelineRoleArn: pipeline.resourceAccessRole.arn,
      recorderRoleArn: recorder.role.arn,
      logGroupArn: `arn:aws:logs:${region}:${accountId}:log-group:/aws/lambda/${namePrefix}-recorder`,
      parameterArn: `arn:aws:ssm:${region}:${accountId}:parameter${doNotRecordName}`,
    };
    this.keyUsersOnCreation = [recorder.logGroup, doNotRecord.parameter];
  }
}
