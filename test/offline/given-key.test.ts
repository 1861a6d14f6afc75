import { stackTwin, TwinWorkspace } from "./terraform";

/**
 * A given kms_key_arn is read during the plan (data.aws_kms_key.given) and refused, naming the variable, when the
 * key could not serve. Real Terraform evaluates the postconditions on the provider-free twin, with the key's
 * attributes as AWS would report them.
 */

const GIVEN_KEY = "arn:aws:kms:us-east-1:123456789012:key/0000aaaa-11bb-22cc-33dd-444444eeeeee";

/** The twin, with the given key read as `key` (a partial DescribeKey answer). */
function twinWithKey(key: Record<string, unknown>) {
  // A copy: the stack's twin is shared by every workspace of this process.
  const twin = structuredClone(stackTwin());
  const data = (twin.json as any).data.terraform_remote_state.aws_kms_key__given;
  data.defaults = { ...data.defaults, ...key };
  return twin;
}

/** The plan's output, or the empty string when the plan passed. */
function planError(key: Record<string, unknown>, kmsKeyArn = GIVEN_KEY): string {
  const workspace = new TwinWorkspace(twinWithKey(key));
  try {
    workspace.plan({ kms_key_arn: kmsKeyArn, build_asterisk: false });
    return "";
  } catch (error) {
    return String((error as Error).message).replace(/\s+/g, " ");
  } finally {
    workspace.remove();
  }
}

describe("a given KMS key, read during the plan", () => {
  it("passes when it is a symmetric, enabled, customer managed key", () => {
    expect(planError({})).toBe("");
  });

  it("is refused when it is asymmetric", () => {
    expect(planError({ key_spec: "RSA_2048", key_usage: "SIGN_VERIFY" })).toContain(
      `kms_key_arn: ${GIVEN_KEY} is a RSA_2048 key for SIGN_VERIFY; S3, DynamoDB, SQS, SNS and CloudWatch Logs need a symmetric encryption key`,
    );
  });

  it("is refused when it is disabled or pending deletion", () => {
    expect(planError({ enabled: false, key_state: "PendingDeletion" })).toContain(
      `kms_key_arn: ${GIVEN_KEY} is PendingDeletion; enable the key (or cancel its deletion) before deploying.`,
    );
  });

  it("is refused when it is an AWS managed key", () => {
    expect(planError({ key_manager: "AWS" })).toContain(
      `kms_key_arn: ${GIVEN_KEY} is an AWS managed key, whose policy you cannot change`,
    );
  });

  it("is not read when the stack creates its key", () => {
    expect(planError({ key_state: "PendingDeletion" }, "")).toBe("");
  });
});

describe("the created key under RETAIN", () => {
  const retain = { removal_policy: "RETAIN", build_asterisk: false };
  let workspace: TwinWorkspace;

  beforeAll(() => {
    workspace = new TwinWorkspace();
    workspace.apply(retain);
  }, 60_000);

  afterAll(() => workspace.remove());

  it("cannot be swapped for a given key while the kept recordings need it", () => {
    expect(workspace.planRefusal({ ...retain, kms_key_arn: GIVEN_KEY })).toContain(
      "Resource terraform_data.retain_key[0] has lifecycle.prevent_destroy set",
    );
  });

  it("still allows changes that keep it", () => {
    expect(workspace.planRefusal({ ...retain, log_retention_days: 90 })).toBe("");
  });
});

describe("the created key under DESTROY", () => {
  it("may be swapped for a given key: the plan deletes it with no guard in the way", () => {
    const workspace = new TwinWorkspace();
    try {
      workspace.apply({ build_asterisk: false });
      const changes = workspace.plan({ build_asterisk: false, kms_key_arn: GIVEN_KEY });
      expect(changes.filter((c) => c.address.startsWith("aws_kms_key.recordings")).map((c) => c.actions)).toEqual([["delete"]]);
    } finally {
      workspace.remove();
    }
  }, 60_000);
});
