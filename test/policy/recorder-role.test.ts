import { appliedStackTwin } from "../offline/terraform";
import { synthesizeStack } from "../support/synth";
import { allowed, findPolicies, type Grant, type Statement } from "./policies";
import type { TerraformConfig } from "./terraform-config";

/**
 * The recorder role's least privilege, as a table: every action its policy allows, and every resource
 * (with its condition) it allows it on. An action added, or a resource widened, fails here until the
 * table says so.
 */
const account = "${data.aws_caller_identity.current.account_id}";
// The recorded connectors' call streams: a local that Terraform renders as one ARN per connector (below).
const connectorStreams = "${local.recorder_connector_streams}";
const pipelines = `arn:aws:chime:\${var.region}:${account}:media-pipeline/*`;
const table = ["${aws_dynamodb_table.calls.arn}", "${aws_dynamodb_table.calls.arn}/index/*"];
const keyThroughServices = {
  StringEquals: {
    "kms:ViaService": ["dynamodb", "sqs", "ssm", "s3"].map((service) => `${service}.\${var.region}.amazonaws.com`),
  },
};

const on = (...resources: string[]): Grant[] => resources.map((resource) => ({ resource }));

const EXPECTED: Record<string, Grant[]> = {
  "chime:CreateMediaInsightsPipeline": on(
    "${aws_chimesdkmediapipelines_media_insights_pipeline_configuration.recording.arn}",
    pipelines,
  ),
  "chime:GetMediaPipeline": on(pipelines),
  "kinesisvideo:DescribeStream": on(connectorStreams),
  "kinesisvideo:GetDataEndpoint": on(connectorStreams),
  "kinesisvideo:ListFragments": on(connectorStreams),
  "dynamodb:UpdateItem": on(...table),
  "dynamodb:Query": on(...table),
  "dynamodb:GetItem": on(...table),
  "sqs:ReceiveMessage": on("${aws_sqs_queue.recorder.arn}"),
  "sqs:DeleteMessage": on("${aws_sqs_queue.recorder.arn}"),
  "sqs:GetQueueAttributes": on("${aws_sqs_queue.recorder.arn}"),
  "sqs:ChangeMessageVisibility": on("${aws_sqs_queue.recorder.arn}"),
  "sqs:SendMessage": on("${aws_sqs_queue.recorder_dead_letter.arn}"),
  "ssm:GetParameter": on("${aws_ssm_parameter.do_not_record_numbers.arn}"),
  "s3:GetObject": on("arn:aws:s3:::${local.recording_bucket_name}/${local.recording_key_prefix}*"),
  // Not widened for the recorder's one-key listing (Prefix = a recording's key): that prefix lies under this one.
  "s3:ListBucket": [
    {
      resource: "arn:aws:s3:::${local.recording_bucket_name}",
      condition: { StringLike: { "s3:prefix": "${local.recording_key_prefix}*" } },
    },
  ],
  "s3:PutObject": on(
    "arn:aws:s3:::${local.recording_bucket_name}/${local.record_key_prefix}*.json",
    "arn:aws:s3:::${local.recording_bucket_name}/${local.records_by_day_prefix}/start_day=*",
  ),
  "kms:Decrypt": [{ resource: "${local.kms_key_arn}", condition: keyThroughServices }],
  "kms:Encrypt": [{ resource: "${local.kms_key_arn}", condition: keyThroughServices }],
  "kms:GenerateDataKey": [{ resource: "${local.kms_key_arn}", condition: keyThroughServices }],
  "kms:DescribeKey": [{ resource: "${local.kms_key_arn}", condition: keyThroughServices }],
  "logs:CreateLogStream": on("${aws_cloudwatch_log_group.recorder.arn}:*"),
  "logs:PutLogEvents": on("${aws_cloudwatch_log_group.recorder.arn}:*"),
};

const config = synthesizeStack() as unknown as TerraformConfig;
const [policy, ...others] = findPolicies(config).filter((p) => p.address === "aws_iam_role_policy.recorder");

describe("the recorder role's least privilege", () => {
  it("is one readable inline policy", () => {
    expect(others).toEqual([]);
    expect(policy.unreadable).toBeUndefined();
  });

  it("allows exactly the actions of the table, each on exactly its resources and conditions", () => {
    expect(allowed(policy.statements)).toEqual(EXPECTED);
  });

  it("reads Kinesis Video Streams only on the recorded connectors' call streams, and never their media", () => {
    const kinesisVideo = Object.entries(allowed(policy.statements)).filter(([action]) => action.startsWith("kinesisvideo:"));
    expect(kinesisVideo.map(([action]) => action).sort()).toEqual([
      "kinesisvideo:DescribeStream",
      "kinesisvideo:GetDataEndpoint",
      "kinesisvideo:ListFragments",
    ]);
    expect(kinesisVideo.flatMap(([, grants]) => grants)).toEqual(kinesisVideo.map(() => ({ resource: connectorStreams })));
  });

  it("reads media pipelines' state only on media-pipeline/* of the account and Region", () => {
    expect(allowed(policy.statements)["chime:GetMediaPipeline"]).toEqual([{ resource: pipelines }]);
  });

  it("lists each recorded connector's call streams, ChimeVoiceConnector-<id>-*, in the account, Region and partition", () => {
    expect(config.locals?.recorder_connector_streams).toBe(
      `\${join("\\",\\"", [for id in local.recorded_connector_ids : format("arn:%s:kinesisvideo:%s:%s:stream/ChimeVoiceConnector-%s-*", data.aws_partition.current.partition, var.region, data.aws_caller_identity.current.account_id, id)])}`,
    );
  });

  it("is rendered by Terraform as valid JSON granting each given connector's call streams, and no other", () => {
    const connectors = ["aaaaco08s5m5esgxfskzks", "bfggco08s5m5esgxfskzks", "cccccccccc0123456789cc"];
    const applied = appliedStackTwin({ voice_connector_ids: connectors, build_asterisk: false });
    const rendered: Statement[] = JSON.parse(applied.instances.get("aws_iam_role_policy.recorder")?.policy).Statement;
    const streams = connectors.map((id) => `arn:aws:kinesisvideo:us-east-1:123456789012:stream/ChimeVoiceConnector-${id}-*`);
    const kinesisVideo = Object.entries(allowed(rendered)).filter(([action]) => action.startsWith("kinesisvideo:"));
    expect(Object.fromEntries(kinesisVideo)).toEqual({
      "kinesisvideo:DescribeStream": on(...streams),
      "kinesisvideo:GetDataEndpoint": on(...streams),
      "kinesisvideo:ListFragments": on(...streams),
    });
  });
});
