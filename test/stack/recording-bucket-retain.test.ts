import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { awsSandbox, commandPath } from "../support/aws-sandbox";
import { synthesizeStack } from "../support/synth";

// removal_policy, applied and destroyed by real Terraform offline: the created bucket and its
// protections become provider-free twins (terraform_data with the same count, dependencies and
// replacement trigger), and the RETAIN guard is used exactly as synthesized, references rewritten.

const config = synthesizeStack();
const root = path.resolve(__dirname, "..", "..");
const BUCKET_TYPES = Object.keys(config.resource).filter((type) => type.startsWith("aws_s3_bucket"));
const GUARD = "terraform_data.retain_recordings";
/** Created only with recording_lock_mode. */
const LOCK_TYPES = ["aws_s3_bucket_versioning", "aws_s3_bucket_object_lock_configuration"];

/** The address a bucket resource's twin has: `terraform_data.<type>__recordings`. */
const twinOf = (type: string): string => `terraform_data.${type}__recordings`;

/** Rewrites references to the bucket resources and the caller identity into the twin's. */
function rewrite<T>(value: T): T {
  const json = JSON.stringify(value)
    .replace(/\b(aws_s3_bucket[a-z_]*)\.recordings\b/g, (_m, type: string) => twinOf(type))
    .replace(/\bdata\.aws_caller_identity\.current\.account_id\b/g, "local.account_id");
  return JSON.parse(json) as T;
}

function twinConfiguration(): Record<string, unknown> {
  const guard = config.resource.terraform_data?.retain_recordings;
  const twins = Object.fromEntries(
    BUCKET_TYPES.map((type) => {
      const { count, bucket, depends_on, object_lock_enabled, lifecycle } = config.resource[type].recordings as Record<
        string,
        any
      >;
      // A change of the bucket's name or Object Lock setting replaces the bucket, unless the change is ignored; every
      // other resource names it.
      const ignored: string[] = (lifecycle?.ignore_changes ?? []).map((argument: string) => `triggers_replace.${argument}`);
      const twin =
        type === "aws_s3_bucket"
          ? {
              count,
              triggers_replace: { bucket, object_lock_enabled },
              ...(ignored.length > 0 ? { lifecycle: { ignore_changes: ignored } } : {}),
            }
          : { count, input: bucket, depends_on };
      return [`${type}__recordings`, rewrite(Object.fromEntries(Object.entries(twin).filter(([, v]) => v !== undefined)))];
    }),
  );
  return {
    terraform: { required_version: ">= 1.9" },
    variable: config.variable,
    locals: { account_id: "123456789012" },
    // Absent before the fix: then the tests show what destroy did without it.
    resource: { terraform_data: { ...twins, ...(guard ? { retain_recordings: rewrite(guard) } : {}) } },
  };
}

interface Run {
  readonly ok: boolean;
  readonly output: string;
}

/** What the blocks of docs/operations.md run. */
const TOOLS = { bash: commandPath("bash"), terraform: commandPath("terraform") };

class TwinDeployment {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "retain-twin-"));
  // The documented commands run as an operator types them: with only these tools, and anything aimed at AWS dead-ended.
  private readonly sandbox = awsSandbox(TOOLS);
  private readonly env: NodeJS.ProcessEnv;

  constructor() {
    fs.writeFileSync(path.join(this.dir, "main.tf.json"), JSON.stringify(twinConfiguration(), null, 2));
    fs.writeFileSync(path.join(this.dir, "terraformrc"), "");
    this.env = {
      ...this.sandbox.env,
      TF_CLI_CONFIG_FILE: path.join(this.dir, "terraformrc"),
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
    };
    const init = this.terraform("init", "-input=false");
    if (!init.ok) throw new Error(`terraform init failed: ${init.output}`);
  }

  terraform(...args: string[]): Run {
    return this.shell("terraform", args);
  }

  /** Runs a command line as an operator would type it, in the stack folder. */
  shell(command: string, args: string[] = []): Run {
    const result = spawnSync(args.length > 0 ? command : "bash", args.length > 0 ? args : ["-euo", "pipefail", "-c", command], {
      cwd: this.dir,
      env: this.env,
      encoding: "utf8",
    });
    if (result.error) throw result.error;
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.replace(/\s+/g, " ") };
  }

  apply(tfvars: Record<string, unknown>): Run {
    return this.terraform("apply", "-auto-approve", "-input=false", "-no-color", ...varArgs(tfvars));
  }

  destroy(tfvars: Record<string, unknown>, ...extra: string[]): Run {
    return this.terraform("destroy", "-auto-approve", "-input=false", "-no-color", ...varArgs(tfvars), ...extra);
  }

  /** The addresses in state, sorted. */
  state(): string[] {
    const list = this.terraform("state", "list");
    return list.output.split(" ").filter(Boolean).sort();
  }

  applied(tfvars: Record<string, unknown>): this {
    const result = this.apply(tfvars);
    if (!result.ok) throw new Error(`terraform apply failed: ${result.output}`);
    return this;
  }

  remove(): void {
    this.sandbox.remove();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

const varArgs = (tfvars: Record<string, unknown>): string[] =>
  Object.entries(tfvars).map(([k, v]) => `-var=${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);

const deployments: TwinDeployment[] = [];
const deploy = (tfvars: Record<string, unknown>): TwinDeployment => {
  const deployment = new TwinDeployment();
  deployments.push(deployment);
  return deployment.applied(tfvars);
};
afterAll(() => {
  for (const d of deployments) d.remove();
});

/** Every created bucket resource (the lock's with a lock), with the guard when the policy keeps the bucket. */
const bucketAddresses = (withGuard: boolean, locked = false): string[] =>
  [
    ...BUCKET_TYPES.filter((type) => locked || !LOCK_TYPES.includes(type)).map((type) => `${twinOf(type)}[0]`),
    ...(withGuard ? [`${GUARD}[0]`] : []),
  ].sort();

const retain = { removal_policy: "RETAIN", recording_retention_days: 30 };

describe("removal_policy RETAIN", () => {
  it("creates the guard with the bucket and every protection", () => {
    expect(deploy(retain).state()).toEqual(bucketAddresses(true));
  });

  it.each(["RETAIN", "SNAPSHOT"])("%s: destroy fails before anything is deleted, naming the guard", (policy) => {
    const deployment = deploy({ ...retain, removal_policy: policy });
    const result = deployment.destroy({ ...retain, removal_policy: policy });
    expect(result.ok).toBe(false);
    expect(result.output).toContain(`Resource ${GUARD}[0] has lifecycle.prevent_destroy set`);
    expect(deployment.state()).toEqual(bucketAddresses(true));
  });

  it("refuses a targeted destroy of one protection", () => {
    const deployment = deploy(retain);
    const result = deployment.destroy(retain, `-target=${twinOf("aws_s3_bucket_public_access_block")}`);
    expect(result.ok).toBe(false);
    expect(deployment.state()).toEqual(bucketAddresses(true));
  });

  it("refuses a change that would replace the bucket", () => {
    const deployment = deploy(retain);
    const result = deployment.apply({ ...retain, name_prefix: "call-recorder-two" });
    expect(result.ok).toBe(false);
    expect(result.output).toContain(`Resource ${GUARD}[0] has lifecycle.prevent_destroy set`);
    expect(deployment.state()).toEqual(bucketAddresses(true));
  });

  it("refuses switching to an existing output_bucket, which would delete the created one", () => {
    const deployment = deploy(retain);
    expect(deployment.apply({ ...retain, output_bucket: "pca-input-bucket" }).ok).toBe(false);
    expect(deployment.state()).toEqual(bucketAddresses(true));
  });

  it("still allows changing a protection in place, e.g. the expiry", () => {
    const deployment = deploy(retain);
    expect(deployment.apply({ ...retain, recording_retention_days: 90 }).ok).toBe(true);
  });

  it("guards nothing when recordings go to an existing output_bucket", () => {
    const deployment = deploy({ ...retain, output_bucket: "pca-input-bucket" });
    expect(deployment.state()).toEqual([]);
    expect(deployment.destroy({ ...retain, output_bucket: "pca-input-bucket" }).ok).toBe(true);
  });
});

describe("Object Lock under RETAIN", () => {
  const locked = { ...retain, recording_lock_mode: "COMPLIANCE", recording_lock_days: 30 };

  it.each(["GOVERNANCE", "COMPLIANCE"])(
    "%s adds versioning and the lock, both guarded: destroy fails before anything is deleted",
    (mode) => {
      const deployment = deploy({ ...locked, recording_lock_mode: mode });
      expect(deployment.state()).toEqual(bucketAddresses(true, true));
      const result = deployment.destroy({ ...locked, recording_lock_mode: mode });
      expect(result.output).toContain(`Resource ${GUARD}[0] has lifecycle.prevent_destroy set`);
      expect(deployment.state()).toEqual(bucketAddresses(true, true));
    },
  );

  it("refuses a targeted destroy of the lock", () => {
    const deployment = deploy(locked);
    expect(deployment.destroy(locked, `-target=${twinOf("aws_s3_bucket_object_lock_configuration")}`).ok).toBe(false);
    expect(deployment.state()).toEqual(bucketAddresses(true, true));
  });

  it("turns the lock on for a deployed bucket in place, adding versioning and the lock to the kept bucket", () => {
    const deployment = deploy(retain);
    expect(deployment.apply(locked).ok).toBe(true);
    expect(deployment.state()).toEqual(bucketAddresses(true, true));
  });

  it("turns it on in place after DESTROY too, so the switch to RETAIN with a lock never replaces (empties) the bucket", () => {
    const deployment = deploy({ recording_retention_days: 30 });
    const result = deployment.apply(locked);
    expect(result.output).toContain("Plan: 3 to add, 0 to change, 0 to destroy.");
    expect(deployment.state()).toEqual(bucketAddresses(true, true));
  });
});

describe("removal_policy DESTROY", () => {
  it("has no guard, and destroy deletes the bucket and its protections", () => {
    const deployment = deploy({ recording_retention_days: 30 });
    expect(deployment.state()).toEqual(bucketAddresses(false));
    expect(deployment.destroy({ recording_retention_days: 30 }).ok).toBe(true);
    expect(deployment.state()).toEqual([]);
  });
});

describe("the ways out of RETAIN in docs/operations.md, run as written", () => {
  const page = fs.readFileSync(path.join(root, "docs", "operations.md"), "utf8");
  /** The first sh block after the sentence starting with `marker`, run in the stack folder, addresses as in the twin. */
  const documented = (marker: string): string => {
    const match = page.match(new RegExp(`${marker}[^\`]*\`\`\`sh\\n([\\s\\S]*?)\`\`\``));
    if (!match) throw new Error(`docs/operations.md has no sh block after "${marker}"`);
    return rewrite(match[1].replace(/^cd cdktf\.out\/stacks\/call-recorder\n/m, "").trim());
  };

  it("runs them where nothing can reach AWS: only terraform and bash on PATH, dummy credentials, endpoints dead-ended", () => {
    const deployment = deploy(retain);
    const seen = deployment.shell(
      'echo "$PATH $AWS_ACCESS_KEY_ID $AWS_ENDPOINT_URL $HTTPS_PROXY $AWS_EC2_METADATA_DISABLED"; cd "$PATH" && echo *; echo "$(<"$AWS_SHARED_CREDENTIALS_FILE")"',
    );
    expect(seen.output).toMatch(
      /^\S+\/bin test http:\/\/127\.0\.0\.1:9 http:\/\/127\.0\.0\.1:9 true bash terraform \[default\] aws_access_key_id = test/,
    );
  });

  it("keeping the bucket: forgetting it and its protections lets destroy remove the rest", () => {
    const deployment = deploy(retain);
    const forget = deployment.shell(documented("To destroy everything else and keep the bucket"));
    expect(forget).toMatchObject({ ok: true });
    expect(deployment.state()).toEqual([]);
    expect(deployment.destroy(retain).ok).toBe(true);
  });

  it("deleting the bucket too: forgetting the guard lets the switch to DESTROY apply, then destroy", () => {
    const deployment = deploy(retain);
    expect(deployment.shell(documented("To delete the bucket and its recordings as well")).ok).toBe(true);
    expect(deployment.apply({ ...retain, removal_policy: "DESTROY" }).ok).toBe(true);
    expect(deployment.destroy({ ...retain, removal_policy: "DESTROY" }).ok).toBe(true);
    expect(deployment.state()).toEqual([]);
  });
});
