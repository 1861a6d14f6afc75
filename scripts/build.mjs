// Builds the two artefacts the project ships: the recorder Lambda bundle and the CDKTF app.
// esbuild only transpiles; type checking is `npm run typecheck`, so synthesis never pays for it.
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { build } from "esbuild";
import { NODE_APP_BUILD } from "./esbuild-options.mjs";

/**
 * Every jest run builds (test/support/global-setup.js) while other runs may be loading the bundle:
 * each file is written beside its place and renamed over it, so a reader sees the old or the new
 * file whole, never a truncated one.
 */
async function buildAtomically(options) {
  const { outputFiles } = await build({ ...options, write: false });
  await Promise.all(
    outputFiles.map(async ({ path, contents }) => {
      const temporary = `${path}.${process.pid}.tmp`;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temporary, contents);
      await rename(temporary, path);
    }),
  );
}

const recorder = buildAtomically({
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

const app = buildAtomically({ ...NODE_APP_BUILD, entryPoints: ["main.ts"], outfile: "dist/app/main.js" });

await Promise.all([recorder, app]);
