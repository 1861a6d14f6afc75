// Synthesizes the stack from the current source for the tools that read its JSON (docs.mjs,
// check-tfvars.mjs): esbuild bundles the stack, plus `extraExports` (more modules the tool needs
// from the same bundle), into one CommonJS file at `outfile`, which is loaded and run here.
// The recorder's code is a stand-in: the variables and docs do not depend on it.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { NODE_APP_BUILD } from "./esbuild-options.mjs";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** `outfile` must lie beside the sources (under dist/), so the bundle's external packages resolve. */
export async function synthesizeStack(outfile, extraExports = "") {
  await build({
    ...NODE_APP_BUILD,
    stdin: {
      contents: `
        import { Testing } from "cdktf";
        import { CallRecorderStack } from "./stacks/call-recorder-stack";
        ${extraExports}
        export function synthesize(recorderBundleDir: string) {
          const stack = new CallRecorderStack(Testing.app(), "call-recorder", { recorderBundleDir, reconcilerBundleDir: recorderBundleDir });
          return JSON.parse(Testing.synth(stack));
        }
      `,
      resolveDir: root,
      sourcefile: "synthesize-stack-entry.ts",
      loader: "ts",
    },
    outfile,
  });
  const bundle = createRequire(import.meta.url)(outfile);
  const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), "stand-in-recorder-"));
  try {
    fs.writeFileSync(path.join(bundleDir, "index.js"), "exports.handler = async () => ({});\n");
    return { config: bundle.synthesize(bundleDir), bundle };
  } finally {
    fs.rmSync(bundleDir, { recursive: true, force: true });
  }
}
