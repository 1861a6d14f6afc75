import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TerraformJson } from "../../support/synth";

const terraformEnv = (dir: string): NodeJS.ProcessEnv => {
  const cliConfig = path.join(dir, "terraformrc");
  fs.writeFileSync(cliConfig, "");
  return { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
};

/**
 * Evaluates Terraform expressions (`${...}` strings as synthesized) with the real terraform
 * binary, offline: a configuration of the synthesized variables, the given locals and one output
 * per expression, applied with these tfvars. Expressions may use variables and those locals only.
 */
export function evaluate(
  config: TerraformJson,
  expressions: Record<string, unknown>,
  tfvars: Record<string, unknown> = {},
  locals: Record<string, unknown> = {},
): Record<string, unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tf-expressions-"));
  const env = terraformEnv(dir);
  try {
    // Output names must be identifiers; the expressions' names may be addresses.
    const names = Object.keys(expressions);
    const output = Object.fromEntries(names.map((name, i) => [`expression_${i}`, { value: expressions[name] }]));
    const main = { terraform: { required_version: ">= 1.9" }, variable: config.variable, locals, output };
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(main, null, 2));
    fs.writeFileSync(path.join(dir, "values.tfvars.json"), JSON.stringify(tfvars));
    execFileSync("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env, stdio: "pipe" });
    const apply = spawnSync(
      "terraform",
      ["apply", "-auto-approve", "-input=false", "-no-color", "-lock=false", "-var-file=values.tfvars.json"],
      { cwd: dir, env, encoding: "utf8" },
    );
    if (apply.status !== 0) throw new Error(`terraform could not evaluate the expressions:\n${apply.stdout}${apply.stderr}`);
    const outputs: Record<string, { value: unknown }> = JSON.parse(
      execFileSync("terraform", ["output", "-json"], { cwd: dir, env, encoding: "utf8" }),
    );
    // Terraform leaves null outputs out.
    return Object.fromEntries(names.map((name, i) => [name, outputs[`expression_${i}`]?.value ?? null]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
