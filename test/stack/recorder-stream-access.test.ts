import { type AppliedState, appliedStackTwin } from "../offline/terraform";
import { parseJsonLiteral, resource, synthesizeStack } from "../support/synth";

// The service authorization reference lists kinesisvideo:DescribeStream as a dependent action of
// chime:CreateMediaInsightsPipeline: the caller names the call's streams, so it may need to describe them.
// GetDataEndpoint (for LIST_FRAGMENTS) and ListFragments let the function find where a leg whose ENDED
// never came ended; ListFragments is served by the archived-media endpoint but is a kinesisvideo: action.
type PolicyStatement = { Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[] };
const config = synthesizeStack();
const statements: PolicyStatement[] = parseJsonLiteral(resource(config, "aws_iam_role_policy", "recorder").policy).Statement;
const granting = (action: string, from = statements) =>
  from.filter((s) => s.Effect === "Allow" && [s.Action].flat().includes(action));
const streamReads = ["kinesisvideo:DescribeStream", "kinesisvideo:GetDataEndpoint", "kinesisvideo:ListFragments"];

/** The streams Chime SDK Voice Connector creates for each call leg of connector `id`, as the twin renders them. */
const callStreams = (id: string) => `arn:aws:kinesisvideo:us-east-1:123456789012:stream/ChimeVoiceConnector-${id}-*`;
// The twin's stand-in for the id of the connector the stack creates (test/offline/stand-ins.ts).
const CREATED = "abcdefghij0123456789ab";
const GIVEN = ["aaaaco08s5m5esgxfskzks", "bfggco08s5m5esgxfskzks", "cccccccccc0123456789cc"];

describe("the recorder's access to the call streams", () => {
  it.each(streamReads)("may call %s, in one statement", (action) => {
    expect(granting(action)).toHaveLength(1);
  });

  it.each(streamReads)("may call %s only on the recorded connectors' call streams, listed by a local", (action) => {
    const [statement] = granting(action);
    // One element that Terraform renders as the whole list: the local joins the ARNs with '","'.
    expect(statement.Resource).toEqual(["${local.recorder_connector_streams}"]);
  });

  it("lists, for each recorded connector, the streams it creates for its calls, in the deployment's partition", () => {
    expect(config.locals.recorder_connector_streams).toBe(
      '${join("\\",\\"", [for id in local.recorded_connector_ids : format("arn:%s:kinesisvideo:%s:%s:stream/ChimeVoiceConnector-%s-*", data.aws_partition.current.partition, var.region, data.aws_caller_identity.current.account_id, id)])}',
    );
  });

  it("has no other Kinesis Video Streams action", () => {
    const kinesisVideo = statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith("kinesisvideo:"));
    expect(kinesisVideo.sort()).toEqual([...streamReads].sort());
  });

  it("does not read the media, which the pipeline's own role does", () => {
    expect(
      ["kinesisvideo:GetMedia", "kinesisvideo:GetMediaForFragmentList", "kinesisvideo:GetClip"].flatMap((a) => granting(a)),
    ).toEqual([]);
  });
});

describe("the recorder's access to the call streams, as Terraform renders the policy", () => {
  const applied: Record<string, AppliedState> = {};
  beforeAll(() => {
    applied.created = appliedStackTwin({});
    applied.given = appliedStackTwin({ voice_connector_ids: GIVEN, build_asterisk: false });
  }, 60_000);

  /** The applied policy, which must be a valid JSON document. */
  const rendered = (mode: string): PolicyStatement[] =>
    JSON.parse(applied[mode].instances.get("aws_iam_role_policy.recorder")?.policy).Statement;

  it.each(streamReads)("%s: on the created connector's call streams only, when the stack creates it", (action) => {
    expect(granting(action, rendered("created")).map((s) => s.Resource)).toEqual([[callStreams(CREATED)]]);
  });

  it.each(streamReads)("%s: on each given connector's call streams, and only theirs, with voice_connector_ids", (action) => {
    expect(granting(action, rendered("given")).map((s) => s.Resource)).toEqual([GIVEN.map(callStreams)]);
  });
});
