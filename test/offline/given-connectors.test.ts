import { synthesizeStack } from "../support/synth";
import {
  CREATED_BUCKET,
  CREATED_CONNECTOR,
  CREATED_KEY,
  GIVEN_STREAMING,
  ORIGINATION,
  PBX,
  PBX_IMAGE,
  PHONE_NUMBER,
  RECORDER,
  TERMINATION,
} from "./stack-blocks";
import { type AppliedState, blocksOf, type PlannedChange, stackTwin, TwinWorkspace } from "./terraform";
import { providerFreeTwin } from "./twin";

/**
 * Recording the voice connectors an operator already runs (voice_connector_ids), planned and applied by real
 * Terraform on the provider-free twin of the synthesized stack (twin.ts): the stack creates no connector, trunk, PBX
 * or number, streams each given connector, and its rules and grants follow the list. Then the switch from a created
 * connector to given ones and back, on the same state.
 */

// Voice connector ids as AWS documents them (22 lower-case letters and digits), none of them the twin's stand-in
// for the created connector.
const A = "aaaaco08s5m5esgxfskzks";
const B = "bfggco08s5m5esgxfskzks";
const C = "cccccccccc0123456789cc";
const CREATED = "abcdefghij0123456789ab";
const LCA_CONFIGURATION = "arn:aws:chime:us-east-1:123456789012:media-insights-pipeline-configuration/LCA-config";

/** The tfvars that record `ids`: build_asterisk defaults to true, which needs a created connector. */
const recording = (ids: string[], more: Record<string, unknown> = {}) => ({
  voice_connector_ids: ids,
  build_asterisk: false,
  ...more,
});
/** The Kinesis Video streams Chime SDK Voice Connector creates for the call legs of connector `id`. */
const callStreams = (id: string) => `arn:aws:kinesisvideo:us-east-1:123456789012:stream/ChimeVoiceConnector-${id}-*`;
const givenStreaming = (id: string) => `aws_chime_voice_connector_streaming.given["${id}"]`;
/** An address without its instance key. */
const blockOf = (address: string) => address.replace(/\[.*\]$/, "");
const actionsByAddress = (changes: PlannedChange[], keep: (actions: string[]) => boolean) =>
  Object.fromEntries(changes.filter((c) => keep(c.actions)).map((c) => [c.address, c.actions.join(",")]));

/** What only a created connector brings: the connector itself, the test PBX and its number, a trunk. */
const TELEPHONY = [...CREATED_CONNECTOR, ...PBX, ...PHONE_NUMBER, ...ORIGINATION, ...TERMINATION];
const isTelephony = (block: string) => TELEPHONY.includes(block) || PBX_IMAGE.test(block);

const CASES: [string, string[]][] = [
  ["one given connector", [B]],
  ["three given connectors", [A, B, C]],
];

const planned = new Map<string, PlannedChange[]>();
const applied = new Map<string, AppliedState>();

beforeAll(() => {
  const fresh: [string, Record<string, unknown>][] = [
    ["default", {}],
    ...CASES.map(([name, ids]): [string, Record<string, unknown>] => [name, recording(ids)]),
  ];
  for (const [name, tfvars] of fresh) {
    const workspace = new TwinWorkspace();
    try {
      planned.set(name, workspace.plan(tfvars));
      workspace.apply(tfvars);
      applied.set(name, workspace.state());
    } finally {
      workspace.remove();
    }
  }
}, 120_000);

const stateOf = (name: string): AppliedState => {
  const found = applied.get(name);
  if (!found) throw new Error(`${name} was not applied`);
  return found;
};
const instance = (name: string, address: string): Record<string, any> => {
  const found = stateOf(name).instances.get(address);
  if (!found) throw new Error(`${address} is not in the applied state of ${name}`);
  return found;
};

describe.each(CASES)("%s, planned and applied", (name, ids) => {
  it("plan no connector, PBX, phone number or trunk (origination, termination)", () => {
    const blocks = (planned.get(name) ?? []).filter((c) => !c.address.startsWith("output.")).map((c) => blockOf(c.address));
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.filter(isTelephony)).toEqual([]);
  });

  it("plan to create one streaming configuration per given connector", () => {
    const streaming = (planned.get(name) ?? []).filter((c) => blockOf(c.address) === "aws_chime_voice_connector_streaming.given");
    expect(actionsByAddress(streaming, () => true)).toEqual(Object.fromEntries(ids.map((id) => [givenStreaming(id), "create"])));
  });

  it("deploy what the default deploys, less the created connector, the PBX, its number and the trunk, plus each connector's streaming", () => {
    const expected = [...blocksOf(stateOf("default")).filter((block) => !isTelephony(block)), ...GIVEN_STREAMING].sort();
    expect(blocksOf(stateOf(name))).toEqual(expected);
    expect(blocksOf(stateOf(name))).toEqual(expect.arrayContaining([...RECORDER, ...CREATED_BUCKET, ...CREATED_KEY]));
  });

  it("stream both legs of each given connector, for data_retention_hours, to EventBridge, with no media insights configuration", () => {
    const streaming = [...stateOf(name).instances].filter(([address]) => blockOf(address) === GIVEN_STREAMING[0]);
    expect(Object.fromEntries(streaming)).toEqual(
      Object.fromEntries(
        ids.map((id) => [
          givenStreaming(id),
          {
            voice_connector_id: id,
            data_retention: 24,
            disabled: false,
            streaming_notification_targets: ["EventBridge"],
            media_insights_configuration: [],
          },
        ]),
      ),
    );
  });

  it("render both rules' patterns with each given connector, and only them", () => {
    const pattern = (rule: string) => JSON.parse(instance(name, `aws_cloudwatch_event_rule.${rule}`).event_pattern);
    expect(pattern("call_streams_ended")).toEqual({
      source: ["aws.chime"],
      "detail-type": ["Chime VoiceConnector Streaming Status"],
      detail: { voiceConnectorId: ids, streamingStatus: ["STARTED", "ENDED", "FAILED"] },
    });
    expect(pattern("pipeline_permanent_failure")).toEqual({
      source: ["aws.chime"],
      "detail-type": ["Media Insights State Change"],
      detail: { eventType: ["chime:MediaInsightsPermanentFailure"], voiceConnectorId: ids },
    });
  });

  it.each([
    ["the recorder's", "aws_iam_role_policy.recorder", "ReadTheConnectorsCallStreams"],
    ["the pipelines'", "aws_iam_role_policy.media_pipeline_access", "ReadTheRecordedConnectorsStreams"],
  ])("render %s policy as valid JSON that reads each given connector's call streams, and no other stream", (_, address, sid) => {
    const statements: { Sid: string; Action: string | string[]; Resource: string | string[] }[] = JSON.parse(
      instance(name, address).policy,
    ).Statement;
    const reading = statements.filter((s) => [s.Action].flat().some((action) => action.startsWith("kinesisvideo:")));
    expect(reading.map((s) => [s.Sid, s.Resource])).toEqual([[sid, ids.map(callStreams)]]);
  });

  it("tell the function the given connectors in VOICE_CONNECTOR_IDS", () => {
    expect(instance(name, "aws_lambda_function.recorder").environment.variables.VOICE_CONNECTOR_IDS).toBe(ids.join(","));
  });

  it("output the given connectors as recorded_voice_connector_ids, and no created connector, number, PBX or SIPREC destination", () => {
    const { outputs } = stateOf(name);
    expect(outputs.recorded_voice_connector_ids).toEqual(ids);
    // Terraform leaves null outputs out.
    expect(Object.keys(outputs)).toEqual(
      expect.not.arrayContaining([
        "voice_connector_id",
        "voice_connector_host",
        "siprec_destination",
        "phone_number",
        "pbx_public_ip",
        "pbx_session_command",
      ]),
    );
  });
});

describe("what a given connector's streaming configuration held before", () => {
  let carried: AppliedState;
  let warned: string[] = [];
  let quiet: string[] = [];
  const carryOver = {
    [A]: { notification_targets: ["SNS"], data_retention_hours: 48, media_insights_configuration_arn: LCA_CONFIGURATION },
    [B]: { notification_targets: ["SQS"], media_insights_configuration_arn: "" },
    [C]: { media_insights_configuration_arn: LCA_CONFIGURATION, media_insights_configuration_disabled: true },
  };

  beforeAll(() => {
    const workspace = new TwinWorkspace();
    try {
      warned = workspace.planWarnings(recording([A, B, C], { voice_connector_streaming: carryOver }));
      quiet = workspace.planWarnings(recording([A, B, C], { voice_connector_streaming: { [A]: carryOver[B], [B]: {} } }));
      workspace.apply(recording([A, B, C], { voice_connector_streaming: carryOver }));
      carried = workspace.state();
    } finally {
      workspace.remove();
    }
  }, 60_000);

  it("is carried over: SNS and SQS targets beside EventBridge, a longer retention, a media insights configuration", () => {
    expect(carried.instances.get(givenStreaming(A))).toMatchObject({
      data_retention: 48,
      streaming_notification_targets: ["EventBridge", "SNS"],
      media_insights_configuration: [{ disabled: false, configuration_arn: LCA_CONFIGURATION }],
    });
    expect(carried.instances.get(givenStreaming(B))).toMatchObject({
      data_retention: 24,
      streaming_notification_targets: ["EventBridge", "SQS"],
      media_insights_configuration: [],
    });
    expect(carried.instances.get(givenStreaming(C))).toMatchObject({
      data_retention: 24,
      streaming_notification_targets: ["EventBridge"],
      media_insights_configuration: [{ disabled: true, configuration_arn: LCA_CONFIGURATION }],
    });
  });

  it("warns (check media_insights_records_twice) that an enabled media insights configuration may record the calls twice, naming its connector only (not C's, kept disabled)", () => {
    expect(warned).toEqual([
      `check.media_insights_records_twice.assert[0]: Check block assertion failed: voice_connector_streaming carries an enabled media insights configuration for ${A}: if it has its own S3 recording sink, every call on that connector is recorded twice (once by it, once by this recorder), and both count against the 20 active pipelines of the Region.`,
    ]);
  });

  it("warns of nothing when no connector carries a media insights configuration", () => {
    expect(quiet).toEqual([]);
  });
});

describe("importing each given connector's streaming configuration", () => {
  it("is an import block the twin accepts: its target, id and for_each pass the twin's checks, and it is left out", () => {
    expect((synthesizeStack() as unknown as { import: unknown[] }).import).toHaveLength(1);
    expect(() => providerFreeTwin(synthesizeStack())).not.toThrow();
    expect(stackTwin().json).not.toHaveProperty("import");
  });

  it("plans with import_voice_connector_streaming = true (the twin plans creates where the provider would read and update)", () => {
    const workspace = new TwinWorkspace();
    try {
      const changes = workspace.plan(recording([A, B], { import_voice_connector_streaming: true }));
      expect(actionsByAddress(changes, (actions) => actions.join() !== "no-op")).toMatchObject({
        [givenStreaming(A)]: "create",
        [givenStreaming(B)]: "create",
      });
    } finally {
      workspace.remove();
    }
  });
});

describe("a connector deployed before voice_connector_ids existed, without count", () => {
  it("is kept with voice_connector_ids = []: Terraform moves it, its streaming and logging to [0], changing nothing", () => {
    const workspace = new TwinWorkspace();
    try {
      workspace.apply({});
      // The state as the stack wrote it before these resources had count.
      for (const block of CREATED_CONNECTOR) workspace.stateMv(`${block}[0]`, block);
      expect(blocksOf(workspace.state())).toEqual(blocksOf(stateOf("default")));
      expect([...workspace.state().instances.keys()]).toEqual(expect.arrayContaining(CREATED_CONNECTOR));

      const changes = workspace.plan({});
      expect(actionsByAddress(changes, (actions) => actions.join() !== "no-op")).toEqual({});
      workspace.apply({});
      expect([...workspace.state().instances.keys()]).toEqual(
        expect.arrayContaining(CREATED_CONNECTOR.map((block) => `${block}[0]`)),
      );
      expect(workspace.state().outputs).toMatchObject({ voice_connector_id: CREATED, recorded_voice_connector_ids: [CREATED] });
    } finally {
      workspace.remove();
    }
  });
});

describe("switching between a created connector and given ones, on the same state", () => {
  const GIVEN = [A, B, C];
  let toGiven: PlannedChange[] = [];
  let afterGiven: AppliedState;
  let released: string[] = [];
  let backRefused = "";
  let oneRemovedRefused = "";
  let backAfterStateRm: PlannedChange[] = [];
  let afterBack: AppliedState;

  beforeAll(() => {
    const workspace = new TwinWorkspace();
    try {
      workspace.apply({});
      toGiven = workspace.plan(recording(GIVEN));
      workspace.apply(recording(GIVEN));
      afterGiven = workspace.state();
      released = Object.keys(workspace.provisionerRecords()).filter((file) =>
        file.startsWith("null_resource__phone_number.destroy."),
      );
      backRefused = workspace.planRefusal({});
      oneRemovedRefused = workspace.planRefusal(recording([A, B]));
      // As the README says: forget each given connector's streaming, which leaves it streaming as configured.
      workspace.stateRm(...GIVEN.map(givenStreaming));
      backAfterStateRm = workspace.plan({});
      workspace.apply({});
      afterBack = workspace.state();
    } finally {
      workspace.remove();
    }
  }, 120_000);

  describe("from the default (the test PBX on a created connector) to three given connectors", () => {
    it(
      "destroys the created connector with its streaming and logging, the PBX (instance, Elastic IP, network " +
        "interface, VPC, subnet, internet gateway, route table with its route and association, security group with its " +
        "ingress and egress rules, IAM role with its policy attachment, instance profile), the phone number (its SSM " +
        "parameter, and the null_resource whose destroy provisioner releases the number) and the trunk's origination " +
        "and termination",
      () => {
        const destroyed = Object.entries(actionsByAddress(toGiven, (actions) => actions.includes("delete")));
        // Deleted only, none replaced.
        expect(destroyed.filter(([, actions]) => actions !== "delete")).toEqual([]);
        const managed = (blocks: string[]) => blocks.filter((block) => !block.startsWith("data."));
        expect([...new Set(destroyed.map(([address]) => blockOf(address)))].sort()).toEqual(
          managed([...CREATED_CONNECTOR, ...PBX, ...PHONE_NUMBER, ...ORIGINATION, ...TERMINATION]).sort(),
        );
        expect(released).toHaveLength(1);
      },
    );

    it("creates each given connector's streaming, and nothing else", () => {
      expect(actionsByAddress(toGiven, (actions) => actions.includes("create"))).toEqual(
        Object.fromEntries(GIVEN.map((id) => [givenStreaming(id), "create"])),
      );
    });

    it("updates in place only what names the recorded connectors: both rules, both roles' policies and the function", () => {
      const resources = toGiven.filter((c) => !c.address.startsWith("output."));
      expect(actionsByAddress(resources, (actions) => actions.includes("update"))).toEqual({
        "aws_cloudwatch_event_rule.call_streams_ended": "update",
        "aws_cloudwatch_event_rule.pipeline_permanent_failure": "update",
        "aws_iam_role_policy.media_pipeline_access": "update",
        "aws_iam_role_policy.recorder": "update",
        "aws_lambda_function.recorder": "update",
      });
    });

    it("keeps the recordings bucket, the call table and the key untouched", () => {
      const kept = [
        "aws_s3_bucket.recordings[0]",
        "aws_dynamodb_table.calls",
        "aws_kms_key.recordings[0]",
        "aws_kms_key_policy.recordings[0]",
      ];
      expect(Object.fromEntries(kept.map((address) => [address, toGiven.find((c) => c.address === address)?.actions]))).toEqual(
        Object.fromEntries(kept.map((address) => [address, ["no-op"]])),
      );
    });

    it("ends with the resources of a fresh deployment of the given connectors", () => {
      expect(blocksOf(afterGiven)).toEqual(blocksOf(stateOf("three given connectors")));
      expect(afterGiven.outputs.recorded_voice_connector_ids).toEqual(GIVEN);
    });
  });

  describe("back to a created connector", () => {
    it("is refused at plan time: prevent_destroy keeps each given connector's streaming configuration", () => {
      expect(backRefused).toContain("Error: Instance cannot be destroyed");
      for (const id of GIVEN) {
        expect(backRefused).toContain(
          `Resource terraform_data.aws_chime_voice_connector_streaming__given["${id}"] has lifecycle.prevent_destroy set`,
        );
      }
    });

    it("as is removing one connector from the list, naming that connector only", () => {
      expect(oneRemovedRefused).toContain(
        `Resource terraform_data.aws_chime_voice_connector_streaming__given["${C}"] has lifecycle.prevent_destroy set`,
      );
      expect(oneRemovedRefused).not.toContain(`aws_chime_voice_connector_streaming__given["${A}"] has lifecycle`);
      expect(oneRemovedRefused).not.toContain(`aws_chime_voice_connector_streaming__given["${B}"] has lifecycle`);
    });

    it("destroys nothing once terraform state rm has forgotten the given streaming, and creates the connector, PBX, number and trunk again", () => {
      expect(actionsByAddress(backAfterStateRm, (actions) => actions.includes("delete"))).toEqual({});
      const created = new Set(
        backAfterStateRm
          .filter((c) => c.actions.includes("create") && !c.address.startsWith("output."))
          .map((c) => blockOf(c.address)),
      );
      const managedTelephony = TELEPHONY.filter((block) => !block.startsWith("data."));
      expect([...created].sort()).toEqual(managedTelephony.sort());
    });

    it("ends with the resources and outputs of a fresh default deployment", () => {
      expect(blocksOf(afterBack)).toEqual(blocksOf(stateOf("default")));
      expect(afterBack.outputs).toMatchObject({
        recorded_voice_connector_ids: [CREATED],
        voice_connector_id: CREATED,
        voice_connector_host: `${CREATED}.voiceconnector.chime.aws`,
      });
    });
  });
});
