import { parseJsonLiteral, resource, synthesizeStack } from "../support/synth";

// The service authorization reference lists kinesisvideo:DescribeStream as a dependent action of
// chime:CreateMediaInsightsPipeline: the caller names the call's streams, so it may need to describe them.
// GetDataEndpoint (for LIST_FRAGMENTS) and ListFragments let the function find where a leg whose ENDED
// never came ended; ListFragments is served by the archived-media endpoint but is a kinesisvideo: action.
const statements: { Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[] }[] = parseJsonLiteral(
  resource(synthesizeStack(), "aws_iam_role_policy", "recorder").policy,
).Statement;
const granting = (action: string) => statements.filter((s) => s.Effect === "Allow" && [s.Action].flat().includes(action));
const connectorStreams =
  "arn:${data.aws_partition.current.partition}:kinesisvideo:${var.region}:${data.aws_caller_identity.current.account_id}:stream/ChimeVoiceConnector-${aws_chime_voice_connector.recorded.id}-*";
const streamReads = ["kinesisvideo:DescribeStream", "kinesisvideo:GetDataEndpoint", "kinesisvideo:ListFragments"];

describe("the recorder's access to the call streams", () => {
  it.each(streamReads)("may call %s, in one statement", (action) => {
    expect(granting(action)).toHaveLength(1);
  });

  it.each(streamReads)(
    "may call %s only on the streams the voice connector creates for its calls, in the deployment's partition",
    (action) => {
      const [statement] = granting(action);
      expect(statement.Resource).toBe(connectorStreams);
    },
  );

  it("has no other Kinesis Video Streams action", () => {
    const kinesisVideo = statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith("kinesisvideo:"));
    expect(kinesisVideo.sort()).toEqual([...streamReads].sort());
  });

  it("does not read the media, which the pipeline's own role does", () => {
    expect(["kinesisvideo:GetMedia", "kinesisvideo:GetMediaForFragmentList", "kinesisvideo:GetClip"].flatMap(granting)).toEqual(
      [],
    );
  });
});
