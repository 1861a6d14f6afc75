import { ChimesdkmediapipelinesMediaInsightsPipelineConfiguration } from "@cdktf/provider-aws/lib/chimesdkmediapipelines-media-insights-pipeline-configuration";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { connectorStreams, policyDocument } from "../hcl";

export interface MediaInsightsPipelineProps {
  /** Name of the configuration and prefix of its role's name. */
  readonly name: string;
  /** Account the pipelines run in. */
  readonly accountId: string;
  /** Region the pipelines and the voice connector's streams are in. */
  readonly region: string;
  /** ARN of the bucket recordings are written to. */
  readonly bucketArn: string;
  /** ARN pattern of the recording objects (the bucket's recording prefix). */
  readonly recordingObjectsArn: string;
  /** The customer-managed key recordings are encrypted with (the bucket's default encryption). */
  readonly kmsKeyArn: string;
  /** HCL: the list of the recorded voice connectors, whose call streams the pipelines read. */
  readonly voiceConnectorIds: string;
}

/**
 * The media insights pipeline configuration the recorder starts pipelines from: one S3 recording
 * sink, and the role the service assumes to read the call's streams and write the WAV.
 */
export class MediaInsightsPipeline extends Construct {
  readonly configuration: ChimesdkmediapipelinesMediaInsightsPipelineConfiguration;
  readonly resourceAccessRole: IamRole;

  constructor(scope: Construct, id: string, props: MediaInsightsPipelineProps) {
    super(scope, id);
    const { accountId, region } = props;
    const chimeSdkTagged = { StringEquals: { "aws:ResourceTag/AWSServiceName": "ChimeSDK" } };

    this.resourceAccessRole = new IamRole(this, "role", {
      name: `${props.name}-pipeline-access`,
      description: "Assumed by Chime SDK media pipelines to read call streams and write recordings",
      assumeRolePolicy: policyDocument([
        {
          Sid: "MediaPipelinesOfThisAccount",
          Effect: "Allow",
          Principal: { Service: "mediapipelines.chime.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": accountId },
            ArnLike: { "aws:SourceArn": `arn:aws:chime:*:${accountId}:*` },
          },
        },
      ]),
    });
    this.resourceAccessRole.overrideLogicalId("media_pipeline_access");

    const kvsActions = [
      "kinesisvideo:GetDataEndpoint",
      "kinesisvideo:GetMedia",
      "kinesisvideo:ListFragments",
      "kinesisvideo:GetMediaForFragmentList",
    ];
    const keys = `arn:aws:kms:${region}:${accountId}:key`;
    const access = new IamRolePolicy(this, "policy", {
      name: "read-call-streams-write-recordings",
      role: this.resourceAccessRole.id,
      policy: policyDocument([
        {
          // The recorded connectors' call streams only, not AWS's documented Chime* and tagged stream/*:
          // the pipelines read no other streams, and the account's other connectors stay out.
          Sid: "ReadTheRecordedConnectorsStreams",
          Effect: "Allow",
          Action: kvsActions,
          Resource: connectorStreams(this, "pipeline_connector_streams", props.voiceConnectorIds, {
            partition: '"aws"',
            region,
            accountId,
          }),
        },
        {
          // The documented S3 recording sink policy: Chime SDK tagged keys, here only as S3 uses them for the writes.
          Sid: "UseChimeSdkTaggedKeysThroughS3",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: `${keys}/*`,
          Condition: { StringEquals: { ...chimeSdkTagged.StringEquals, "kms:ViaService": `s3.${region}.amazonaws.com` } },
        },
        {
          // The documented minimum policy pairs the stream reads with kms:Decrypt on tagged keys: streams encrypted
          // under such a key are read through Kinesis Video Streams, and only so.
          Sid: "DecryptChimeSdkTaggedStreamsThroughKinesisVideo",
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: `${keys}/*`,
          Condition: {
            StringEquals: { ...chimeSdkTagged.StringEquals, "kms:ViaService": `kinesisvideo.${region}.amazonaws.com` },
          },
        },
        {
          // S3 asks KMS for a data key as the writer (GenerateDataKey), and Decrypt for multipart uploads.
          Sid: "EncryptRecordingsThroughS3",
          Effect: "Allow",
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: props.kmsKeyArn,
          Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
        },
        {
          Sid: "WriteRecordings",
          Effect: "Allow",
          Action: ["s3:PutObject", "s3:PutObjectAcl"],
          Resource: props.recordingObjectsArn,
        },
        {
          Sid: "TagRecordingsWithChimeSdkKeysOnly",
          Effect: "Allow",
          Action: "s3:PutObjectTagging",
          Resource: props.recordingObjectsArn,
          Condition: { "ForAllValues:StringLike": { "s3:RequestObjectTagKeys": "ChimeSDK:*" } },
        },
      ]),
    });
    access.overrideLogicalId("media_pipeline_access");

    this.configuration = new ChimesdkmediapipelinesMediaInsightsPipelineConfiguration(this, "configuration", {
      name: props.name,
      resourceAccessRoleArn: this.resourceAccessRole.arn,
      elements: [{ type: "S3RecordingSink", s3RecordingSinkConfiguration: { destination: props.bucketArn } }],
      // The service checks the role when the configuration is created.
      dependsOn: [access],
    });
    this.configuration.overrideLogicalId("recording");
  }
}
