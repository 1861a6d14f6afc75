import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TFVARS_EXAMPLE } from "../../scripts/docs/render";
import { synthesizeStack } from "../support/synth";

// The tfvars files that ship are planned by real Terraform against the synthesized variable
// blocks alone (no provider, so offline): every value passes validation and every name is declared.

const root = path.resolve(__dirname, "..", "..");
const config = synthesizeStack();
const names = Object.keys(config.variable);

let workDir: string;

function terraform(args: string[]): { ok: boolean; output: string } {
  const result = spawnSync("terraform", args, {
    cwd: workDir,
    encoding: "utf8",
    env: {
      ...process.env,
      TF_CLI_CONFIG_FILE: path.join(workDir, "terraformrc"),
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
    },
  });
  if (result.error) throw result.error;
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.replace(/\s+/g, " ") };
}

/** Plans a tfvars file; returns what plan says and the variables' values as Terraform read them. */
function plan(varFile: string, ...vars: string[]): { ok: boolean; output: string; values?: Record<string, unknown> } {
  const result = terraform(["plan", "-input=false", "-no-color", "-lock=false", `-var-file=${varFile}`, ...vars, "-out=tfplan"]);
  if (!result.ok) return result;
  const show = spawnSync("terraform", ["show", "-json", "tfplan"], {
    cwd: workDir,
    encoding: "utf8",
    env: { ...process.env, TF_CLI_CONFIG_FILE: path.join(workDir, "terraformrc") },
  });
  const values = JSON.parse(show.stdout).planned_values?.outputs?.values?.value as Record<string, unknown>;
  return { ...result, values };
}

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "tfvars-check-"));
  fs.writeFileSync(path.join(workDir, "terraformrc"), "");
  const variablesOnly = {
    terraform: { required_version: ">= 1.9" },
    variable: config.variable,
    // Every variable's value as read, to compare with the defaults.
    output: { values: { value: Object.fromEntries(names.map((n) => [n, `\${var.${n}}`])) } },
  };
  fs.writeFileSync(path.join(workDir, "main.tf.json"), JSON.stringify(variablesOnly, null, 2));
  const init = terraform(["init", "-input=false", "-no-color"]);
  if (!init.ok) throw new Error(`terraform init failed: ${init.output}`);
});

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

const environments = fs
  .readdirSync(path.join(root, "environments"))
  .filter((f) => f.endsWith(".tfvars"))
  .map((f) => `environments/${f}`);

const PRODUCTION = path.join(root, "environments/production.tfvars");
/** What an operator sets: public ranges (not documentation examples) standing for their SBCs. */
const SBCS_SET = '-var=siprec_cidrs=["100.128.0.0/28", "100.128.0.32/32"]';

describe("tfvars files", () => {
  it("include the production environment the workflows plan", () => {
    expect(environments).toContain("environments/production.tfvars");
  });

  it("production, as shipped with example SBC addresses, fails the plan and says what to set", () => {
    const result = plan(PRODUCTION);
    expect(result.ok).toBe(false);
    expect(result.output).toContain(
      "which examples use and no SBC sends from: set siprec_cidrs to the public IPv4 ranges your SBCs send SIPREC from.",
    );
  });

  it("production, its SBCs set, deploys a connector something can call: it admits their SIPREC", () => {
    const { values } = plan(PRODUCTION, SBCS_SET);
    expect(values).toMatchObject({ build_asterisk: false, siprec_cidrs: ["100.128.0.0/28", "100.128.0.32/32"] });
  });

  it.each(environments)("%s, its SBCs set, passes every variable rule and sets only declared variables", (file) => {
    const result = plan(path.join(root, file), SBCS_SET);
    expect(result.output).not.toMatch(/undeclared variable/i);
    expect({ file, ok: result.ok, output: result.ok ? "" : result.output }).toEqual({ file, ok: true, output: "" });
  });

  it(`${TFVARS_EXAMPLE}, every line uncommented, is valid and sets exactly the defaults`, () => {
    const example = fs.readFileSync(path.join(root, TFVARS_EXAMPLE), "utf8");
    const assignments = example
      .split("\n")
      .filter((line) => /^# [a-z_][a-z0-9_]* = /.test(line))
      .map((line) => line.slice(2));
    expect(assignments.map((a) => a.split(" ")[0]).sort()).toEqual([...names].sort());
    const varFile = path.join(workDir, "example.tfvars");
    fs.writeFileSync(varFile, `${assignments.join("\n")}\n`);
    const result = plan(varFile);
    expect({ ok: result.ok, output: result.ok ? "" : result.output }).toEqual({ ok: true, output: "" });
    const defaults = Object.fromEntries(names.map((n) => [n, config.variable[n].default]));
    expect(result.values).toEqual(defaults);
  });
});
