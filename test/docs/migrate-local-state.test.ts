import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ciScriptEnv,
  type FakeS3,
  fakeS3,
  LOOPBACK_S3_INIT_ARGS,
  run,
  STATE_BUCKET,
  STATE_KEY,
  snapshot,
} from "./support/ci-scripts";

// scripts/ci/migrate-local-state.sh, run with real Terraform: the state of a stack deployed with
// cdktf's local backend moves into a loopback S3 state bucket, and the stack folder stays as it was.

const root = path.resolve(__dirname, "..", "..");
const script = path.join(root, "scripts/ci/migrate-local-state.sh");

let s3: FakeS3;
let work: string;
let stackDir: string;
let localState: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  s3 = await fakeS3(STATE_BUCKET);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "migrate-state-"));
  stackDir = path.join(work, "cdktf.out", "stacks", "call-recorder");
  localState = path.join(work, "terraform.call-recorder.tfstate");
  fs.mkdirSync(stackDir, { recursive: true });
  fs.writeFileSync(path.join(work, "terraformrc"), "");
  // A provider-free stand-in for the synthesized stack, with cdktf's local backend as synthesized.
  fs.writeFileSync(
    path.join(stackDir, "cdk.tf.json"),
    JSON.stringify({
      terraform: { required_version: ">= 1.9", backend: { local: { path: localState } } },
      resource: { terraform_data: { deployed: { input: "recorded calls" } } },
    }),
  );
  env = ciScriptEnv(work, s3.endpoint);
  // Deployed as `npm run deploy` leaves it: local backend, state in the project folder.
  for (const args of [
    ["init", "-input=false", "-no-color"],
    ["apply", "-auto-approve", "-input=false", "-no-color"],
  ]) {
    const result = await run("terraform", args, stackDir, env);
    if (!result.ok) throw new Error(`terraform ${args[0]} failed: ${result.output}`);
  }
});

afterAll(() => {
  s3.server.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("moving a laptop deployment's state to the S3 state bucket (scripts/ci/migrate-local-state.sh)", () => {
  let before: Record<string, string>;
  let result: { ok: boolean; output: string };

  beforeAll(async () => {
    before = snapshot(stackDir);
    result = await run("bash", [script], work, {
      ...env,
      TF_CLI_ARGS_init: LOOPBACK_S3_INIT_ARGS,
    });
  });

  it("copies the deployed resources into the bucket under the state key", () => {
    expect(result).toMatchObject({ ok: true });
    const state = JSON.parse(s3.objects.get(`/${STATE_BUCKET}/${STATE_KEY}`)?.toString() ?? "{}");
    expect(state.resources).toEqual([expect.objectContaining({ type: "terraform_data", name: "deployed" })]);
  });

  it("renames the local state, so a later deploy cannot act on a copy that no longer changes", () => {
    expect(fs.existsSync(localState)).toBe(false);
    expect(fs.existsSync(`${localState}.migrated`)).toBe(true);
  });

  it("leaves the stack folder exactly as it was: no backend override", () => {
    expect(snapshot(stackDir)).toEqual(before);
    expect(fs.readdirSync(work).filter((f) => f.startsWith("migrate-state."))).toEqual([]);
  });

  it("refuses to run again, as there is no local state left to move", async () => {
    const again = await run("bash", [script], work, env);
    expect(again.ok).toBe(false);
    expect(again.output).toContain(`no local state file ${localState} to migrate`);
  });

  it("is what the remote state section of docs/plan-review-in-ci.md tells you to run", () => {
    const page = fs.readFileSync(path.join(root, "docs", "plan-review-in-ci.md"), "utf8");
    const section = page.slice(page.indexOf("## Remote state"), page.indexOf("## The OIDC provider"));
    expect(section).toContain("bash scripts/ci/migrate-local-state.sh");
    expect(section).not.toMatch(/write the override file/);
  });
});
