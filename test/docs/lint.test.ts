import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

// `npm run lint` requires shellcheck and yamllint, which do not come with `npm ci`: when they are
// missing it says which, and the command that installs them, the one .ci/run runs.

const root = path.resolve(__dirname, "..", "..");
const lint = path.join(root, "scripts", "lint.mjs");

/** Calls one export of scripts/lint.mjs in a fresh node (the script is an ES module). */
function call(name: string, ...args: unknown[]): any {
  const code =
    "const [url, name, args] = JSON.parse(process.argv[1]);" +
    "import(url).then((m) => console.log(JSON.stringify(m[name](...args))));";
  const result = spawnSync(process.execPath, ["-e", code, JSON.stringify([pathToFileURL(lint).href, name, args])], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "lint-test-"));
  for (const dir of ["empty", "some", "all"]) fs.mkdirSync(path.join(work, dir));
  fs.writeFileSync(path.join(work, "some", "yamllint"), "#!/bin/sh\n", { mode: 0o755 });
  // Not executable: not a linter.
  fs.writeFileSync(path.join(work, "some", "shellcheck"), "", { mode: 0o644 });
  for (const name of ["shellcheck", "yamllint"]) fs.writeFileSync(path.join(work, "all", name), "#!/bin/sh\n", { mode: 0o755 });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("npm run lint's system linters", () => {
  it("are found on PATH, or named as missing", () => {
    expect(call("missingLinters", path.join(work, "empty"))).toEqual(["shellcheck", "yamllint"]);
    expect(call("missingLinters", [path.join(work, "empty"), path.join(work, "some")].join(path.delimiter))).toEqual([
      "shellcheck",
    ]);
    expect(call("missingLinters", path.join(work, "all"))).toEqual([]);
  });

  it("when missing, the message names them and the command that installs them", () => {
    const hint: string = call("installHint", ["shellcheck", "yamllint"]);
    expect(hint).toContain("lint: shellcheck and yamllint are not installed");
    expect(hint).toContain("apt-get update && apt-get install -y --no-install-recommends shellcheck yamllint");
    expect(call("installHint", ["yamllint"])).toContain("apt-get install -y --no-install-recommends yamllint");
  });

  it("the command installs what .ci/run installs, from the same packages", () => {
    const ci = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
    const installed = /apt-get install -y -qq --no-install-recommends ([\w -]+?) >/.exec(ci)?.[1].split(" ");
    expect(installed).toEqual(call("missingLinters", path.join(work, "empty")));
  });
});
