#!/usr/bin/env node
// Checks the GitHub workflow files without GitHub: that they are valid YAML and well-formed,
// and that everything they call exists in the repository.
//
//   node scripts/check-workflows.mjs [--root DIR]
//
// - every file under .github/workflows and .github/actions parses (yaml package; duplicate keys
//   are errors), and yamllint -c .yamllint.yml .github passes;
// - workflows have `on` and `jobs`, jobs `runs-on` or `uses`, steps `uses` or `run`; composite
//   actions have `runs.using` and `runs.steps`;
// - local actions (`uses: ./dir`, holding action.yml) and reusable workflows
//   (`uses: ./.github/workflows/x.yml`, with `on.workflow_call`) exist; the inputs a caller passes
//   are declared, and the required ones are passed;
// - scripts called from `run:` (`bash x`, `node x`, `./x`, `scripts/...`) and paths named anywhere
//   under scripts/, environments/, .github/ or .ci/ exist; the shell scripts pass shellcheck;
// - other actions are pinned to a version (`@v4`) or a commit, never a branch;
// - AWS access is OIDC: no aws-access-key-id inputs, and every job that configures AWS
//   credentials, and every caller of a workflow that does, grants `id-token: write`.
//
// yamllint and shellcheck are required under CI=true (.ci/run installs them) and skipped with a
// warning elsewhere. Exits 1 naming each file and what is wrong.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";

const argRoot = process.argv.indexOf("--root");
const root = path.resolve(
  argRoot > 0 ? process.argv[argRoot + 1] : path.join(path.dirname(fileURLToPath(import.meta.url)), ".."),
);
const requireTools = Boolean(process.env.CI) && process.env.CI !== "false";

const errors = [];
const warnings = [];
let pathsChecked = 0;

/** Top-level folders whose paths, named in a workflow, must exist (others are built or downloaded). */
const CHECKED_DIRS = ["scripts", "environments", ".github", ".ci"];
const PINNED = /@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/;

function listFiles(dir, accept) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full, accept);
    return accept(entry.name) ? [full] : [];
  });
}

const isYaml = (name) => /\.ya?ml$/.test(name);
const rel = (file) => path.relative(root, file);
const workflowFiles = listFiles(path.join(root, ".github", "workflows"), isYaml);
const actionFiles = listFiles(path.join(root, ".github", "actions"), (name) => name === "action.yml" || name === "action.yaml");

/** Parses a file; returns its value and a way to find a line by key path. */
function load(file) {
  const text = fs.readFileSync(file, "utf8");
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  for (const e of doc.errors)
    errors.push(`${rel(file)}:${e.linePos?.[0]?.line ?? "?"}: invalid YAML: ${e.message.split("\n")[0]}`);
  for (const w of doc.warnings) warnings.push(`${rel(file)}:${w.linePos?.[0]?.line ?? "?"}: ${w.message.split("\n")[0]}`);
  const lines = new Map();
  // A key path's line: where its key is written (for a mapping entry) or where the item starts.
  const walk = (node, at, start = node?.range?.[0]) => {
    if (start !== undefined) lines.set(at.join("\u0001"), lineCounter.linePos(start).line);
    if (isMap(node)) {
      for (const pair of node.items) {
        walk(pair.value, [...at, isScalar(pair.key) ? String(pair.key.value) : String(pair.key)], pair.key?.range?.[0]);
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...at, String(i)]);
    }
  };
  walk(doc.contents, []);
  const lineOf = (at) => {
    for (let n = at.length; n >= 0; n--) {
      const line = lines.get(at.slice(0, n).map(String).join("\u0001"));
      if (line !== undefined) return line;
    }
    return 1;
  };
  return { value: doc.errors.length === 0 ? doc.toJS() : undefined, lineOf };
}

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reports a path named in a workflow that does not exist. */
function expectPath(file, line, relPath, what, base = root) {
  pathsChecked++;
  const full = path.resolve(base, relPath);
  if (process.env.CHECK_WORKFLOWS_VERBOSE) console.log(`${rel(file)}:${line}: ${what} ${relPath}`);
  if (!fs.existsSync(full)) errors.push(`${rel(file)}:${line}: ${what} ${relPath} does not exist`);
  return full;
}

/** Paths a shell command runs or reads: `bash x`, `node x`, `./x`, and anything under CHECKED_DIRS. */
function pathsInCommand(command) {
  const found = new Set();
  const usable = (p) => p && !p.startsWith("-") && !/[$*{}`]/.test(p);
  for (const m of command.matchAll(/(?:^|[\s;&|(])(?:bash|sh|node|source)\s+((?:-\S+\s+)*)([^\s;&|'"()]+)/g)) {
    if (!/(^|\s)-(c|e|p)\b/.test(m[1]) && usable(m[2])) found.add(m[2]);
  }
  for (const m of command.matchAll(/(?<![\w./-])(\.\/[^\s;&|'"()]+)/g)) if (usable(m[1])) found.add(m[1]);
  for (const m of command.matchAll(
    new RegExp(`(?<![\\w./-])((?:${CHECKED_DIRS.map((d) => d.replace(".", "\\.")).join("|")})/[\\w./-]*[\\w-])`, "g"),
  )) {
    if (usable(m[1])) found.add(m[1]);
  }
  return [...found].map((p) => p.replace(/^\.\//, "./"));
}

const scripts = new Set();

function checkCommand(file, line, command, workingDirectory) {
  for (const p of pathsInCommand(command)) {
    // ./x is relative to the working directory; paths under CHECKED_DIRS are taken from the root.
    const base =
      p.startsWith("./") && workingDirectory && !/[$]/.test(workingDirectory) ? path.resolve(root, workingDirectory) : root;
    const full = expectPath(file, line, p, "script or path", base);
    if (full.endsWith(".sh") && fs.existsSync(full)) scripts.add(full);
  }
}

/** Every string value in an object, with its key path. */
function* strings(value, at = []) {
  if (typeof value === "string") yield [at, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, [...at, i]);
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) yield* strings(v, [...at, k]);
}

const needsIdToken = new Set(); // reusable workflow files that assume an AWS role
const callers = []; // [file, line, calledFile, permissions]

function grantsIdToken(...permissionSets) {
  return permissionSets.some((p) => p === "write-all" || (isObject(p) && p["id-token"] === "write"));
}

function checkUses(file, line, uses, kind) {
  if (typeof uses !== "string") {
    errors.push(`${rel(file)}:${line}: uses must be a string`);
    return;
  }
  if (uses.startsWith("./")) {
    if (kind === "job") return expectPath(file, line, uses, "reusable workflow");
    const dir = path.resolve(root, uses);
    pathsChecked++;
    if (process.env.CHECK_WORKFLOWS_VERBOSE) console.log(`${rel(file)}:${line}: local action ${uses}`);
    if (!["action.yml", "action.yaml"].some((n) => fs.existsSync(path.join(dir, n)))) {
      errors.push(`${rel(file)}:${line}: local action ${uses} does not exist (no action.yml in it)`);
    }
    return undefined;
  }
  if (uses.startsWith("docker://")) return undefined;
  if (!PINNED.test(uses)) errors.push(`${rel(file)}:${line}: ${uses} is not pinned to a version (@v4) or a commit`);
  return undefined;
}

function checkStep(file, step, at, lineOf, defaultsDir) {
  const line = lineOf(at);
  if (!isObject(step)) {
    errors.push(`${rel(file)}:${line}: a step must be a mapping`);
    return false;
  }
  if (step.uses === undefined && step.run === undefined) errors.push(`${rel(file)}:${line}: step has neither uses nor run`);
  if (step.uses !== undefined) checkUses(file, lineOf([...at, "uses"]), step.uses, "step");
  if (typeof step.run === "string")
    checkCommand(file, lineOf([...at, "run"]), step.run, step["working-directory"] ?? defaultsDir);
  if (isObject(step.with)) {
    for (const key of ["aws-access-key-id", "aws-secret-access-key"]) {
      if (key in step.with)
        errors.push(`${rel(file)}:${lineOf([...at, "with", key])}: ${key}: long-lived AWS keys; assume a role through OIDC`);
    }
    if (typeof step.with.script === "string")
      checkCommand(file, lineOf([...at, "with", "script"]), step.with.script, defaultsDir);
  }
  return typeof step.uses === "string" && step.uses.startsWith("aws-actions/configure-aws-credentials@");
}

function checkWorkflow(file) {
  const { value: wf, lineOf } = load(file);
  if (wf === undefined) return;
  if (!isObject(wf)) return void errors.push(`${rel(file)}:1: a workflow must be a mapping`);
  if (wf.on === undefined) errors.push(`${rel(file)}:1: no "on" (when the workflow runs)`);
  if (!isObject(wf.jobs) || Object.keys(wf.jobs).length === 0) return void errors.push(`${rel(file)}:1: no jobs`);
  const workflowDir = wf.defaults?.run?.["working-directory"];
  for (const [id, job] of Object.entries(wf.jobs)) {
    const at = ["jobs", id];
    if (!isObject(job)) {
      errors.push(`${rel(file)}:${lineOf(at)}: job ${id} must be a mapping`);
      continue;
    }
    if (job.uses !== undefined) {
      const called = checkUses(file, lineOf([...at, "uses"]), job.uses, "job");
      if (called)
        callers.push({
          file,
          line: lineOf([...at, "uses"]),
          called,
          with: job.with ?? {},
          permissions: [job.permissions, wf.permissions],
        });
      for (const [keyAt, s] of strings(job.with ?? {}, [...at, "with"])) checkCommand(file, lineOf(keyAt), s, undefined);
      continue;
    }
    if (job["runs-on"] === undefined) errors.push(`${rel(file)}:${lineOf(at)}: job ${id} has neither runs-on nor uses`);
    if (!Array.isArray(job.steps) || job.steps.length === 0) {
      errors.push(`${rel(file)}:${lineOf(at)}: job ${id} has no steps`);
      continue;
    }
    const dir = job.defaults?.run?.["working-directory"] ?? workflowDir;
    let assumesRole = false;
    job.steps.forEach((step, i) => {
      if (checkStep(file, step, [...at, "steps", i], lineOf, dir)) assumesRole = true;
    });
    if (assumesRole) {
      if (!grantsIdToken(job.permissions, job.permissions === undefined ? wf.permissions : undefined)) {
        errors.push(
          `${rel(file)}:${lineOf(at)}: job ${id} configures AWS credentials but does not grant permissions: id-token: write`,
        );
      }
      needsIdToken.add(path.resolve(file));
    }
  }
}

function checkAction(file) {
  const { value: action, lineOf } = load(file);
  if (action === undefined) return;
  if (!isObject(action) || !isObject(action.runs)) return void errors.push(`${rel(file)}:1: no runs`);
  if (action.runs.using !== "composite") return;
  if (!Array.isArray(action.runs.steps))
    return void errors.push(`${rel(file)}:${lineOf(["runs"])}: composite action has no steps`);
  action.runs.steps.forEach((step, i) => {
    checkStep(file, step, ["runs", "steps", i], lineOf, undefined);
    if (isObject(step) && step.run !== undefined && step.shell === undefined) {
      errors.push(`${rel(file)}:${lineOf(["runs", "steps", i])}: a composite action's run step needs a shell`);
    }
  });
}

for (const file of workflowFiles) checkWorkflow(file);
for (const file of actionFiles) checkAction(file);

// Reusable workflows: declared inputs, required inputs passed, id-token granted by the caller.
for (const caller of callers) {
  if (!fs.existsSync(caller.called)) continue;
  const { value: called } = load(caller.called);
  const call = isObject(called?.on) ? called.on.workflow_call : undefined;
  if (!isObject(called?.on) || !("workflow_call" in called.on)) {
    errors.push(`${rel(caller.file)}:${caller.line}: ${rel(caller.called)} is not a reusable workflow (no on.workflow_call)`);
    continue;
  }
  const inputs = isObject(call?.inputs) ? call.inputs : {};
  for (const name of Object.keys(caller.with)) {
    if (!(name in inputs))
      errors.push(`${rel(caller.file)}:${caller.line}: passes input ${name}, which ${rel(caller.called)} does not declare`);
  }
  for (const [name, spec] of Object.entries(inputs)) {
    if (spec?.required && spec.default === undefined && !(name in caller.with)) {
      errors.push(`${rel(caller.file)}:${caller.line}: does not pass required input ${name} of ${rel(caller.called)}`);
    }
  }
  const [jobPermissions, workflowPermissions] = caller.permissions;
  if (needsIdToken.has(path.resolve(caller.called)) && !grantsIdToken(jobPermissions ?? workflowPermissions)) {
    errors.push(
      `${rel(caller.file)}:${caller.line}: calls ${rel(caller.called)}, which assumes an AWS role, without permissions: id-token: write`,
    );
  }
}

/** Runs a linter when present; under CI its absence is an error. */
function lint(tool, args, what) {
  const probe = spawnSync(tool, ["--version"], { encoding: "utf8" });
  if (probe.error) {
    (requireTools ? errors : warnings).push(`${tool} is not installed: ${what} not checked`);
    return;
  }
  const result = spawnSync(tool, args, { cwd: root, encoding: "utf8" });
  if (result.status !== 0) errors.push(`${tool} ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`.trimEnd());
}

if (workflowFiles.length === 0) errors.push(".github/workflows: no workflow files");
if (fs.existsSync(path.join(root, ".github"))) {
  const config = path.join(root, ".yamllint.yml");
  lint("yamllint", fs.existsSync(config) ? ["-c", config, ".github"] : [".github"], "YAML style");
}
if (scripts.size > 0) lint("shellcheck", [...scripts].sort(), "the CI shell scripts");

for (const w of warnings) console.warn(`warning: ${w}`);
if (errors.length > 0) {
  for (const e of errors) console.error(`error: ${e}`);
  console.error(`check-workflows: ${errors.length} problem(s)`);
  process.exit(1);
}
console.log(
  `check-workflows: ${workflowFiles.length} workflows, ${actionFiles.length} actions, ${pathsChecked} local paths, all present`,
);
