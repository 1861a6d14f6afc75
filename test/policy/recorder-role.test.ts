import { synthesizeStack } from "../support/synth";
import { findPolicies, type Statement } from "./policies";
import { asList, type TerraformConfig } from "./terraform-config";

/**
 * The recorder role's least privilege, as a table: every action its policy allows, and every resource
 * (with its condition) it allows it on. An action added, or a resource widened, fails here until the
 * table says so.
 */
const account = "${data.aws_caller_identity.current.account_id}";
const connectorStreams = `arn:\${data.aws_partition.current.partition}:kinesisvideo:\${var.region}:${account}:stream/ChimeVoiceConnector-\${aws_chime_voice_connector.recorded.id}-*`;
const pipelines = `arn:aws:chime:\${var.region}:${account}:media-pipeline/*`;
const table = ["${aws_dynamodb_table.calls.arn}", "${aws_dynamodb_table.calls.arn}/index/*"];
const keyThroughServices = {
  StringEquals: {
    "kms:ViaService": ["dynamodb", "sqs", "ssm", "s3"].map((service) => `${service}.\${var.region}.amazonaws.com`),
  },
};

type Grant = { resource: string; condition?: Statement["Condition"] };
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
  "s3:PutObject": on("arn:aws:s3:::${local.recording_bucket_name}/${local.record_key_prefix}*.json"),
  "kms:Decrypt": [{ resource: "${local.kms_key_arn}", condition: keyThroughServices }],
  "kms:Encrypt": [{ resource: "${local.kms_key_arn}", condition: keyThroughServices }],
  "kms:GenerateDataKey": [{ resource: "${local.kms_key_arn}", condition: keyThroughServices }],
  "kms:DescribeKey": [{ resource: "${local.kms_key_arn}", condition: keyThroughServices }],
  "logs:CreateLogStream": on("${aws_cloudwatch_log_group.recorder.arn}:*"),
  "logs:PutLogEvents": on("${aws_cloudwatch_log_group.recorder.arn}:*"),
};

/** What the synthesized policy allows: each action with every resource and condition it is allowed under. */
function allowed(statements: Statement[]): Record<string, Grant[]> {
  const grants: Record<string, Grant[]> = {};
  for (const statement of statements.filter((s) => (s.Effect ?? "Allow") === "Allow")) {
    for (const action of asList(statement.Action)) {
      for (const resource of asList(statement.Resource)) {
        const grant = statement.Condition ? { resource, condition: statement.Condition } : { resource };
        grants[action] = [...(grants[action] ?? []), grant];
      }
    }
  }
  return grants;
}

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

  it("reads Kinesis Video Streams only on this connector's call streams, and never their media", () => {
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
});
