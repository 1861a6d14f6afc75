import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { CallRecorderStack } from "../../stacks/call-recorder-stack";

/** The synthesized Terraform JSON, loosely typed for assertions. */
export type TerraformJson = {
  terraform: Record<string, unknown>;
  provider: Record<string, Record<string, unknown>[]>;
  variable: Record<string, TerraformVariableBlock>;
  locals: Record<string, string>;
  output: Record<string, { value: unknown; description?: string }>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
};

export interface TerraformVariableBlock {
  type: string;
  description: string;
  default: unknown;
  nullable?: boolean;
  validation?: { condition: string; error_message: string }[];
}

let cached: TerraformJson | undefined;

/**
 * Synthesizes the stack as `cdktf synth` does, against a stand-in recorder bundle so the tests
 * do not depend on `npm run build`. Cached: synthesis is deterministic.
 */
export function synthesizeStack(): TerraformJson {
  if (!cached) {
    const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), "recorder-bundle-"));
    fs.writeFileSync(path.join(bundleDir, "index.js"), "exports.handler = async () => ({ batchItemFailures: [] });\n");
    const stack = new CallRecorderStack(Testing.app(), "call-recorder", {
      recorderBundleDir: bundleDir,
      reconcilerBundleDir: bundleDir,
    });
    cached = JSON.parse(Testing.synth(stack)) as TerraformJson;
  }
  return cached;
}

/** One resource's configuration by type and name, failing clearly when it is missing. */
export function resource(config: TerraformJson, type: string, name: string): Record<string, any> {
  const found = config.resource[type]?.[name];
  if (!found) throw new Error(`${type}.${name} is not in the synthesized configuration`);
  return found;
}

/** Parses a JSON document synthesized as a string literal (policies, event patterns). */
export const parseJsonLiteral = (value: unknown): any => JSON.parse(String(value));
