#!/usr/bin/env node
// Generates the operator docs that follow from the code: the tables of inputs and outputs in
// README.md (between the variables and the outputs markers), from the variable and output blocks
// of the synthesized stack, and terraform.tfvars.example. `--check` writes nothing and exits 1
// when any is stale.
//
// No compile step: esbuild bundles the stack and the renderer (scripts/docs/render.ts) into one
// CommonJS file under dist/docs/, which is then loaded here. Synthesis uses a stand-in recorder
// bundle, so the recorder need not be built (variables do not depend on it).
import * as fs from "node:fs";
import * as path from "node:path";
import { root, synthesizeStack } from "./synthesize-stack.mjs";

const check = process.argv.includes("--check");
const outfile = path.join(root, "dist", "docs", "docs.cjs");

const { config, bundle: docs } = await synthesizeStack(outfile, 'export * from "./scripts/docs/render";');

const readmePath = path.join(root, "README.md");
const examplePath = path.join(root, docs.TFVARS_EXAMPLE);
const readme = fs.readFileSync(readmePath, "utf8");
const wanted = [
  [
    readmePath,
    readme,
    docs.replaceBetweenMarkers(
      docs.replaceBetweenMarkers(readme, docs.VARIABLES_START, docs.VARIABLES_END, docs.renderVariablesSection(config.variable)),
      docs.OUTPUTS_START,
      docs.OUTPUTS_END,
      docs.renderOutputsSection(config.output),
    ),
  ],
  [
    examplePath,
    fs.existsSync(examplePath) ? fs.readFileSync(examplePath, "utf8") : "",
    docs.renderTfvarsExample(config.variable),
  ],
];

let stale = 0;
for (const [file, current, next] of wanted) {
  const name = path.relative(root, file);
  if (current === next) {
    console.log(`${name}: up to date`);
  } else if (check) {
    console.error(`${name}: stale; ${docs.REGENERATE}`);
    stale++;
  } else {
    fs.writeFileSync(file, next);
    console.log(`${name}: written`);
  }
}
process.exit(stale > 0 ? 1 : 0);
