import { appliedStackTwin } from "../offline/terraform";
import { parseJsonLiteral, resource, synthesizeStack } from "../support/synth";

const config = synthesizeStack();
const accountId = "${data.aws_caller_identity.current.account_id}";
const statements = () => parseJsonLiteral(resource(config, "aws_iam_role_policy", "media_pipeline_access").policy).Statement;
const statement = (sid: string) => statements().find((s: { Sid: string }) => s.Sid === sid);

describe("the media insights pipeline configuration", () => {
  it("has one S3 recording sink pointing at the recording bucket", () => {
    expect(resource(config, "aws_chimesdkmediapipelines_media_insights_pipeline_configuration", "recording").elements).toEqual([
      {
        type: "S3RecordingSink",
        s3_recording_sink_configuration: { destination: "arn:aws:s3:::${local.recording_bucket_name}" },
      },
    ]);
  });

  it("uses the resource access role, once its permissions exist", () => {
    const configuration = resource(config, "aws_chimesdkmediapipelines_media_insights_pipeline_configuration", "recording");
    expect(configuration.resource_access_role_arn).toBe("${aws_iam_role.media_pipeline_access.arn}");
    expect(configuration.depends_on).toContain("aws_iam_role_policy.media_pipeline_access");
  });
});

describe("the resource access role", () => {
  const trust = () => parseJsonLiteral(resource(config, "aws_iam_role", "media_pipeline_access").assume_role_policy).Statement;

  it("trusts only media pipelines of this account", () => {
    expect(trust()).toEqual([
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
    ]);
  });

  const kvsActions = [
    "kinesisvideo:GetDataEndpoint",
    "kinesisvideo:GetMedia",
    "kinesisvideo:ListFragments",
    "kinesisvideo:GetMediaForFragmentList",
  ];

  it("reads the recorded connectors' call streams only, listed by a local", () => {
    // Not AWS's documented stream/Chime* and Chime SDK tagged stream/*: the pipelines this role serves read the
    // recorded connectors' calls only, so the account's other connectors and applications stay out.
    expect(statement("ReadTheRecordedConnectorsStreams")).toEqual({
      Sid: "ReadTheRecordedConnectorsStreams",
      Effect: "Allow",
      Action: kvsActions,
      // One element that Terraform renders as the whole list: the local joins the ARNs with '","'.
      Resource: ["${local.pipeline_connector_streams}"],
    });
    expect(config.locals.pipeline_connector_streams).toBe(
      '${join("\\",\\"", [for id in local.recorded_connector_ids : format("arn:%s:kinesisvideo:%s:%s:stream/ChimeVoiceConnector-%s-*", "aws", var.region, data.aws_caller_identity.current.account_id, id)])}',
    );
  });

  it("reads no other stream: no other statement grants a Kinesis Video Streams action", () => {
    const others = statements().filter((s: { Sid: string }) => s.Sid !== "ReadTheRecordedConnectorsStreams");
    expect(JSON.stringify(others)).not.toContain("kinesisvideo:");
  });

  it.each([
    ["the created connector's", {}, ["abcdefghij0123456789ab"]],
    [
      "each given connector's",
      { voice_connector_ids: ["aaaaco08s5m5esgxfskzks", "cccccccccc0123456789cc"], build_asterisk: false },
      ["aaaaco08s5m5esgxfskzks", "cccccccccc0123456789cc"],
    ],
  ])("reads %s call streams, as Terraform renders the policy", (_, tfvars, connectors) => {
    const policy = appliedStackTwin(tfvars).instances.get("aws_iam_role_policy.media_pipeline_access")?.policy;
    const rendered = JSON.parse(policy).Statement.find((s: { Sid: string }) => s.Sid === "ReadTheRecordedConnectorsStreams");
    expect(rendered).toEqual({
      Sid: "ReadTheRecordedConnectorsStreams",
      Effect: "Allow",
      Action: kvsActions,
      Resource: connectors.map((id) => `arn:aws:kinesisvideo:us-east-1:123456789012:stream/ChimeVoiceConnector-${id}-*`),
    });
  });

  it("uses KMS keys tagged for the Chime SDK only through S3 to write", () => {
    expect(statement("UseChimeSdkTaggedKeysThroughS3")).toEqual({
      Sid: "UseChimeSdkTaggedKeysThroughS3",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "arn:aws:kms:${var.region}:${data.aws_caller_identity.current.account_id}:key/*",
      Condition: {
        StringEquals: { "aws:ResourceTag/AWSServiceName": "ChimeSDK", "kms:ViaService": "s3.${var.region}.amazonaws.com" },
      },
    });
  });

  it("decrypts with KMS keys tagged for the Chime SDK only through Kinesis Video Streams to read the call streams", () => {
    expect(statement("DecryptChimeSdkTaggedStreamsThroughKinesisVideo")).toEqual({
      Sid: "DecryptChimeSdkTaggedStreamsThroughKinesisVideo",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: "arn:aws:kms:${var.region}:${data.aws_caller_identity.current.account_id}:key/*",
      Condition: {
        StringEquals: {
          "aws:ResourceTag/AWSServiceName": "ChimeSDK",
          "kms:ViaService": "kinesisvideo.${var.region}.amazonaws.com",
        },
      },
    });
  });

  it("encrypts recordings with the recorder's key, only through S3", () => {
    expect(statement("EncryptRecordingsThroughS3")).toEqual({
      Sid: "EncryptRecordingsThroughS3",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: "${local.kms_key_arn}",
      Condition: { StringEquals: { "kms:ViaService": "s3.${var.region}.amazonaws.com" } },
    });
  });

  it("writes objects under the recording prefix only", () => {
    const recordings = "arn:aws:s3:::${local.recording_bucket_name}/${local.recording_key_prefix}*";
    expect(statement("WriteRecordings")).toMatchObject({ Action: ["s3:PutObject", "s3:PutObjectAcl"], Resource: recordings });
    expect(statement("TagRecordingsWithChimeSdkKeysOnly")).toMatchObject({
      Action: "s3:PutObjectTagging",
      Resource: recordings,
      Condition: { "ForAllValues:StringLike": { "s3:RequestObjectTagKeys": "ChimeSDK:*" } },
    });
  });

  it("grants nothing else", () => {
    expect(statements().map((s: { Sid: string }) => s.Sid)).toEqual([
      "ReadTheRecordedConnectorsStreams",
      "UseChimeSdkTaggedKeysThroughS3",
      "DecryptChimeSdkTaggedStreamsThroughKinesisVideo",
      "EncryptRecordingsThroughS3",
      "WriteRecordings",
      "TagRecordingsWithChimeSdkKeysOnly",
    ]);
  });
});
