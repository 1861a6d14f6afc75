import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

// `npm run deploy`, `destroy` and `output` run cdktf through scripts/run-cdktf.mjs: relative var
// files are resolved against where npm was invoked (INIT_CWD), and deploy checks its var files
// (npm run check:tfvars) before cdktf runs. cdktf here is a stand-in on PATH that records how it
// was called: nothing is deployed.

jest.setTimeout(180_000);

const root = path.resolve(__dirname, "..", "..");
const wrapper = path.join(root, "scripts", "run-cdktf.mjs");
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts;
const environments = path.join(root, "environments");

/** Calls one export of scripts/run-cdktf.mjs in a fresh node (the script is an ES module). */
function call(name: string, ...args: unknown[]): any {
  const code =
    "const [url, name, args] = JSON.parse(process.argv[1]);" +
    "import(url).then((m) => console.log(JSON.stringify(m[name](...args))));";
  const result = spawnSync(process.execPath, ["-e", code, JSON.stringify([pathToFileURL(wrapper).href, name, args])], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe("the npm scripts that run cdktf", () => {
  it.each(["deploy", "destroy", "output"])("%s goes through scripts/run-cdktf.mjs", (name) => {
    expect(scripts[name]).toBe(
      `node scripts/remove-backend-override.mjs && CHECKPOINT_DISABLE=1 node scripts/run-cdktf.mjs ${name}`,
    );
  });
});

describe("resolveArguments: cdktf's arguments with files resolved against where npm was invoked", () => {
  const base = "/home/operator/call-recorder/environments";
  const resolve = (args: string[]) => call("resolveArguments", args, base);

  it("resolves --var-file in both spellings, and leaves absolute paths as they are", () => {
    expect(
      resolve(["--var-file=production.tfvars", "--var-file", "../terraform.tfvars", "--var-file=/etc/ccr/a.tfvars"]),
    ).toEqual({
      args: [
        `--var-file=${base}/production.tfvars`,
        "--var-file=/home/operator/call-recorder/terraform.tfvars",
        "--var-file=/etc/ccr/a.tfvars",
      ],
      varFiles: [`${base}/production.tfvars`, "/home/operator/call-recorder/terraform.tfvars", "/etc/ccr/a.tfvars"],
      vars: [],
    });
  });

  it("takes every word after --var-file up to the next option as a var file, as cdktf does (an array option)", () => {
    expect(resolve(["--var-file=a.tfvars", "b.tfvars", "--auto-approve", "call-recorder"])).toEqual({
      args: [`--var-file=${base}/a.tfvars`, `--var-file=${base}/b.tfvars`, "--auto-approve", "call-recorder"],
      varFiles: [`${base}/a.tfvars`, `${base}/b.tfvars`],
      vars: [],
    });
  });

  it("resolves --varFile and --outputs-file, keeps --var values and collects them for the check", () => {
    expect(
      resolve([
        "--varFile",
        "x.tfvars",
        "--var",
        "log_level=DEBUG",
        "--var=alarm_email=ops@example.com",
        "--outputs-file",
        "out.json",
      ]),
    ).toEqual({
      args: [
        `--var-file=${base}/x.tfvars`,
        "--var=log_level=DEBUG",
        "--var=alarm_email=ops@example.com",
        `--outputs-file=${base}/out.json`,
      ],
      varFiles: [`${base}/x.tfvars`],
      vars: ["log_level=DEBUG", "alarm_email=ops@example.com"],
    });
  });

  it("leaves other options, stack names and everything after -- as they are", () => {
    const args = ["call-recorder", "--auto-approve", "--skip-synth", "--parallelism=2", "--", "--var-file=x"];
    expect(resolve(args)).toEqual({ args, varFiles: [], vars: [] });
  });
});

describe("automaticVarFiles: what cdktf adds from the project folder by itself", () => {
  it("finds terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars[.json], and nothing else", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-cdktf-auto-"));
    try {
      for (const name of [
        "b.auto.tfvars.json",
        "a.auto.tfvars",
        "terraform.tfvars.json",
        "terraform.tfvars",
        "production.tfvars",
      ]) {
        fs.writeFileSync(path.join(dir, name), "");
      }
      expect(call("automaticVarFiles", dir)).toEqual(
        ["terraform.tfvars", "terraform.tfvars.json", "a.auto.tfvars", "b.auto.tfvars.json"].map((n) => path.join(dir, n)),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("scripts/run-cdktf.mjs with a stand-in cdktf", () => {
  let work: string;
  let calls: string;
  // A terraform.tfvars of the developer's own in the project folder would be checked as well.
  const ownVarFiles: string[] = call("automaticVarFiles", root);

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "run-cdktf-"));
    calls = path.join(work, "calls.jsonl");
    fs.mkdirSync(path.join(work, "bin"));
    fs.writeFileSync(
      path.join(work, "bin", "cdktf"),
      `#!${process.execPath}\nrequire("node:fs").appendFileSync(${JSON.stringify(calls)}, JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd(), checkpointDisable: process.env.CHECKPOINT_DISABLE }) + "\\n");\n`,
      { mode: 0o755 },
    );
    // One that fails as cdktf can.
    fs.mkdirSync(path.join(work, "failing-bin"));
    fs.writeFileSync(path.join(work, "failing-bin", "cdktf"), "#!/bin/sh\nexit 3\n", { mode: 0o755 });
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  beforeEach(() => fs.rmSync(calls, { force: true }));

  /** Runs the wrapper as npm would: from the project folder, INIT_CWD where npm was invoked. */
  function run(initCwd: string, ...args: string[]) {
    return runWith("bin", initCwd, ...args);
  }

  function runWith(bin: string, initCwd: string, ...args: string[]) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      INIT_CWD: initCwd,
      PATH: `${path.join(work, bin)}${path.delimiter}${process.env.PATH}`,
    };
    delete env.CHECKPOINT_DISABLE;
    const result = spawnSync(process.execPath, [wrapper, ...args], { cwd: root, env, encoding: "utf8" });
    const cdktf = fs.existsSync(calls)
      ? fs
          .readFileSync(calls, "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line))
      : [];
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, cdktf };
  }

  it("destroy: hands cdktf the var file resolved against where npm was invoked, from the project folder, offline", () => {
    const result = run(environments, "destroy", "--var-file=production.tfvars");
    expect(result.status).toBe(0);
    expect(result.cdktf).toEqual([
      { args: ["destroy", `--var-file=${path.join(environments, "production.tfvars")}`], cwd: root, checkpointDisable: "1" },
    ]);
  });

  it("output: resolves --outputs-file and passes the other arguments through", () => {
    const result = run(work, "output", "call-recorder", "--outputs-file", "outputs.json");
    expect(result.status).toBe(0);
    expect(result.cdktf).toEqual([
      {
        args: ["output", "call-recorder", `--outputs-file=${path.join(work, "outputs.json")}`],
        cwd: root,
        checkpointDisable: "1",
      },
    ]);
  });

  it("exits with cdktf's exit status", () => {
    expect(runWith("failing-bin", work, "output").status).toBe(3);
  });

  it("deploy: a misspelled variable stops it before cdktf runs, naming the variable", () => {
    fs.writeFileSync(path.join(work, "typo.tfvars"), 'alarm_emial = "ops@example.com"\n');
    const result = run(work, "deploy", "--var-file", "typo.tfvars");
    expect(result.status).toBe(1);
    expect(result.cdktf).toEqual([]);
    expect(result.stderr).toContain("typo.tfvars: alarm_emial is not a variable of the call recorder; did you mean alarm_email?");
    expect(result.stderr).toContain(
      "Not deploying: the var files did not pass `npm run check:tfvars` (above). Nothing was changed.",
    );
  });

  it("deploy: a value a rule refuses stops it too; with --var values the check sees what Terraform will", () => {
    const refused = run(environments, "deploy", "--var-file=production.tfvars");
    expect(refused.status).toBe(1);
    expect(refused.cdktf).toEqual([]);
    expect(refused.stderr).toContain("set siprec_cidrs to the public IPv4 ranges your SBCs send SIPREC from.");

    const sbcs = 'siprec_cidrs=["100.128.0.0/28"]';
    const accepted = run(environments, "deploy", "--var-file=production.tfvars", "--var", sbcs, "--auto-approve");
    if (ownVarFiles.length > 0 && accepted.status !== 0) {
      throw new Error(`your own var files in the project folder (${ownVarFiles.join(", ")}) fail the check:\n${accepted.stderr}`);
    }
    expect(accepted.status).toBe(0);
    expect(accepted.stdout).toContain("every variable is declared and every value passes the variable rules");
    expect(accepted.cdktf).toEqual([
      {
        args: ["deploy", `--var-file=${path.join(environments, "production.tfvars")}`, `--var=${sbcs}`, "--auto-approve"],
        cwd: root,
        checkpointDisable: "1",
      },
    ]);
  });
});
