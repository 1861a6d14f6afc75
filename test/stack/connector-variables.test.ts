import { MAX_VOICE_CONNECTORS } from "../../stacks/connector/connector-variables";
import { synthesizeStack } from "../support/synth";
import { expectAccepted, type PlanResult, planVariables } from "../support/terraform-variables";

// The variables that record existing voice connectors, evaluated by real `terraform plan` against the
// synthesized validation rules. Terraform reports every failing rule of a plan at once, so each
// refusing plan below carries several cases and the tests assert its messages one by one.

// 22 lower-case letters and digits, as AWS documents voice connector ids.
const A = "aaaaco08s5m5esgxfskzks";
const B = "bfggco08s5m5esgxfskzks";
const C = "cccccccccc0123456789cc";
const D = "dddddddddd0123456789dd";
const CONFIGURATION = "arn:aws:chime:us-east-1:111122223333:media-insights-pipeline-configuration/LCA-config_1.0";
const CONFIGURATION_BY_ID =
  "arn:aws:chime:eu-central-1:111122223333:media-insights-pipeline-configuration/0b9d2a34-1c2e-4f5a-8b6c-7d8e9f0a1b2c";

/** What a plan must never print: a rule that failed to evaluate instead of refusing with its message. */
function expectOnlyRuleMessages({ output }: PlanResult): void {
  expect(output).not.toContain("Invalid index");
  expect(output).not.toContain("Attempt to get attribute from null value");
  expect(output).not.toContain("Validation error message expression is invalid");
  expect(output).not.toContain("Invalid function argument");
}

describe("voice_connector_ids", () => {
  it("accepts one connector without the PBX", () => {
    expectAccepted({ voice_connector_ids: [B], build_asterisk: false });
  });

  it("accepts three connectors with what their streaming configurations hold, imported, in eu-central-1", () => {
    expectAccepted({
      region: "eu-central-1",
      build_asterisk: false,
      voice_connector_ids: [A, B, C],
      voice_connector_streaming: {
        [A]: { notification_targets: ["SNS", "SQS"], media_insights_configuration_arn: CONFIGURATION, data_retention_hours: 48 },
        [B]: { notification_targets: ["SQS"], media_insights_configuration_arn: CONFIGURATION_BY_ID },
        [C]: { data_retention_hours: 0 },
      },
      import_voice_connector_streaming: true,
    });
  });

  it(`accepts ${MAX_VOICE_CONNECTORS} connectors`, () => {
    const ten = Array.from({ length: MAX_VOICE_CONNECTORS }, (_, i) => `${"x".repeat(20)}${String(i).padStart(2, "0")}`);
    expectAccepted({ voice_connector_ids: ten, build_asterisk: false });
  });

  // Terraform skips the rules of a variable whose rules read another variable that failed its own, so
  // siprec_cidrs, which build_asterisk = true refuses on its own, is planned apart.
  describe("refuses, in one plan", () => {
    const malformed = [
      "bfggco08s5m5esgxfskzk*", // a wildcard in IAM ARNs and event patterns
      "bfggco08s5m5/sgxfskzks", // a path separator in an ARN
      "bfggco08s5m5 sgxfskzks",
      "BFGGCO08S5M5ESGXFSKZKS",
      "bfggco08s5m5esgxfskzk", // 21 characters
      "bfggco08s5m5esgxfskzkss", // 23 characters
      "bfggco08s5m5esgxfskz?s",
      "",
    ];
    let plan: PlanResult;
    beforeAll(() => {
      plan = planVariables({
        voice_connector_ids: [B, ...malformed, C, B],
        // build_asterisk left at its default, true
        softphone_cidrs: ["198.51.100.7/32"],
      });
    });

    it("is refused without a rule failing to evaluate", () => {
      expect(plan.ok).toBe(false);
      expectOnlyRuleMessages(plan);
    });

    it("ids that are not 22 lower-case letters and digits (*, /, a space, upper case, 21 or 23 characters, ?, empty), naming exactly those", () => {
      expect(plan.output).toContain(
        `voice_connector_ids: ${JSON.stringify(malformed)} are not voice connector ids; give each as its 22 lower-case letters and digits, e.g. "bfggco08s5m5esgxfskzks" (an id becomes part of IAM ARNs and event patterns, so no wildcards, "/" or spaces).`,
      );
    });

    it("an id listed twice, naming it", () => {
      expect(plan.output).toContain(`voice_connector_ids: ["${B}"] are listed more than once; list each connector once.`);
    });

    it("the test PBX (build_asterisk's default), naming both variables", () => {
      expect(plan.output).toContain(
        "voice_connector_ids: the test PBX needs a connector this stack creates; set build_asterisk = false (its default is true) to record existing connectors.",
      );
    });

    it("softphone_cidrs, naming both variables and the CIDRs", () => {
      expect(plan.output).toContain(
        `voice_connector_ids: a softphone (softphone_cidrs ["198.51.100.7/32"]) registers with the test PBX, which needs a connector this stack creates; set softphone_cidrs = [] to record existing connectors.`,
      );
    });
  });

  it("refuses siprec_cidrs, naming both variables and the CIDRs", () => {
    const plan = planVariables({ voice_connector_ids: [B], build_asterisk: false, siprec_cidrs: ["100.128.0.0/27"] });
    expect(plan.ok).toBe(false);
    expect(plan.output).toContain(
      `voice_connector_ids: a SIPREC trunk (siprec_cidrs ["100.128.0.0/27"]) is configured on a connector this stack creates, and with voice_connector_ids it creates none; set siprec_cidrs = [] and allow your SBCs in each given connector's own termination settings.`,
    );
  });

  it(`refuses ${MAX_VOICE_CONNECTORS + 1} connectors, saying why`, () => {
    const eleven = Array.from({ length: MAX_VOICE_CONNECTORS + 1 }, (_, i) => `${"x".repeat(20)}${String(i).padStart(2, "0")}`);
    const plan = planVariables({ voice_connector_ids: eleven, build_asterisk: false });
    expect(plan.ok).toBe(false);
    expect(plan.output).toContain(
      `voice_connector_ids: ${MAX_VOICE_CONNECTORS + 1} connectors given; at most ${MAX_VOICE_CONNECTORS}, since each adds its streams to the recorder's IAM policies, which AWS limits to 10,240 characters per role.`,
    );
  });

  it("keeps each role's inline policies within IAM's 10,240 characters with the most connectors", () => {
    // Each id adds its stream ARN (98 characters in eu-central-1), quoted and comma-separated, to two statements per role.
    const streamArn = `arn:aws:kinesisvideo:eu-central-1:111122223333:stream/ChimeVoiceConnector-${B}-*`;
    expect(streamArn).toHaveLength(98);
    const perConnector = 2 * (streamArn.length + 3);
    const config = synthesizeStack();
    const byRole = new Map<string, number>();
    for (const policy of Object.values(config.resource.aws_iam_role_policy ?? {})) {
      // The reconciler's role grants per connector folders, not streams: test/reconciliation checks its budget.
      if (policy.role === "${aws_iam_role.reconciler.id}") continue;
      const size = JSON.stringify(JSON.parse(String(policy.policy))).length;
      byRole.set(String(policy.role), (byRole.get(String(policy.role)) ?? 0) + size);
    }
    expect(byRole.size).toBe(2);
    // At most half the budget as synthesized: the other half is for names and key prefixes (up to 200 characters,
    // several times) once resolved, and for statements to come. If this fails, lower MAX_VOICE_CONNECTORS.
    for (const size of byRole.values()) expect(size + MAX_VOICE_CONNECTORS * perConnector).toBeLessThanOrEqual(10240 / 2);
  });
});

describe("voice_connector_streaming", () => {
  it("accepts a listed connector with only SNS", () => {
    expectAccepted({
      voice_connector_ids: [B],
      build_asterisk: false,
      voice_connector_streaming: { [B]: { notification_targets: ["SNS"] } },
    });
  });

  it("refuses an entry without connectors to record", () => {
    const plan = planVariables({ voice_connector_streaming: { [B]: {} } });
    expect(plan.ok).toBe(false);
    expect(plan.output).toContain(
      `voice_connector_streaming: ["${B}"] are not in voice_connector_ids []; key each entry by one of the connectors in voice_connector_ids.`,
    );
  });

  describe("refuses, in one plan", () => {
    const UNLISTED = "eeeeeeeeee0123456789ee";
    const NULLED = "ffffffffff0123456789ff";
    const badArns: Record<string, string> = {
      [B]: "arn:aws:chime:us-east-1:111122223333:voice-connector/bfggco08s5m5esgxfskzks",
      [C]: "LCA-config",
      [D]: "arn:aws:chime:us-east-1:1111:media-insights-pipeline-configuration/LCA",
    };
    let plan: PlanResult;
    beforeAll(() => {
      plan = planVariables({
        build_asterisk: false,
        data_retention_hours: 72,
        voice_connector_ids: [A, B, C, D, NULLED],
        voice_connector_streaming: {
          [A]: { notification_targets: ["EventBridge", "SNS"], data_retention_hours: 4 },
          [B]: {
            notification_targets: ["Lambda", "SQS"],
            media_insights_configuration_arn: badArns[B],
            data_retention_hours: 48,
          },
          [C]: { media_insights_configuration_arn: badArns[C], data_retention_hours: 12.5 },
          [D]: { media_insights_configuration_arn: badArns[D], data_retention_hours: 72 },
          [NULLED]: null,
          [UNLISTED]: {},
        },
      });
    });

    it("is refused without a rule failing to evaluate", () => {
      expect(plan.ok).toBe(false);
      expectOnlyRuleMessages(plan);
    });

    it("an entry for a connector not in voice_connector_ids", () => {
      expect(plan.output).toContain(
        `voice_connector_streaming: ["${UNLISTED}"] are not in voice_connector_ids ${JSON.stringify([A, B, C, D, NULLED])}; key each entry by one of the connectors in voice_connector_ids.`,
      );
    });

    it("a null entry", () => {
      expect(plan.output).toContain(
        `voice_connector_streaming: ["${NULLED}"] are null; give each connector an object, {} when its streaming configuration holds nothing to keep.`,
      );
    });

    it("notification targets other than SNS and SQS (EventBridge, Lambda), naming them and their connectors", () => {
      expect(plan.output).toContain(
        `voice_connector_streaming: ["EventBridge"] in ${A}, ["Lambda"] in ${B} are not notification targets to carry over; list only "SNS" and "SQS" in notification_targets (EventBridge is always on, for the recorder).`,
      );
    });

    it("what is not a media insights pipeline configuration ARN", () => {
      const named = [B, C, D].map((id) => `"${badArns[id]}" in ${id}`).join(", ");
      expect(plan.output).toContain(
        `voice_connector_streaming: ${named} are not media insights pipeline configuration ARNs; set media_insights_configuration_arn to arn:aws:chime:<region>:<account>:media-insights-pipeline-configuration/<name or id>, or "" for none.`,
      );
    });

    it("a retention outside data_retention_hours' range (under 8, not whole)", () => {
      expect(plan.output).toContain(
        `voice_connector_streaming: 4 hours in ${A}, 12.5 hours in ${C} are out of range; set data_retention_hours to a whole number of hours from 8 to 87600, or 0 to use the variable data_retention_hours.`,
      );
    });

    it("a retention shorter than data_retention_hours, and only that one", () => {
      expect(plan.output).toContain(
        `voice_connector_streaming: 48 hours in ${B} are shorter than data_retention_hours = 72, which the recorder needs to make and retry its recordings; set each data_retention_hours to at least the variable data_retention_hours, or 0 to use it.`,
      );
    });
  });
});

describe("import_voice_connector_streaming", () => {
  it("is off by default", () => {
    expect(synthesizeStack().variable.import_voice_connector_streaming).toMatchObject({ type: "bool", default: false });
  });
});
