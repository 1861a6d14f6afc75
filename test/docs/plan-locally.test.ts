import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ciScriptEnv, type FakeS3, fakeS3, LOOPBACK_S3_INIT_ARGS, run, STATE_BUCKET, snapshot } from "./support/ci-scripts";

// scripts/ci/plan-locally.sh, run with real Terraform against a loopback S3 that holds the state
// bucket: the plan is made as CI makes it, and the stack folder is left as `npm run deploy` needs it.

const root = path.resolve(__dirname, "..", "..");

let s3: FakeS3;
let work: string;
let stackDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  s3 = await fakeS3(STATE_BUCKET);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "plan-locally-"));
  stackDir = path.join(work, "cdktf.out", "stacks", "call-recorder");
  fs.mkdirSync(stackDir, { recursive: true });
  fs.writeFileSync(path.join(work, "terraformrc"), "");
  // A provider-free stand-in for the synthesized stack, with cdktf's local backend as synthesized.
  fs.writeFileSync(
    path.join(stackDir, "cdk.tf.json"),
    JSON.stringify({
      terraform: { required_version: ">= 1.9", backend: { local: { path: path.join(work, "terraform.call-recorder.tfstate") } } },
      variable: { environment: { type: "string", default: "none" } },
      resource: { terraform_data: { marker: { input: "${var.environment}" } } },
    }),
  );
  fs.writeFileSync(path.join(work, "production.tfvars"), 'environment = "production"\n');
  env = { ...ciScriptEnv(work, s3.endpoint), TF_CLI_ARGS_init: LOOPBACK_S3_INIT_ARGS };
  // As `npm run deploy` leaves it: initialised with the local backend.
  const init = await run("terraform", ["init", "-input=false", "-no-color"], stackDir, { ...env, TF_CLI_ARGS_init: "" });
  if (!init.ok) throw new Error(`terraform init failed: ${init.output}`);
});

afterAll(() => {
  s3.server.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("planning on a laptop as CI does (scripts/ci/plan-locally.sh)", () => {
  it("plans against the S3 state and keeps the plan's text next to the stack", async () => {
    const result = await run("bash", [path.join(root, "scripts/ci/plan-locally.sh"), "production.tfvars"], work, env);
    expect(result).toMatchObject({ ok: true });
    expect(fs.readFileSync(path.join(work, "cdktf.out", "stacks", "plan-production.txt"), "utf8")).toContain('"production"');
  });

  it("leaves the stack folder exactly as it was: no backend override, local backend still initialised", async () => {
    const before = snapshot(stackDir);
    const result = await run("bash", [path.join(root, "scripts/ci/plan-locally.sh"), "production.tfvars"], work, env);
    expect(result.ok).toBe(true);
    expect(snapshot(stackDir)).toEqual(before);
    expect(fs.existsSync(path.join(stackDir, "backend_override.tf.json"))).toBe(false);
  });

  it("leaves the stack folder as it was when the plan fails after init too", async () => {
    fs.writeFileSync(path.join(work, "broken.tfvars"), 'environment = ["not", "a", "string"]\n');
    const before = snapshot(stackDir);
    const result = await run("bash", [path.join(root, "scripts/ci/plan-locally.sh"), "broken.tfvars"], work, env);
    expect(result.ok).toBe(false);
    expect(result.output).toContain("Terraform has been successfully initialized");
    expect(snapshot(stackDir)).toEqual(before);
  });

  it("removes its working copy", async () => {
    await run("bash", [path.join(root, "scripts/ci/plan-locally.sh"), "production.tfvars"], work, env);
    expect(fs.readdirSync(work).filter((f) => f.startsWith("plan-locally."))).toEqual([]);
  });

  it("is what docs/plan-review-in-ci.md shows for a laptop plan, rather than CI's scripts on the stack folder", () => {
    const page = fs.readFileSync(path.join(root, "docs", "plan-review-in-ci.md"), "utf8");
    const block = page.match(/To plan on a laptop exactly as CI does[^`]*```sh\n([\s\S]*?)```/)?.[1] ?? "";
    expect(block).toContain("bash scripts/ci/plan-locally.sh environments/production.tfvars");
    expect(block).not.toContain("terraform-init.sh");
  });
});
