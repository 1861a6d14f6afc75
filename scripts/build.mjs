// Builds the two artefacts the project ships: the recorder Lambda bundle and the CDKTF app.
// esbuild only transpiles; type checking is `npm run typecheck`, so synthesis never pays for it.
import { build } from "esbuild";
import { NODE_APP_BUILD } from "./esbuild-options.mjs";

const recorder = build({
  entryPoints: ["lambda/recorder/index.ts"],
  outfile: "dist/recorder/index.js",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node22",
  minify: true,
  // The SDK's ES module builds tree-shake: a smaller bundle that loads faster.
  mainFields: ["module", "main"],
  // Those builds load node:http with import(), which fails where a host runs the bundle in a vm
  // (jest, for one); as require() it loads everywhere.
  supported: { "dynamic-import": false },
  legalComments: "none",
  logLevel: "warning",
});

const app = build({ ...NODE_APP_BUILD, entryPoints: ["main.ts"], outfile: "dist/app/main.js" });

await Promise.all([recorder, app]);
