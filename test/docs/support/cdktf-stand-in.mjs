// The cdktf the README's commands meet in the sandbox of test/docs/quick-path.test.ts. `synth` (and
// anything else) is the real CLI ($REAL_CDKTF). `deploy`, `output` and `destroy` would need the AWS
// provider and AWS itself: they act instead on the provider-free twin of the stack in $TWIN_DIR
// (test/offline/twin.ts), with the real terraform and the var files cdktf would hand it (its
// --var-file values, and terraform.tfvars and *.auto.tfvars of the project folder, which cdktf adds
// by itself). The twin's provisioners record their environment with the tools of $TWIN_PATH. Each
// call is recorded, one JSON line, in $CDKTF_CALLS.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { automaticVarFiles } from "../../../scripts/run-cdktf.mjs";

const [command, ...args] = process.argv.slice(2);
const twinDir = process.env.TWIN_DIR;
fs.appendFileSync(process.env.CDKTF_CALLS, `${JSON.stringify({ command, args, cwd: process.cwd() })}\n`);

function run(file, fileArgs, env = process.env) {
  const result = spawnSync(file, fileArgs, { stdio: "inherit", env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function terraform(...terraformArgs) {
  return run("terraform", [`-chdir=${twinDir}`, ...terraformArgs], {
    ...process.env,
    PATH: process.env.TWIN_PATH,
    TF_CLI_CONFIG_FILE: path.join(twinDir, "terraformrc"),
    TF_DATA_DIR: path.join(twinDir, ".terraform"),
    TF_PLUGIN_CACHE_DIR: path.join(twinDir, "plugins"),
    TF_IN_AUTOMATION: "1",
  });
}

/** Terraform's -var-file and -var arguments for cdktf's arguments. */
function variableArguments() {
  const given = args.filter((a) => a.startsWith("--var-file=")).map((a) => a.slice("--var-file=".length));
  const files = [...automaticVarFiles(process.cwd()), ...given].filter((file, i, all) => all.indexOf(file) === i);
  const vars = args.filter((a) => a.startsWith("--var=")).map((a) => `-var=${a.slice("--var=".length)}`);
  return [...files.map((file) => `-var-file=${file}`), ...vars];
}

const common = ["-input=false", "-no-color", "-lock=false"];
let status;
if (command === "deploy") {
  // cdktf shows the plan and asks; the stand-in approves what it showed.
  status = terraform("plan", ...common, "-out=deploy.tfplan", ...variableArguments());
  if (status === 0) status = terraform("apply", ...common, "deploy.tfplan");
} else if (command === "destroy") {
  status = terraform("destroy", ...common, "-auto-approve", ...variableArguments());
} else if (command === "output") {
  status = terraform("output", "-no-color");
} else {
  status = run(process.execPath, [process.env.REAL_CDKTF, command, ...args]);
}
process.exitCode = status;
