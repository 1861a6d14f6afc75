import { parseJsonLiteral, resource, synthesizeStack } from "../support/synth";

// The service authorization reference lists kinesisvideo:DescribeStream as a dependent action of
// chime:CreateMediaInsightsPipeline: the caller names the call's streams, so it may need to describe them.
const statements: { Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[] }[] = parseJsonLiteral(
  resource(synthesizeStack(), "aws_iam_role_policy", "recorder").policy,
).Statement;
const granting = (action: string) => statements.filter((s) => s.Effect === "Allow" && [s.Action].flat().includes(action));

describe("the recorder's access to the call streams", () => {
  it("may describe the streams it passes to CreateMediaInsightsPipeline", () => {
    expect(granting("kinesisvideo:DescribeStream")).toHaveLength(1);
  });

  it("is limited to the streams the voice connector creates for its calls, in the deployment's partition", () => {
    const [describe] = granting("kinesisvideo:DescribeStream");
    expect(describe.Resource).toBe(
      "arn:${data.aws_partition.current.partition}:kinesisvideo:${var.region}:${data.aws_caller_identity.current.account_id}:stream/ChimeVoiceConnector-${aws_chime_voice_connector.recorded.id}-*",
    );
  });

  it("does not read the media, which the pipeline's own role does", () => {
    const reads = [
      "kinesisvideo:GetMedia",
      "kinesisvideo:GetDataEndpoint",
      "kinesisvideo:ListFragments",
      "kinesisvideo:GetMediaForFragmentList",
    ];
    expect(reads.flatMap(granting)).toEqual([]);
  });
});
