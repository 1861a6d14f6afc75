import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

// The CI workflows cannot run here (no GitHub, no AWS), so what can be checked offline is:
// scripts/check-workflows.mjs (valid YAML, everything called exists), the design the operator
// docs promise, and the plan comment's rendering and update-in-place.

const root = path.resolve(__dirname, "..", "..");
const checker = path.join(root, "scripts", "check-workflows.mjs");
const workflow = (name: string): any => parse(fs.readFileSync(path.join(root, ".github", "workflows", name), "utf8"));
const readText = (file: string): string => fs.readFileSync(path.join(root, file), "utf8");

function runChecker(args: string[] = [], env: NodeJS.ProcessEnv = process.env): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [checker, ...args], { cwd: root, encoding: "utf8", env });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("scripts/check-workflows.mjs", () => {
  it("passes on the repository's workflows", () => {
    const result = runChecker();
    expect({ status: result.status, output: result.output }).toEqual({
      status: 0,
      output: expect.stringContaining("all present"),
    });
  });

  it("names the file and the missing path or problem in a broken tree", () => {
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), "bad-workflows-"));
    const write = (file: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
      fs.writeFileSync(path.join(tree, file), text);
    };
    write(
      ".github/workflows/bad.yml",
      [
        "on: push",
        "jobs:",
        "  build:",
        "    runs-on: ubuntu-24.04",
        "    steps:",
        "      - uses: actions/checkout@main",
        "      - uses: ./.github/actions/missing",
        "      - run: bash scripts/ci/missing.sh && node scripts/gone.mjs",
        "      - run: ./tools/absent --flag",
        "      - run: terraform plan -var-file=environments/nowhere.tfvars",
        "      - uses: aws-actions/configure-aws-credentials@v4",
        "        with:",
        "          aws-access-key-id: AKIAEXAMPLE",
        "          aws-region: us-east-1",
        "  call:",
        "    uses: ./.github/workflows/reusable.yml",
        "    with:",
        "      undeclared: x",
        "  none:",
        "    steps:",
        "      - run: echo",
        "",
      ].join("\n"),
    );
    write(
      ".github/workflows/reusable.yml",
      "on:\n  workflow_call:\n    inputs:\n      needed:\n        type: string\n        required: true\njobs:\n  j:\n    runs-on: x\n    steps:\n      - run: echo\n",
    );
    write(".github/workflows/duplicate.yml", "on: push\non: pull_request\njobs: {}\n");
    try {
      const { status, output } = runChecker(["--root", tree], { ...process.env, CI: "" });
      expect(status).toBe(1);
      for (const expected of [
        ".github/workflows/bad.yml:6: actions/checkout@main is not pinned",
        ".github/workflows/bad.yml:7: local action ./.github/actions/missing does not exist",
        ".github/workflows/bad.yml:8: script or path scripts/ci/missing.sh does not exist",
        ".github/workflows/bad.yml:8: script or path scripts/gone.mjs does not exist",
        ".github/workflows/bad.yml:9: script or path ./tools/absent does not exist",
        ".github/workflows/bad.yml:10: script or path environments/nowhere.tfvars does not exist",
        ".github/workflows/bad.yml:13: aws-access-key-id: long-lived AWS keys",
        "job build configures AWS credentials but does not grant permissions: id-token: write",
        "passes input undeclared, which .github/workflows/reusable.yml does not declare",
        "does not pass required input needed of .github/workflows/reusable.yml",
        ".github/workflows/bad.yml:19: job none has neither runs-on nor uses",
        ".github/workflows/duplicate.yml:2: invalid YAML",
      ]) {
        expect(output).toContain(expected);
      }
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });
});

describe("the CI workflows", () => {
  const reusable = workflow("terraform-plan.yml");
  const pullRequest = workflow("pull-request.yml");
  const main = workflow("main.yml");
  const setup = parse(readText(".github/actions/setup/action.yml"));
  const steps = (job: any): any[] => job.steps ?? [];
  const allSteps = [reusable, pullRequest, main].flatMap((wf) => Object.values<any>(wf.jobs).flatMap(steps));

  it("share one plan: both callers use the reusable workflow with the production tfvars", () => {
    expect(Object.keys(reusable.on)).toEqual(["workflow_call"]);
    for (const caller of [pullRequest, main]) {
      expect(caller.jobs.plan).toMatchObject({
        uses: "./.github/workflows/terraform-plan.yml",
        permissions: { "id-token": "write" },
        with: { environment: "production", "tfvars-file": "environments/production.tfvars" },
      });
    }
  });

  it("test, synthesize, init with the S3 backend and plan in that order", () => {
    const commands = [...steps(reusable.jobs.test), ...steps(reusable.jobs.plan)].map((s) => s.run ?? s.uses);
    const order = ["npm test", "npm run synth", "terraform-init.sh", "terraform-plan.sh"].map((c) =>
      commands.findIndex((x: string) => x.includes(c)),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(reusable.jobs.plan.needs).toBe("test");
  });

  it("plan with the read-only role and apply with the apply role, through OIDC only", () => {
    const credentials = allSteps.filter((s) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@"));
    expect(credentials.map((s) => s.with["role-to-assume"]).sort()).toEqual([
      "${{ vars.AWS_APPLY_ROLE_ARN }}",
      "${{ vars.AWS_PLAN_ROLE_ARN }}",
    ]);
    for (const s of credentials) expect(Object.keys(s.with)).not.toContain("aws-access-key-id");
    expect(reusable.jobs.plan.permissions["id-token"]).toBe("write");
    expect(main.jobs.apply.permissions["id-token"]).toBe("write");
  });

  it("apply the saved plan artefact behind the production environment, one deployment at a time", () => {
    expect(main.on.push.branches).toEqual(["main"]);
    expect(main.jobs.apply.environment).toBe("production");
    expect(main.jobs.apply.if).toContain("needs.plan.outputs.has-changes == 'true'");
    expect(main.concurrency["cancel-in-progress"]).toBe(false);
    const apply = steps(main.jobs.apply);
    expect(apply.find((s) => String(s.uses).startsWith("actions/download-artifact@"))?.with.name).toBe(
      "${{ needs.plan.outputs.artifact-name }}",
    );
    expect(apply.at(-1).run).toContain("scripts/ci/terraform-apply.sh");
    expect(readText("scripts/ci/terraform-apply.sh")).toMatch(/apply .* tfplan\n/);
    const upload = steps(reusable.jobs.plan).find((s) => String(s.uses).startsWith("actions/upload-artifact@"));
    // The provider lock file is hidden; the providers themselves are not shipped.
    expect(upload.with).toMatchObject({ "include-hidden-files": true, "if-no-files-found": "error" });
    expect(upload.with.path).toContain("!${{ env.STACK_DIR }}/.terraform");
  });

  it("post the plan to the pull request as one comment, with write access to pull requests only there", () => {
    expect(Object.keys(pullRequest.on)).toEqual(["pull_request"]);
    expect(pullRequest.jobs.comment.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(pullRequest.jobs.comment.if).toContain("always()");
    const script = steps(pullRequest.jobs.comment).find((s) => String(s.uses).startsWith("actions/github-script@"));
    expect(script.with.script).toContain('require("./scripts/ci/plan-comment.js")');
  });

  it("pin Terraform without the wrapper, and every action to a major version", () => {
    const terraformStep = setup.runs.steps.find((s: any) => String(s.uses).startsWith("hashicorp/setup-terraform@"));
    expect(terraformStep.with).toEqual({ terraform_version: "${{ inputs.terraform-version }}", terraform_wrapper: false });
    expect(setup.inputs["terraform-version"].default).toMatch(/^1\.\d+\.\d+$/);
    for (const s of [...allSteps, ...setup.runs.steps]) {
      if (s.uses && !s.uses.startsWith("./")) expect(s.uses).toMatch(/@v\d+$/);
    }
  });

  it("init against S3 with native locking, through an override of cdktf's local backend", () => {
    const init = readText("scripts/ci/terraform-init.sh");
    expect(init).toContain(`'{"terraform":{"backend":{"s3":{}}}}' >"$stack_dir/backend_override.tf.json"`);
    for (const setting of ["bucket=$TF_STATE_BUCKET", "key=$TF_STATE_KEY", "region=$TF_STATE_REGION", "use_lockfile=true"]) {
      expect(init).toContain(`-backend-config="${setting}"`);
    }
  });

  it("document every repository variable they read in docs/plan-review-in-ci.md", () => {
    const used = new Set(
      [reusable, pullRequest, main].flatMap((wf) => [...JSON.stringify(wf).matchAll(/vars\.([A-Z0-9_]+)/g)].map((m) => m[1])),
    );
    const page = readText("docs/plan-review-in-ci.md");
    const ci = page.slice(page.indexOf("<!-- ci:start -->"), page.indexOf("<!-- ci:end -->"));
    expect([...used].filter((name) => !ci.includes(name))).toEqual([]);
    expect(used.size).toBeGreaterThanOrEqual(4);
  });
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const planComment = require("../../scripts/ci/plan-comment.js") as {
  (args: { github: any; context: any; core: any }): Promise<void>;
  renderPlanComment(input: {
    environment: string;
    plan: string | undefined;
    result: string;
    sha: string;
    runUrl: string;
  }): string;
  MARKER: string;
  MAX_PLAN_CHARS: number;
};

describe("the plan comment", () => {
  const base = { environment: "production", result: "success", sha: "0123456789abcdef", runUrl: "https://example.test/run/1" };
  const plan =
    "Terraform will perform the following actions:\n\n  # aws_sqs_queue.recorder will be created\n\nPlan: 1 to add, 0 to change, 0 to destroy.\n";

  it("starts with the hidden marker and collapses the plan under its summary line", () => {
    const body = planComment.renderPlanComment({ ...base, plan });
    expect(body.startsWith(planComment.MARKER)).toBe(true);
    expect(body).toContain("Terraform plan for `production`: Plan: 1 to add, 0 to change, 0 to destroy.");
    expect(body).toMatch(/<details><summary>[^<]+<\/summary>\n\n```text\nTerraform will perform[\s\S]+```\n[\s\S]*<\/details>/);
    expect(body).toContain("0123456");
  });

  it("keeps a plan containing backticks inside its fence, and truncates a huge plan below GitHub's limit", () => {
    expect(planComment.renderPlanComment({ ...base, plan: "a ``` b\nNo changes.\n" })).toContain("````text");
    const huge = planComment.renderPlanComment({
      ...base,
      plan: `${"x".repeat(200_000)}\nPlan: 9 to add, 0 to change, 0 to destroy.\n`,
    });
    expect(huge.length).toBeLessThan(65_536);
    expect(huge).toContain("Plan: 9 to add");
    expect(huge).toContain("Truncated");
  });

  it("says so when there is no plan", () => {
    const body = planComment.renderPlanComment({ ...base, plan: undefined, result: "failure" });
    expect(body.startsWith(planComment.MARKER)).toBe(true);
    expect(body).toContain("no plan (failure)");
  });

  const fakeGitHub = (existing: { id: number; body: string; user: { type: string } }[]) => {
    const calls: { method: string; args: any }[] = [];
    const github = {
      paginate: async (_method: unknown, _args: unknown) => existing,
      rest: {
        issues: {
          listComments: () => undefined,
          updateComment: async (args: any) => void calls.push({ method: "update", args }),
          createComment: async (args: any) => {
            calls.push({ method: "create", args });
            return { data: { html_url: "u" } };
          },
        },
      },
    };
    const context = {
      payload: { pull_request: { number: 7, head: { sha: "abcdef0123" } } },
      repo: { owner: "o", repo: "r" },
      serverUrl: "https://github.com",
      runId: 42,
    };
    return { github, context, core: { info: () => undefined }, calls };
  };

  const withPlanFile = async (fn: () => Promise<void>): Promise<void> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-comment-"));
    fs.writeFileSync(path.join(dir, "plan.txt"), plan);
    const saved = { ...process.env };
    Object.assign(process.env, { PLAN_FILE: path.join(dir, "plan.txt"), PLAN_RESULT: "success", PLAN_ENVIRONMENT: "production" });
    try {
      await fn();
    } finally {
      for (const key of ["PLAN_FILE", "PLAN_RESULT", "PLAN_ENVIRONMENT"]) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it("updates the comment an earlier push created, found by its marker", async () => {
    const fake = fakeGitHub([
      { id: 1, body: "a person's comment", user: { type: "User" } },
      { id: 2, body: `${planComment.MARKER}\nold plan`, user: { type: "Bot" } },
    ]);
    await withPlanFile(() => planComment(fake));
    expect(fake.calls).toEqual([{ method: "update", args: expect.objectContaining({ owner: "o", repo: "r", comment_id: 2 }) }]);
    expect(fake.calls[0].args.body).toContain("Plan: 1 to add");
  });

  it("creates the comment on a pull request's first push", async () => {
    const fake = fakeGitHub([{ id: 1, body: `quoting ${planComment.MARKER}`, user: { type: "User" } }]);
    await withPlanFile(() => planComment(fake));
    expect(fake.calls).toEqual([{ method: "create", args: expect.objectContaining({ issue_number: 7 }) }]);
  });
});
