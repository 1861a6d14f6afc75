import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Runs the real shellcheck on a bash script and returns its findings ("" when clean). A missing
 * shellcheck is an error, not a skip: CI installs it (.ci/run).
 */
export function shellcheck(script: string, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shellcheck-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, script);
  try {
    const result = spawnSync("shellcheck", ["--shell=bash", "--severity=style", "--format=gcc", file], { encoding: "utf8" });
    if (result.error) {
      throw new Error(`shellcheck could not run (${result.error.message}); install it, e.g. apt-get install -y shellcheck`);
    }
    return `${result.stdout}${result.stderr}`.trim();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
