import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CREATED_BUCKET,
  CREATED_CONNECTOR,
  CREATED_KEY,
  GIVEN_KEY_READ,
  GIVEN_STREAMING,
  OBJECT_LOCK,
  PBX,
  RETAIN_GUARD,
  TERMINATION,
} from "../offline/stack-blocks";
import { type AppliedState, appliedStackTwin, blocksOf } from "../offline/terraform";
import { synthesizeStack } from "../support/synth";
import { ROOT } from "./support/doc-pages";

// examples/: one tfvars file per common setup, each explained by its own comments. Each passes
// `npm run check:tfvars` (every variable declared, every value within the rules), and its values,
// as Terraform reads the file, are applied to the provider-free twin of the stack
// (test/offline/twin.ts), which deploys what the example says it does. Every example but the
// test PBX is a production setup and keeps its recordings on destroy.

jest.setTimeout(300_000);

const EXAMPLES = fs
  .readdirSync(path.join(ROOT, "examples"))
  .filter((file) => file.endsWith(".tfvars"))
  .sort();
const TEST_SETUPS = ["test-pbx.tfvars"];
/** What an operator sets in the SIPREC example: public ranges standing for their SBCs. */
const SBCS_SET = 'siprec_cidrs=["100.128.0.0/28", "100.128.0.32/32"]';
/** Values a shipped example leaves for the operator to set, refusing itself until they are. */
const OPERATOR_SETS: Record<string, string[]> = { "siprec-from-an-sbc.tfvars": [SBCS_SET] };

interface Checked {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run check:tfvars -- <file> [--var ...]`, as scripts/check-tfvars.mjs runs it; several at once. */
function checkTfvars(file: string, vars: string[] = []): Promise<Checked> {
  const args = [path.join(ROOT, "scripts", "check-tfvars.mjs"), file, ...vars.flatMap((v) => ["--var", v])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, INIT_CWD: ROOT } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Every variable's value as Terraform reads a tfvars file: the synthesized variables alone, applied offline. */
function valuesOf(dir: string, file: string, vars: string[] = []): Record<string, unknown> {
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: path.join(dir, "terraformrc"),
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
  };
  const run = (args: string[]) => {
    const result = spawnSync("terraform", args, { cwd: dir, env, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`terraform ${args[0]} failed:\n${result.stdout}${result.stderr}`);
    return result.stdout;
  };
  const state = path.join(dir, `${path.basename(file)}.tfstate`);
  run([
    "apply",
    "-auto-approve",
    "-input=false",
    "-no-color",
    "-lock=false",
    `-state=${state}`,
    `-var-file=${file}`,
    ...vars.map((v) => `-var=${v}`),
  ]);
  return JSON.parse(run(["output", "-json", `-state=${state}`, "values"]));
}

const checked = new Map<string, { shipped: Checked; set?: Checked }>();
const values = new Map<string, Record<string, unknown>>();
const applied = new Map<string, AppliedState>();
let work: string;

beforeAll(async () => {
  const results = await Promise.all(
    EXAMPLES.map(async (file) => {
      const example = path.join(ROOT, "examples", file);
      const vars = OPERATOR_SETS[file];
      const [shipped, set] = await Promise.all([checkTfvars(example), vars ? checkTfvars(example, vars) : undefined]);
      return [file, { shipped, set }] as const;
    }),
  );
  for (const [file, result] of results) checked.set(file, result);

  work = fs.mkdtempSync(path.join(os.tmpdir(), "examples-"));
  const config = synthesizeStack();
  const names = Object.keys(config.variable);
  fs.writeFileSync(path.join(work, "terraformrc"), "");
  fs.writeFileSync(
    path.join(work, "main.tf.json"),
    JSON.stringify({
      terraform: { required_version: ">= 1.9" },
      variable: config.variable,
      output: { values: { value: Object.fromEntries(names.map((n) => [n, `\${var.${n}}`])) } },
    }),
  );
  const init = spawnSync("terraform", ["init", "-input=false", "-no-color"], {
    cwd: work,
    env: { ...process.env, TF_CLI_CONFIG_FILE: path.join(work, "terraformrc") },
    encoding: "utf8",
  });
  if (init.status !== 0) throw new Error(`terraform init failed: ${init.stdout}${init.stderr}`);
  for (const file of EXAMPLES) {
    const read = valuesOf(work, path.join(ROOT, "examples", file), OPERATOR_SETS[file]);
    values.set(file, read);
    applied.set(file, appliedStackTwin(read));
  }
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const valuesFor = (file: string): Record<string, unknown> => {
  const found = values.get(file);
  if (!found) throw new Error(`${file} was not read`);
  return found;
};
const blocks = (file: string): string[] => {
  const state = applied.get(file);
  if (!state) throw new Error(`${file} was not applied`);
  return blocksOf(state);
};

describe("examples/", () => {
  it("hold the common setups", () => {
    expect(EXAMPLES).toEqual([
      "compliance.tfvars",
      "existing-voice-connectors.tfvars",
      "post-call-analytics.tfvars",
      "siprec-from-an-sbc.tfvars",
      "test-pbx.tfvars",
    ]);
  });

  it.each(EXAMPLES)("%s opens with comments that say what it sets up, and explains every setting", (file) => {
    const text = fs.readFileSync(path.join(ROOT, "examples", file), "utf8");
    expect(
      text
        .split("\n")
        .slice(0, 3)
        .every((line) => line.startsWith("# ")),
    ).toBe(true);
    // Settings come in groups separated by blank lines; each group says why in a comment.
    const unexplained = text
      .split(/\n\s*\n/)
      .filter((group) => /^[a-z_]+\s*=/m.test(group) && !/^\s*#/m.test(group))
      .map((group) => group.trim());
    expect(unexplained).toEqual([]);
  });

  it.each(EXAMPLES.filter((file) => !OPERATOR_SETS[file]))("%s passes `npm run check:tfvars` as shipped", (file) => {
    expect(checked.get(file)?.shipped).toEqual({
      status: 0,
      stdout: `check:tfvars: ${path.join(ROOT, "examples", file).slice(ROOT.length + 1)}: every variable is declared and every value passes the variable rules\n`,
      stderr: "",
    });
  });

  it("the SIPREC example refuses itself until the SBCs' own ranges are set, then passes `npm run check:tfvars`", () => {
    const { shipped, set } = checked.get("siprec-from-an-sbc.tfvars") ?? {};
    expect(shipped?.status).toBe(1);
    expect(shipped?.stderr).toContain("set siprec_cidrs to the public IPv4 ranges your SBCs send SIPREC from.");
    expect(set).toMatchObject({ status: 0, stderr: "" });
  });

  it.each(EXAMPLES.filter((file) => !TEST_SETUPS.includes(file)))(
    "%s, a production setup, keeps its recordings on destroy",
    (file) => {
      expect(valuesFor(file).removal_policy).toBe("RETAIN");
    },
  );

  it("the test PBX says destroy deletes its recordings: DESTROY, with an expiry", () => {
    expect(valuesFor("test-pbx.tfvars")).toMatchObject({ removal_policy: "DESTROY", build_asterisk: true });
    expect(valuesFor("test-pbx.tfvars").recording_retention_days).toBeGreaterThan(0);
  });
});

describe("each example applied on the provider-free twin", () => {
  it("test PBX: the PBX, its number and the created connector; no RETAIN guard", () => {
    expect(blocks("test-pbx.tfvars")).toEqual(expect.arrayContaining([...PBX, ...CREATED_CONNECTOR, ...CREATED_BUCKET]));
    expect(blocks("test-pbx.tfvars").filter((b) => RETAIN_GUARD.includes(b))).toEqual([]);
  });

  it("SIPREC: a termination admitting the SBCs, no PBX, the bucket guarded", () => {
    const state = applied.get("siprec-from-an-sbc.tfvars");
    expect(blocks("siprec-from-an-sbc.tfvars")).toEqual(expect.arrayContaining([...TERMINATION, ...RETAIN_GUARD]));
    expect(blocks("siprec-from-an-sbc.tfvars").filter((b) => PBX.includes(b))).toEqual([]);
    expect(state?.instances.get("aws_chime_voice_connector_termination.recorded[0]")?.cidr_allow_list).toEqual(
      expect.arrayContaining(["100.128.0.0/28", "100.128.0.32/32"]),
    );
  });

  it("existing connectors: streaming on the given connector, no connector created", () => {
    expect(blocks("existing-voice-connectors.tfvars")).toEqual(expect.arrayContaining(GIVEN_STREAMING));
    expect(blocks("existing-voice-connectors.tfvars").filter((b) => CREATED_CONNECTOR.includes(b))).toEqual([]);
    expect(applied.get("existing-voice-connectors.tfvars")?.outputs.recorded_voice_connector_ids).toEqual([
      "abcdefghij0123456789ab",
    ]);
  });

  it("Post Call Analytics: no bucket created, recordings under PCA's prefix with the file names PCA parses", () => {
    const state = applied.get("post-call-analytics.tfvars");
    expect(blocks("post-call-analytics.tfvars").filter((b) => CREATED_BUCKET.includes(b))).toEqual([]);
    expect(state?.outputs.recording_location).toBe("s3://pca-input-bucket-name/originalAudio/");
    expect(valuesFor("post-call-analytics.tfvars").recording_file_name).toContain("_GUID_{callId}_");
  });

  it("compliance: the given key read instead of a key created, Object Lock on the bucket, the do-not-record list", () => {
    const state = applied.get("compliance.tfvars");
    expect(blocks("compliance.tfvars")).toEqual(
      expect.arrayContaining([...GIVEN_KEY_READ, ...OBJECT_LOCK, "terraform_data.retain_recordings"]),
    );
    expect(blocks("compliance.tfvars").filter((b) => CREATED_KEY.includes(b))).toEqual([]);
    const list = state?.instances.get("aws_ssm_parameter.do_not_record_numbers");
    expect(JSON.parse(String(list?.value ?? list?.insecure_value ?? "[]"))).toEqual(["+12065550100", "+12065550101"]);
  });
});
