// Which Athena workgroup `npm run calls` runs in: --workgroup, else CALL_RECORDER_WORKGROUP, else the
// deployment's `athena_workgroup` output. The output is read as the README's plain-terraform example
// does, `terraform output` in the stack's folder: it reads the state without providers, so with the
// local state of `npm run deploy` it works offline; a remote (S3) state is read from its bucket.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "./arguments.mjs";

export const OUTPUT = "athena_workgroup";
export const ENVIRONMENT_VARIABLE = "CALL_RECORDER_WORKGROUP";
const STACK_FOLDER = path.join("cdktf.out", "stacks", "call-recorder");
const NAME_IT = `Pass --workgroup NAME or set ${ENVIRONMENT_VARIABLE} (the deployment's ${OUTPUT} output).`;

/** The output from Terraform's state, or a UsageError saying why it could not be read. */
function terraformOutput(root) {
  const folder = path.join(root, STACK_FOLDER);
  if (!fs.existsSync(path.join(folder, ".terraform"))) {
    throw new UsageError(`No workgroup: ${STACK_FOLDER} holds no deployment made from this clone (npm run deploy). ${NAME_IT}`);
  }
  const result = spawnSync("terraform", ["output", "-no-color", "-raw", OUTPUT], {
    cwd: folder,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  if (result.error) {
    throw new UsageError(`No workgroup: terraform could not run (${result.error.message}) to read ${OUTPUT}. ${NAME_IT}`);
  }
  if (result.status !== 0) {
    const reason = result.stderr.split("\n").find((line) => line.startsWith("Error:")) ?? result.stderr.trim();
    throw new UsageError(
      `No workgroup: terraform output ${OUTPUT} failed in ${STACK_FOLDER} (${reason}). A deployment from before ` +
        `the Athena workgroup gets this output at its next npm run deploy. ${NAME_IT}`,
    );
  }
  return result.stdout.trim();
}

/** The workgroup and where its name came from, in that order of precedence; a name Athena would refuse is refused. */
export function resolveWorkgroup(option, env, root) {
  const found =
    option !== undefined
      ? { name: option, source: "--workgroup" }
      : env[ENVIRONMENT_VARIABLE]
        ? { name: env[ENVIRONMENT_VARIABLE], source: ENVIRONMENT_VARIABLE }
        : { name: terraformOutput(root), source: `terraform output ${OUTPUT}` };
  if (!/^[a-zA-Z0-9._-]{1,128}$/.test(found.name)) {
    throw new UsageError(
      `The workgroup ${JSON.stringify(found.name)} (from ${found.source}) is not a workgroup name: ` +
        `use 1 to 128 letters, digits, ".", "_" or "-".`,
    );
  }
  return found;
}
