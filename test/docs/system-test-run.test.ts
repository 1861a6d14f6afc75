import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { awsSandbox, commandPath } from "../support/aws-sandbox";

// npm run test:system (scripts/system-test/run.sh) needs root. Elsewhere it skips with one line;
// under CI, which runs it as root, not being root is a failure, so the test cannot pass untried.

const script = path.resolve(__dirname, "..", "..", "scripts/system-test/run.sh");
const sandbox = awsSandbox({ bash: commandPath("bash"), dirname: commandPath("dirname") });
// The unprivileged user runs the sandbox's tools too.
fs.chmodSync(sandbox.dir, 0o755);
afterAll(() => sandbox.remove());

/** Runs the script as an unprivileged user: `nobody` when the tests run as root. */
function runUnprivileged(env: Record<string, string>) {
  const [command, args] =
    process.getuid?.() === 0
      ? [commandPath("setpriv"), ["--reuid=65534", "--regid=65534", "--clear-groups", "bash", script]]
      : ["bash", [script]];
  return spawnSync(command, args, { env: { ...sandbox.env, ...env }, encoding: "utf8" });
}

describe("the Asterisk system test run without root", () => {
  it("skips with one SKIPPED line on a developer's machine", () => {
    const result = runUnprivileged({});
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      "SKIPPED: Asterisk system test: needs root (network namespaces, chroot); run it as root or in CI\n",
    );
  });

  it("fails loudly under CI, which runs it as root", () => {
    const result = runUnprivileged({ CI: "true" });
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain("SKIPPED");
    expect(result.stderr).toContain("FAILED: Asterisk system test: needs root");
  });
});
