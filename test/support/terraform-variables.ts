import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthesizeStack } from "./synth";

export interface PlanResult {
  /** Whether `terraform plan` accepted the values. */
  readonly ok: boolean;
  /** What terraform printed, without colour, line-wrapping undone. */
  readonly output: string;
}

const terraformEnv = (dir: string): NodeJS.ProcessEnv => {
  const cliConfig = path.join(dir, "terraformrc");
  fs.writeFileSync(cliConfig, "");
  return { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
};

let workDir: string | undefined;
let caseNumber = 0;

/**
 * A folder holding only the synthesized `variable` blocks: no provider, so `terraform init`
 * works offline, and `terraform plan` still evaluates every validation rule for real.
 */
function variablesOnlyConfiguration(): string {
  if (!workDir) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tf-variables-"));
    const config = synthesizeStack();
    const variablesOnly = { terraform: { required_version: ">= 1.9" }, variable: config.variable };
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(variablesOnly, null, 2));
    execFileSync("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env: terraformEnv(dir), stdio: "pipe" });
    workDir = dir;
  }
  return workDir;
}

/** Runs `terraform plan -var-file=...` with these tfvars against the synthesized variable rules. */
export function planVariables(tfvars: Record<string, unknown>): PlanResult {
  const dir = variablesOnlyConfiguration();
  const varFile = path.join(dir, `case-${++caseNumber}.tfvars.json`);
  fs.writeFileSync(varFile, JSON.stringify(tfvars));
  try {
    const result = spawnSync("terraform", ["plan", "-input=false", "-no-color", "-lock=false", `-var-file=${varFile}`], {
      cwd: dir,
      env: terraformEnv(dir),
      encoding: "utf8",
    });
    if (result.error) throw result.error;
    // Terraform wraps messages at 80 columns; join the lines so assertions can match sentences.
    const output = `${result.stdout}${result.stderr}`.replace(/\n(?=\S)/g, " ").replace(/\s+/g, " ");
    return { ok: result.status === 0, output };
  } finally {
    fs.rmSync(varFile);
  }
}

/** Expects terraform plan to refuse the values with a message containing each fragment. */
export function expectRefused(tfvars: Record<string, unknown>, ...fragments: string[]): void {
  const { ok, output } = planVariables(tfvars);
  expect(ok).toBe(false);
  for (const fragment of fragments) expect(output).toContain(fragment);
}

/** Expects terraform plan to accept the values, showing its output when it does not. */
export function expectAccepted(tfvars: Record<string, unknown>): void {
  const { ok, output } = planVariables(tfvars);
  if (!ok) throw new Error(`terraform plan refused ${JSON.stringify(tfvars)}:\n${output}`);
}
