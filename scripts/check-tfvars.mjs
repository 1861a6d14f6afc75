#!/usr/bin/env node
// `npm run check:tfvars -- FILE... [--var NAME=VALUE]...`: checks tfvars files offline, as a plan
// would read them, and fails on what a plan would refuse or silently ignore:
//
// - a variable the stack does not declare (`alarm_emial`, `buid_asterisk`): Terraform only warns
//   ("Value for undeclared variable") and the plan goes ahead without it; here it is an error
//   naming the file, the variable and the closest declared name;
// - a value a variable rule refuses: the rule's own message, with the file and line.
//
// How: the stack is synthesized as `npm run synth` does (esbuild bundle, stand-in recorder code),
// its `variable` blocks are written alone to a temporary folder (no provider, so `terraform init`
// works offline) and `terraform plan -json` runs there with the files in the order given, later
// ones overriding earlier ones as in Terraform. Terraform names at most two undeclared variables per
// run, so those are declared as stand-ins and the plan repeats until it names no more.
//
// Relative FILEs are resolved against where npm was invoked (INIT_CWD), or the current folder.
// `npm run deploy` runs this on its var files first (scripts/run-cdktf.mjs).
// Exit status: 0 accepted, 1 refused, 2 could not check (usage, a missing file, no terraform).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { root, synthesizeStack } from "./synthesize-stack.mjs";

const callerDir = process.env.INIT_CWD || process.cwd();
const USAGE = "usage: npm run check:tfvars -- FILE... [--var NAME=VALUE]...";

/** Thrown when the files could not be checked: exit status 2. */
class CannotCheck extends Error {}
function cannotCheck(message) {
  throw new CannotCheck(message);
}

/** The files and -var values from the command line. */
function parseArguments(args) {
  const files = [];
  const vars = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--var" || arg === "-var") {
      if (i + 1 >= args.length) cannotCheck(`${arg} needs NAME=VALUE\n${USAGE}`);
      vars.push(args[++i]);
    } else if (/^--?var=/.test(arg)) {
      vars.push(arg.slice(arg.indexOf("=") + 1));
    } else if (arg === "-h" || arg === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else if (arg.startsWith("-") && arg !== "-") {
      cannotCheck(`unknown option ${arg}\n${USAGE}`);
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0) cannotCheck(`name at least one tfvars file\n${USAGE}`);
  return { files: files.map((file) => path.resolve(callerDir, file)), vars };
}

/** The `variable` blocks of the stack as synthesized from the current source. */
async function synthesizedVariables() {
  // Beside the sources, so the bundle's external packages resolve from node_modules; one file per
  // process, so parallel checks never load each other's half-written bundle.
  const outfile = path.join(root, "dist", "check-tfvars", `variables-${process.pid}.cjs`);
  try {
    return (await synthesizeStack(outfile)).config.variable;
  } catch (error) {
    cannotCheck(`could not synthesize the stack to read its variables: ${error.stack ?? error}`);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
}

/** Runs terraform in `dir`; returns its exit status and output. */
function terraform(dir, args) {
  const result = spawnSync("terraform", args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, TF_CLI_CONFIG_FILE: path.join(dir, "terraformrc"), TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
  });
  if (result.error) {
    cannotCheck(
      `could not run terraform (${result.error.message}); install Terraform 1.9 or later (see the README's prerequisites)`,
    );
  }
  return result;
}

/** Edit distance with transpositions (optimal string alignment): `emial` is one edit from `email`. */
function editDistance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The declared name closest to `name`, if one is close enough to be what was meant. */
function closest(name, declared) {
  const lower = name.toLowerCase();
  const [best] = declared
    .map((candidate) => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate));
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.candidate : undefined;
}

const shown = (file) => {
  const relative = path.relative(callerDir, file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
};

/** Checks the files; returns the exit status. */
async function check(args) {
  const { files, vars } = parseArguments(args);
  for (const file of files) {
    if (!fs.existsSync(file)) cannotCheck(`${shown(file)}: no such file`);
    if (!fs.statSync(file).isFile()) cannotCheck(`${shown(file)}: not a file`);
  }
  // The stack names its assets (scripts, templates) relative to the project folder.
  process.chdir(root);
  const variables = await synthesizedVariables();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-tfvars-"));
  try {
    return planFiles(dir, variables, files, vars);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Plans the files against the variables in `dir`; reports what it found; returns the exit status. */
function planFiles(dir, variables, files, vars) {
  fs.writeFileSync(path.join(dir, "terraformrc"), "");
  /** Undeclared variables found so far: name -> the file Terraform found it in. */
  const undeclared = new Map();
  let diagnostics;
  for (;;) {
    // Names found undeclared become stand-in declarations, so the next run names the next ones.
    const standIns = Object.fromEntries([...undeclared.keys()].map((name) => [name, { type: "any", default: null }]));
    const configuration = { terraform: { required_version: ">= 1.9" }, variable: { ...variables, ...standIns } };
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(configuration, null, 2));
    if (undeclared.size === 0) {
      const init = terraform(dir, ["init", "-input=false", "-no-color"]);
      if (init.status !== 0) cannotCheck(`terraform init failed:\n${init.stdout}${init.stderr}`);
    }
    const plan = terraform(dir, [
      "plan",
      "-json",
      "-input=false",
      "-lock=false",
      ...files.map((file) => `-var-file=${file}`),
      ...vars.map((value) => `-var=${value}`),
    ]);
    diagnostics = `${plan.stdout}`
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line))
      .filter((message) => message.type === "diagnostic")
      .map((message) => message.diagnostic);
    // A plan that fails before reading the files (a syntax error) prints its errors as text.
    if (plan.status !== 0 && !diagnostics.some((d) => d.severity === "error")) {
      diagnostics.push({ severity: "error", summary: "terraform plan failed", detail: `${plan.stderr}`.trim() });
    }
    let more = false;
    for (const d of diagnostics) {
      const named = /declare a variable named "([^"]+)" but a value was found in file "([^"]+)"/.exec(d.detail ?? "");
      if (d.summary === "Value for undeclared variable" && named) undeclared.set(named[1], named[2]);
      if (d.summary === "Values for undeclared variables") more = true;
    }
    if (!more) break;
  }

  const problems = [];
  const byFileAndName = ([a, fileA], [b, fileB]) => fileA.localeCompare(fileB) || a.localeCompare(b);
  for (const [name, file] of [...undeclared].sort(byFileAndName)) {
    const suggestion = closest(name, Object.keys(variables));
    problems.push(
      `${shown(file)}: ${name} is not a variable of the call recorder${suggestion ? `; did you mean ${suggestion}?` : ""}`,
    );
  }
  for (const d of diagnostics) {
    if (d.severity === "warning" && /^Values? for undeclared variables?$/.test(d.summary)) continue;
    const where = d.range?.filename ? `${shown(path.resolve(dir, d.range.filename))}:${d.range.start.line}: ` : "";
    // The rule's location is in the temporary configuration, of no use to the reader.
    const detail = `${d.detail ?? ""}`.replace(/\n*This was checked by the validation rule at [^\n]*/, "").trim();
    const text = `${where}${d.summary}${detail ? `: ${detail}` : ""}`;
    if (d.severity === "error") problems.push(text);
    else console.warn(`check:tfvars: warning: ${text}`);
  }

  const names = files.map(shown).join(", ");
  if (problems.length > 0) {
    console.error(`check:tfvars: ${names} refused:\n${problems.map((p) => `  - ${p.replaceAll("\n", "\n    ")}`).join("\n")}`);
    if (undeclared.size > 0) {
      console.error(
        "Terraform itself only warns about a variable it does not know, and plans without its value. Every variable, its default\n" +
          "and its rules: terraform.tfvars.example and the README's Configuration table.",
      );
    }
    return 1;
  }
  console.log(`check:tfvars: ${names}: every variable is declared and every value passes the variable rules`);
  return 0;
}

try {
  process.exitCode = await check(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof CannotCheck)) throw error;
  console.error(`check:tfvars: ${error.message}`);
  process.exitCode = 2;
}
