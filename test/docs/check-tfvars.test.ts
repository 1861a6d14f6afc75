import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TFVARS_EXAMPLE } from "../../scripts/docs/render";

// `npm run check:tfvars -- FILE...` (scripts/check-tfvars.mjs): the variable rules planned alone
// with the real terraform, offline. A misspelled variable, which Terraform only warns about, fails
// it, naming the variable and the declared one meant; a refused value fails it with the rule's
// message. Each run synthesizes the stack and plans, a few seconds.

jest.setTimeout(180_000);

const root = path.resolve(__dirname, "..", "..");
const script = path.join(root, "scripts", "check-tfvars.mjs");
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts;
/** What an operator sets in production.tfvars: public ranges standing for their SBCs. */
const SBCS_SET = 'siprec_cidrs=["100.128.0.0/28", "100.128.0.32/32"]';

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "check-tfvars-test-"));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs the check from `cwd` (as npm does, with INIT_CWD where it was invoked). */
function check(args: string[], cwd = root, initCwd?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.INIT_CWD;
  if (initCwd) env.INIT_CWD = initCwd;
  const result = spawnSync(process.execPath, [script, ...args], { cwd, env, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run check:tfvars", () => {
  it("is the script", () => {
    expect(scripts["check:tfvars"]).toBe("node scripts/check-tfvars.mjs");
  });

  it(`accepts ${TFVARS_EXAMPLE} with every line uncommented, named relative to where it runs`, () => {
    const example = fs.readFileSync(path.join(root, TFVARS_EXAMPLE), "utf8");
    const assignments = example
      .split("\n")
      .filter((line) => /^# [a-z_][a-z0-9_]* = /.test(line))
      .map((line) => line.slice(2));
    expect(assignments.length).toBeGreaterThan(10);
    fs.writeFileSync(path.join(work, "example.tfvars"), `${assignments.join("\n")}\n`);
    const result = check(["example.tfvars"], work);
    expect(result).toEqual({
      status: 0,
      stdout: "check:tfvars: example.tfvars: every variable is declared and every value passes the variable rules\n",
      stderr: "",
    });
  });

  it("accepts the production environment with its SBCs set, from environments/ through npm (INIT_CWD)", () => {
    const result = spawnSync("npm", ["run", "--silent", "check:tfvars", "--", "production.tfvars", "--var", SBCS_SET], {
      cwd: path.join(root, "environments"),
      encoding: "utf8",
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
    expect(result.stdout).toContain("check:tfvars: production.tfvars: every variable is declared");
  });

  it("refuses misspelled variables, naming each with the variable meant, though Terraform only warns", () => {
    // More than two: Terraform names two per plan and counts the rest.
    fs.writeFileSync(
      path.join(work, "misspelled.tfvars"),
      [
        'alarm_emial = "ops@example.com"',
        "buid_asterisk = false",
        'log_levle = "INFO"',
        'Region = "us-west-2"',
        "colour = 1",
        "",
      ].join("\n"),
    );
    const result = check(["misspelled.tfvars"], root, work);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("check:tfvars: misspelled.tfvars refused:\n");
    for (const line of [
      "  - misspelled.tfvars: alarm_emial is not a variable of the call recorder; did you mean alarm_email?\n",
      "  - misspelled.tfvars: buid_asterisk is not a variable of the call recorder; did you mean build_asterisk?\n",
      "  - misspelled.tfvars: log_levle is not a variable of the call recorder; did you mean log_level?\n",
      "  - misspelled.tfvars: Region is not a variable of the call recorder; did you mean region?\n",
      "  - misspelled.tfvars: colour is not a variable of the call recorder\n",
    ]) {
      expect(result.stderr).toContain(line);
    }
    expect(result.stderr).toContain("Terraform itself only warns about a variable it does not know");
  });

  it("refuses a value a variable rule refuses, with the rule's message, the file and the line", () => {
    const result = check(["environments/production.tfvars"]);
    expect(result.status).toBe(1);
    const siprecLine =
      fs.readFileSync(path.join(root, "environments/production.tfvars"), "utf8").split("\n").indexOf("siprec_cidrs = [") + 1;
    expect(result.stderr).toContain(
      `  - environments/production.tfvars:${siprecLine}: Invalid value for variable: siprec_cidrs: `,
    );
    expect(result.stderr).toContain("set siprec_cidrs to the public IPv4 ranges your SBCs send SIPREC from.");
    expect(result.stderr).not.toContain("main.tf.json");
  });

  it("plans several files in order, the later overriding the earlier, as Terraform does", () => {
    fs.writeFileSync(path.join(work, "sbcs.tfvars"), `${SBCS_SET}\n`);
    expect(check(["environments/production.tfvars", path.join(work, "sbcs.tfvars")]).status).toBe(0);
    expect(check([path.join(work, "sbcs.tfvars"), "environments/production.tfvars"]).status).toBe(1);
  });

  it("says why it cannot check: no file, a missing file", () => {
    expect(check([])).toMatchObject({ status: 2, stderr: expect.stringContaining("name at least one tfvars file") });
    expect(check(["nothing-here.tfvars"], work)).toEqual({
      status: 2,
      stdout: "",
      stderr: "check:tfvars: nothing-here.tfvars: no such file\n",
    });
  });
});
