// Builds the two artefacts the project ships: the recorder Lambda bundle and the CDKTF app.
// esbuild only transpiles; type checking is `npm run typecheck`, so synthesis never pays for it.
import { build } from "esbuild";

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

// The app keeps its dependencies external so each provider class is required on its own.
const app = build({
  entryPoints: ["main.ts"],
  outfile: "dist/app/main.js",
  bundle: true,
  packages: "external",
  platform: "node",
  format: "cjs",
  target: "node20",
  logLevel: "warning",
});

await Promise.all([recorder, app]);
