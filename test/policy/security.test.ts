import { synthesizeStack } from "../support/synth";
import { BAD_FIXTURES, GOOD_BUCKET, GOOD_KEY } from "./fixtures";
import { findPolicies, fromPolicyDocument } from "./policies";
import { RESOURCE_STAR_ACTIONS, RULES } from "./rules";
import { resourcesOf, type TerraformConfig } from "./terraform-config";

const config = synthesizeStack() as unknown as TerraformConfig;
const ruleById = new Map(RULES.map((r) => [r.id, r]));

describe("security rules over the synthesized configuration", () => {
  it.each(RULES.map((r) => [r.id, r] as const))("%s", (_id, rule) => {
    // An empty list, or the violations naming resource and rule: `type.name: [rule] what`.
    expect(rule.check(config)).toEqual([]);
  });

  it("finds and reads every policy attribute of the IAM roles, role policies, bucket and queue policies", () => {
    const policies = findPolicies(config);
    const holders = [
      ...resourcesOf(config, "aws_iam_role").map((b) => `${b.address} assume_role_policy`),
      ...[
        "aws_iam_role_policy",
        "aws_iam_policy",
        "aws_s3_bucket_policy",
        "aws_sqs_queue_policy",
        "aws_sns_topic_policy",
      ].flatMap((type) => resourcesOf(config, type).map((b) => `${b.address} policy`)),
    ];
    expect(holders.length).toBeGreaterThanOrEqual(6);
    expect(policies.map((p) => `${p.address} ${p.attribute}`)).toEqual(expect.arrayContaining(holders));
    // Each holder yields at least one statement: nothing is silently skipped.
    for (const holder of holders) {
      const statements = policies.filter((p) => `${p.address} ${p.attribute}` === holder).flatMap((p) => p.statements);
      expect({ holder, readable: statements.length > 0 }).toEqual({ holder, readable: true });
    }
  });

  it('explains every action allowed on Resource "*"', () => {
    for (const [action, reason] of Object.entries(RESOURCE_STAR_ACTIONS)) {
      expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      expect(reason.length).toBeGreaterThan(20);
    }
  });
});

describe("every rule can fail", () => {
  it.each(BAD_FIXTURES.map((f) => [f.rule, f.title, f] as const))("%s catches %s", (ruleId, _title, fixture) => {
    const rule = ruleById.get(ruleId);
    expect(rule).toBeDefined();
    const violations = rule!.check(fixture.config);
    expect(violations).toContainEqual(expect.stringContaining(`${fixture.address}: [${ruleId}] `));
  });

  it("has a failing fixture for every rule", () => {
    const covered = new Set(BAD_FIXTURES.map((f) => f.rule));
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it("passes a correctly hardened bucket, so the bucket fixtures fail for the one thing each breaks", () => {
    expect(RULES.flatMap((r) => r.check(GOOD_BUCKET))).toEqual([]);
  });

  it("passes a correctly scoped key, so the key fixtures fail for the one thing each breaks", () => {
    expect(RULES.flatMap((r) => r.check(GOOD_KEY))).toEqual([]);
  });

  it("lets Deny statements use wildcards (the TLS-only bucket policy denies s3:*)", () => {
    expect(ruleById.get("iam-no-action-wildcards")!.check(GOOD_BUCKET)).toEqual([]);
  });

  it("reads data.aws_iam_policy_document statements as IAM JSON", () => {
    expect(
      fromPolicyDocument({
        statement: [
          {
            sid: "S",
            actions: ["s3:GetObject"],
            resources: ["arn:aws:s3:::b/*"],
            principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
            condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }],
          },
        ],
      }),
    ).toEqual([
      {
        Sid: "S",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: ["arn:aws:s3:::b/*"],
        Principal: { Service: ["lambda.amazonaws.com"] },
        Condition: { StringEquals: { "aws:SourceAccount": ["123456789012"] } },
      },
    ]);
  });
});
