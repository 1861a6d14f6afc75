import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { awsSandbox, commandPath } from "../support/aws-sandbox";

// npm run test:system (scripts/system-test/run.sh) needs root. Elsewhere it skips with one line;
// under CI, which runs it as root, not being root is a failure, so the test cannot pass untried.

const systemTest = path.resolve(__dirname, "..", "..", "scripts/system-test");
const sandbox = awsSandbox({ bash: commandPath("bash"), dirname: commandPath("dirname") });
// The unprivileged user runs the sandbox's tools too.
fs.chmodSync(sandbox.dir, 0o755);
afterAll(() => sandbox.remove());

// The clone may live where the unprivileged user cannot enter (under /root, say, or any 0700
// folder), so it runs a byte-for-byte copy of scripts/system-test/ laid out as in the repository
// (run.sh changes to the folder two levels up), in the world-readable sandbox.
const copy = path.join(sandbox.dir, "repository", "scripts", "system-test");
fs.mkdirSync(copy, { recursive: true });
for (const dir of [path.join(sandbox.dir, "repository"), path.dirname(copy), copy]) fs.chmodSync(dir, 0o755);
for (const file of fs.readdirSync(systemTest)) {
  fs.copyFileSync(path.join(systemTest, file), path.join(copy, file));
  fs.chmodSync(path.join(copy, file), 0o755);
}
const script = path.join(copy, "run.sh");

/** Runs the script as an unprivileged user: `nobody` when the tests run as root. */
function runUnprivileged(env: Record<string, string>) {
  const [command, args] =
    process.getuid?.() === 0
      ? [commandPath("setpriv"), ["--reuid=65534", "--regid=65534", "--clear-groups", "bash", script]]
      : ["bash", [script]];
  return spawnSync(command, args, { env: { ...sandbox.env, ...env }, encoding: "utf8" });
}

describe("the Asterisk system test run without root", () => {
  it("runs a copy identical to the repository's scripts", () => {
    for (const file of fs.readdirSync(systemTest)) {
      expect(fs.readFileSync(path.join(copy, file), "utf8")).toBe(fs.readFileSync(path.join(systemTest, file), "utf8"));
    }
  });

  it("skips with one SKIPPED line on a developer's machine", () => {
    const result = runUnprivileged({});
    expect(result.stderr).toBe("");
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
