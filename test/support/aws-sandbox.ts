import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Where `tool` is installed; an error naming it when it is not. */
export function commandPath(tool: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
  if (!found) throw new Error(`${tool} is not installed; these tests need it (see the README's prerequisites)`);
  return found;
}

/** A loopback port nothing listens on: what reaches it fails at once. */
export const DEAD_ENDPOINT = "http://127.0.0.1:9";

/**
 * An environment for commands that could reach AWS: a folder with the given tools, each linked one
 * by one (never a whole system folder on PATH), dummy credentials and an empty configuration. Every
 * AWS call goes to `endpoint` (by default a dead loopback port); anything else meets a dead proxy,
 * so nothing can reach AWS even with real credentials around.
 */
export interface AwsSandbox {
  readonly dir: string;
  readonly env: Record<string, string>;
  readonly remove: () => void;
}

export function awsSandbox(tools: Record<string, string>, endpoint: string = DEAD_ENDPOINT): AwsSandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-sandbox-"));
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  for (const [name, target] of Object.entries(tools)) fs.symlinkSync(target, path.join(bin, name));
  const config = path.join(dir, "aws-config");
  const credentials = path.join(dir, "aws-credentials");
  fs.writeFileSync(config, "[default]\n");
  fs.writeFileSync(credentials, "[default]\naws_access_key_id = test\naws_secret_access_key = test\n");
  return {
    dir,
    env: {
      PATH: bin,
      HOME: dir,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_EC2_METADATA_DISABLED: "true",
      // One attempt: a test's failures are its own, not a network's.
      AWS_MAX_ATTEMPTS: "1",
      HTTP_PROXY: DEAD_ENDPOINT,
      HTTPS_PROXY: DEAD_ENDPOINT,
      NO_PROXY: "127.0.0.1",
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
