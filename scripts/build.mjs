// Builds the artefacts the project ships: the recorder and reconciler Lambda bundles and the CDKTF app.
// esbuild only transpiles; type checking is `npm run typecheck`, so synthesis never pays for it.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { build } from "esbuild";
import { NODE_APP_BUILD } from "./esbuild-options.mjs";

/**
 * Every jest run builds (test/support/global-setup.js) while other runs may be loading the bundle:
 * each file is written beside its place and renamed over it, so a reader sees the old or the new
 * file whole, never a truncated one.
 */
async function buildAtomically(options) {
  // Outside dist/recorder/, which is archived whole as the function's code.
  const inputsFile = `dist/.inputs/${options.outfile.replaceAll("/", "_")}.json`;
  const optionsHash = createHash("sha256").update(JSON.stringify(options)).digest("hex");
  if (await upToDate(options.outfile, inputsFile, optionsHash)) return;
  const { outputFiles, metafile } = await build({ ...options, write: false, metafile: true });
  await Promise.all(
    [...outputFiles, { path: inputsFile, contents: JSON.stringify({ optionsHash, inputs: Object.keys(metafile.inputs) }) }].map(
      async ({ path, contents }) => {
        const temporary = `${path}.${process.pid}.tmp`;
        await mkdir(dirname(path), { recursive: true });
        await writeFile(temporary, contents);
        await rename(temporary, path);
      },
    ),
  );
}

/**
 * Whether the last build's output is newer than every file it was built from, with the same
 * options: then synthesis and every jest run skip esbuild. Adding an import edits a file it lists,
 * and a deleted input counts as changed.
 */
async function upToDate(outfile, inputsFile, optionsHash) {
  try {
    const last = JSON.parse(await readFile(inputsFile, "utf8"));
    if (last.optionsHash !== optionsHash) return false;
    const built = (await stat(outfile)).mtimeMs;
    const inputs = await Promise.all(last.inputs.map((input) => stat(input)));
    return inputs.every((input) => input.mtimeMs <= built);
  } catch {
    return false;
  }
}

/** How a Lambda function's bundle is built: each function's folder is archived whole as its code. */
const LAMBDA_BUILD = {
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
};

const recorder = buildAtomically({
  ...LAMBDA_BUILD,
  entryPoints: ["lambda/recorder/index.ts"],
  outfile: "dist/recorder/index.js",
});
const reconciler = buildAtomically({
  ...LAMBDA_BUILD,
  entryPoints: ["lambda/reconciler/index.ts"],
  outfile: "dist/reconciler/index.js",
});

const app = buildAtomically({ ...NODE_APP_BUILD, entryPoints: ["main.ts"], outfile: "dist/app/main.js" });

await Promise.all([recorder, reconciler, app]);
