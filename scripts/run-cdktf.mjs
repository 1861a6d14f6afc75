#!/usr/bin/env node
// `npm run deploy`, `destroy` and `output` run the CDKTF CLI through this:
//   node scripts/run-cdktf.mjs <command> [cdktf arguments...]
//
// - Path arguments are resolved against the folder npm was invoked from (INIT_CWD; npm itself runs
//   scripts from the project folder), so `npm run deploy -- --var-file=production.tfvars` from
//   environments/ works: `--var-file` (every value: cdktf reads it as an array, so the words after
//   it up to the next option are var files too) and `--outputs-file`. cdktf resolves what is left
//   relative against the project folder and hands Terraform absolute paths.
// - Before `deploy`, every var file cdktf will pass (terraform.tfvars, terraform.tfvars.json and
//   *.auto.tfvars[.json] of the project folder, which cdktf adds by itself, then the --var-file
//   values) goes through scripts/check-tfvars.mjs with the --var values; a refusal stops the deploy
//   before cdktf runs.
// - cdktf runs in the project folder with CHECKPOINT_DISABLE=1; its exit status is this script's.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** cdktf options whose values are files: array options take every following non-option word. */
const FILE_ARRAYS = new Set(["var-file", "varFile"]);
const FILE_STRINGS = new Set(["outputs-file", "outputsFile"]);
const VALUE_ARRAYS = new Set(["var"]);

/**
 * cdktf's arguments with each file resolved against `base`, and the var files and -var values
 * they give, in order. Files are written `--option=/absolute/path`; everything else is unchanged.
 */
export function resolveArguments(args, base) {
  const out = [];
  const varFiles = [];
  const vars = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    const option = /^--([^=]+)(?:=([\s\S]*))?$/.exec(arg);
    const name = option?.[1];
    const inline = option?.[2];
    if (FILE_ARRAYS.has(name) || VALUE_ARRAYS.has(name)) {
      const values = inline === undefined ? [] : [inline];
      while (i + 1 < args.length && !args[i + 1].startsWith("-")) values.push(args[++i]);
      for (const value of values) {
        if (VALUE_ARRAYS.has(name)) {
          vars.push(value);
          out.push(`--${name}=${value}`);
        } else {
          const file = path.resolve(base, value);
          varFiles.push(file);
          out.push(`--var-file=${file}`);
        }
      }
    } else if (FILE_STRINGS.has(name) && (inline !== undefined || i + 1 < args.length)) {
      out.push(`--outputs-file=${path.resolve(base, inline ?? args[++i])}`);
    } else {
      out.push(arg);
    }
  }
  return { args: out, varFiles, vars };
}

/** The var files cdktf adds by itself from the project folder, as it finds them. */
export function automaticVarFiles(dir) {
  const named = ["terraform.tfvars", "terraform.tfvars.json"].filter((name) => fs.existsSync(path.join(dir, name)));
  const auto = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".auto.tfvars") || name.endsWith(".auto.tfvars.json"))
    .sort();
  return [...named, ...auto].map((name) => path.join(dir, name));
}

function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (!command) {
    console.error("usage: node scripts/run-cdktf.mjs <deploy|destroy|output|...> [cdktf arguments...]");
    return 2;
  }
  const { args, varFiles, vars } = resolveArguments(rest, process.env.INIT_CWD || process.cwd());

  if (command === "deploy" || command === "apply") {
    // A file named twice (terraform.tfvars, read by cdktf anyway) is checked once, at its last place:
    // the values Terraform ends up with are the same.
    const files = [...automaticVarFiles(root), ...varFiles].filter((file, i, all) => all.indexOf(file, i + 1) < 0);
    if (files.length > 0) {
      const check = spawnSync(
        process.execPath,
        [path.join(root, "scripts", "check-tfvars.mjs"), ...files, ...vars.flatMap((value) => ["--var", value])],
        { cwd: root, stdio: "inherit", env: { ...process.env, INIT_CWD: process.env.INIT_CWD || process.cwd() } },
      );
      if (check.status !== 0) {
        console.error("Not deploying: the var files did not pass `npm run check:tfvars` (above). Nothing was changed.");
        return check.status ?? 1;
      }
    }
  }

  // npm puts node_modules/.bin first on PATH; run directly, cdktf is found there all the same.
  const env = {
    ...process.env,
    CHECKPOINT_DISABLE: "1",
    PATH: [process.env.PATH, path.join(root, "node_modules", ".bin")].filter(Boolean).join(path.delimiter),
  };
  const result = spawnSync("cdktf", [command, ...args], { cwd: root, stdio: "inherit", env });
  if (result.error) {
    console.error(`could not run cdktf (${result.error.message}); run npm ci first`);
    return 1;
  }
  return result.status ?? 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main();
}
