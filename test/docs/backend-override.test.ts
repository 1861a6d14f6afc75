import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// CI's terraform-init.sh writes backend_override.tf.json into the stack folder, and cdktf synth
// leaves files it did not write in place: the npm scripts that run cdktf remove it first, so the
// next `npm run deploy` keeps the synthesized local backend.

const root = path.resolve(__dirname, "..", "..");
const helper = path.join(root, "scripts/remove-backend-override.mjs");
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts;

describe("a backend override left in cdktf.out", () => {
  it.each(["synth", "deploy", "destroy", "output"])("is removed by `npm run %s` before cdktf runs", (name) => {
    // deploy, destroy and output run cdktf through scripts/run-cdktf.mjs, which resolves relative var files.
    expect(scripts[name]).toMatch(
      /^node scripts\/remove-backend-override\.mjs && CHECKPOINT_DISABLE=1 (cdktf|node scripts\/run-cdktf\.mjs) /,
    );
  });

  describe("scripts/remove-backend-override.mjs", () => {
    let work: string;
    const stack = (name: string) => path.join(work, "cdktf.out", "stacks", name);
    const run = () => spawnSync(process.execPath, [helper], { cwd: work, encoding: "utf8" });

    beforeEach(() => {
      work = fs.mkdtempSync(path.join(os.tmpdir(), "backend-override-"));
    });
    afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

    it("removes the override from every stack folder and says so", () => {
      for (const name of ["call-recorder", "other"]) {
        fs.mkdirSync(stack(name), { recursive: true });
        fs.writeFileSync(path.join(stack(name), "backend_override.tf.json"), '{"terraform":{"backend":{"s3":{}}}}');
      }
      const result = run();
      expect(result.status).toBe(0);
      expect(fs.existsSync(path.join(stack("call-recorder"), "backend_override.tf.json"))).toBe(false);
      expect(fs.existsSync(path.join(stack("other"), "backend_override.tf.json"))).toBe(false);
      expect(result.stdout).toContain(path.join("cdktf.out", "stacks", "call-recorder", "backend_override.tf.json"));
    });

    it("leaves everything else in the stack folder as it is", () => {
      fs.mkdirSync(path.join(stack("call-recorder"), ".terraform"), { recursive: true });
      fs.writeFileSync(path.join(stack("call-recorder"), "cdk.tf.json"), "{}");
      fs.writeFileSync(path.join(stack("call-recorder"), "override.tf.json"), "{}");
      expect(run().status).toBe(0);
      expect(fs.readdirSync(stack("call-recorder")).sort()).toEqual([".terraform", "cdk.tf.json", "override.tf.json"]);
    });

    it("does nothing, quietly, before the first synth", () => {
      const result = run();
      expect(result).toMatchObject({ status: 0, stdout: "" });
    });
  });
});
