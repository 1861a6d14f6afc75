import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TwinWorkspace } from "../offline/terraform";
import { type AwsSandbox, awsSandbox, commandPath } from "../support/aws-sandbox";
import { synthesizeStack } from "../support/synth";
import { ROOT, readPage, shBlocks } from "./support/doc-pages";

// Every command of the README, run as written, in order, in a copy of the project: from
// `npm ci && npm run synth` through the quick path to a planned deployment, then the first call's
// `npm run output` and `npm run destroy`. The commands meet only bash, node, npm, terraform and
// cp on PATH, dummy credentials and dead-ended AWS endpoints. Three stand-ins, because the real
// thing needs the internet or AWS:
// - `npm ci` would download every package again: the copy links the installed node_modules, and
//   the call is recorded; `npm test` is the suite this test runs in, and is recorded too;
// - cdktf's `deploy`, `output` and `destroy` act on the provider-free twin of the stack with the
//   real terraform (support/cdktf-stand-in.mjs); `synth` is the real cdktf.
// Everything else is real: npm, the scripts of package.json, the tfvars check, cdktf synth.

jest.setTimeout(600_000);

/** Project files the commands need; the rest (tests, builds, state, a developer's tfvars) stays out. */
const LEFT_OUT = new Set(["node_modules", ".git", "dist", "cdktf.out", "test", ".terraform", "terraform.tfvars"]);

let work: string;
let project: string;
let sandbox: AwsSandbox;
let twin: TwinWorkspace;
let calls: { npm: string; cdktf: string };
const runs: { block: string; ok: boolean; output: string }[] = [];

/** A copy of the project whose node_modules links the installed packages, cdktf replaced by the stand-in. */
function copyProject(): void {
  fs.cpSync(ROOT, project, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(ROOT, source);
      return !LEFT_OUT.has(relative.split(path.sep)[0]) && !/\.tfstate/.test(relative);
    },
  });
  const modules = path.join(ROOT, "node_modules");
  const bin = path.join(project, "node_modules", ".bin");
  fs.mkdirSync(bin, { recursive: true });
  for (const entry of fs.readdirSync(modules).filter((e) => e !== ".bin")) {
    fs.symlinkSync(path.join(modules, entry), path.join(project, "node_modules", entry));
  }
  for (const entry of fs.readdirSync(path.join(modules, ".bin")).filter((e) => e !== "cdktf")) {
    fs.symlinkSync(fs.realpathSync(path.join(modules, ".bin", entry)), path.join(bin, entry));
  }
  fs.writeFileSync(
    path.join(bin, "cdktf"),
    `#!/bin/sh\nexec node ${JSON.stringify(path.join(__dirname, "support", "cdktf-stand-in.mjs"))} "$@"\n`,
    { mode: 0o755 },
  );
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "quick-path-"));
  project = path.join(work, "call-recorder");
  copyProject();
  calls = { npm: path.join(work, "npm-calls"), cdktf: path.join(work, "cdktf-calls") };
  sandbox = awsSandbox({
    bash: commandPath("bash"),
    sh: commandPath("sh"),
    node: process.execPath,
    terraform: commandPath("terraform"),
    cp: commandPath("cp"),
  });
  fs.writeFileSync(
    path.join(sandbox.dir, "bin", "npm"),
    [
      "#!/usr/bin/env bash",
      "# npm ci and npm test are recorded (see quick-path.test.ts); the rest is the real npm.",
      'case "${1-}" in ci|test) echo "npm $*" >>"$NPM_CALLS"; exit 0 ;; esac',
      'exec node "$REAL_NPM" "$@"',
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  twin = new TwinWorkspace();
  const env = {
    ...sandbox.env,
    REAL_NPM: fs.realpathSync(commandPath("npm")),
    REAL_CDKTF: fs.realpathSync(path.join(ROOT, "node_modules", ".bin", "cdktf")),
    TWIN_DIR: twin.dir,
    // The twin's provisioners (test machinery, not the README's commands) record with mkdir and env.
    TWIN_PATH: `${path.dirname(commandPath("terraform"))}${path.delimiter}${process.env.PATH}`,
    NPM_CALLS: calls.npm,
    CDKTF_CALLS: calls.cdktf,
    npm_config_update_notifier: "false",
  };
  // Block by block, as an operator pastes them, stopping at the first that fails.
  for (const block of shBlocks(readPage("README.md"))) {
    const result = spawnSync("bash", ["-euo", "pipefail", "-c", block], { cwd: project, env, encoding: "utf8" });
    runs.push({ block, ok: result.status === 0, output: `${result.stdout}${result.stderr}` });
    if (result.status !== 0) break;
  }
});

afterAll(() => {
  twin?.remove();
  sandbox?.remove();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const lines = (file: string): string[] => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n") : []);
const runOf = (command: string) => {
  const found = runs.find((run) => run.block.split("\n").some((line) => line.startsWith(command)));
  if (!found) throw new Error(`no README block that runs "${command}" was run: ${JSON.stringify(runs.map((r) => r.block))}`);
  return found;
};

describe("the README's commands, run as written", () => {
  it("all succeed, block after block", () => {
    // A failure shows its block and the end of what it printed.
    expect(runs.filter((run) => !run.ok).map((run) => ({ block: run.block, output: run.output.slice(-3000) }))).toEqual([]);
    expect(runs.length).toBe(shBlocks(readPage("README.md")).length);
  });

  it("`npm ci && npm run synth` synthesizes the stack with the real cdktf, as the tests synthesize it", () => {
    const synthesized = JSON.parse(
      fs.readFileSync(path.join(project, "cdktf.out", "stacks", "call-recorder", "cdk.tf.json"), "utf8"),
    );
    const addresses = (config: { resource: Record<string, object> }) =>
      Object.entries(config.resource).flatMap(([type, blocks]) => Object.keys(blocks).map((name) => `${type}.${name}`));
    expect(addresses(synthesized).sort()).toEqual(addresses(synthesizeStack()).sort());
    expect(runOf("npm ci").output).toContain("Synthesized: cdktf.out/stacks/call-recorder/cdk.tf.json");
    expect(lines(calls.npm)).toEqual(["npm ci", "npm test"]);
  });

  it("the quick path's tfvars check accepts the test PBX example", () => {
    expect(runOf("npm run check:tfvars").output).toContain(
      "check:tfvars: terraform.tfvars: every variable is declared and every value passes the variable rules",
    );
  });

  it("`npm run deploy` checks the var files, then plans the whole stack and applies it, the test PBX included", () => {
    const deploy = runOf("npm run deploy").output;
    expect(deploy.indexOf("check:tfvars: ")).toBeLessThan(deploy.indexOf("Terraform will perform the following actions"));
    expect(deploy).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
    expect(deploy).toContain("terraform_data.aws_instance__pbx[0] will be created");
    expect(deploy).toContain("Apply complete!");
  });

  it("hands cdktf the var file by its absolute path, from the project folder", () => {
    const deploys = lines(calls.cdktf)
      .map((line) => JSON.parse(line))
      .filter((call) => call.command === "deploy");
    expect(deploys).toEqual([
      { command: "deploy", args: [`--var-file=${path.join(project, "terraform.tfvars")}`], cwd: project },
    ]);
  });

  it("`npm run output` shows the phone number to call and where the recording lands", () => {
    const output = runOf("npm run output").output;
    expect(output).toMatch(/phone_number = "\+\d+"/);
    expect(output).toMatch(/recording_location = "s3:\/\/[^"]+\/"/);
  });

  it("`npm run destroy` deletes everything: the test PBX's bucket is DESTROY", () => {
    expect(runOf("npm run destroy").output).toMatch(/Destroy complete! Resources: \d+ destroyed\./);
    expect(fs.existsSync(path.join(twin.dir, "terraform.tfstate"))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(twin.dir, "terraform.tfstate"), "utf8")).resources).toEqual([]);
  });
});
