import * as fs from "node:fs";
import * as path from "node:path";
import {
  acceptedValues,
  REGENERATE,
  renderTfvarsExample,
  renderVariablesSection,
  sectionBetween,
  TFVARS_EXAMPLE,
  VARIABLES_END,
  VARIABLES_START,
} from "../../scripts/docs/render";
import { synthesizeStack } from "../support/synth";

const root = path.resolve(__dirname, "..", "..");
const read = (file: string): string => fs.readFileSync(path.join(root, file), "utf8");
const config = synthesizeStack();
const readme = read("README.md");

/** Fails with the first line that differs and what to run. */
function expectGenerated(what: string, actual: string, expected: string): void {
  if (actual === expected) return;
  const a = actual.split("\n");
  const e = expected.split("\n");
  const i = a.findIndex((line, n) => line !== e[n]);
  const at = i < 0 ? Math.min(a.length, e.length) : i;
  throw new Error(
    `${what} is stale: ${REGENERATE}.\nFirst difference at line ${at + 1}:\n  committed: ${a[at] ?? "(end)"}\n  generated: ${e[at] ?? "(end)"}`,
  );
}

describe("generated documentation", () => {
  it("README's variables section is what `npm run docs` generates", () => {
    expectGenerated(
      `README.md between ${VARIABLES_START} and ${VARIABLES_END}`,
      sectionBetween(readme, VARIABLES_START, VARIABLES_END),
      renderVariablesSection(config.variable).trim(),
    );
  });

  it(`${TFVARS_EXAMPLE} is what \`npm run docs\` generates`, () => {
    const file = path.join(root, TFVARS_EXAMPLE);
    expectGenerated(
      TFVARS_EXAMPLE,
      fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "",
      renderTfvarsExample(config.variable),
    );
  });

  it("documents every variable in the README table", () => {
    const section = sectionBetween(readme, VARIABLES_START, VARIABLES_END);
    const missing = Object.keys(config.variable).filter((name) => !section.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });

  it("states accepted values for every variable that has rules", () => {
    const unstated = Object.entries(config.variable)
      .filter(([name, block]) => (block.validation ?? []).length > 0 && acceptedValues(name, block).length === 0)
      .map(([name]) => name);
    expect(unstated).toEqual([]);
  });
});

describe("README, where it cannot be generated", () => {
  it("mentions every output of the stack", () => {
    const missing = Object.keys(config.output).filter((name) => !new RegExp(`\\b${name}\\b`).test(readme));
    expect(missing).toEqual([]);
  });

  it("names only npm scripts that exist", () => {
    const scripts = Object.keys(JSON.parse(read("package.json")).scripts);
    const mentioned = [...readme.matchAll(/npm run ([\w:.-]+)/g)].map((m) => m[1]);
    expect(mentioned.length).toBeGreaterThan(0);
    expect([...new Set(mentioned)].filter((s) => !scripts.includes(s))).toEqual([]);
  });

  it("runs the CDKTF CLI only through npm scripts, each with CHECKPOINT_DISABLE=1 so it stays offline", () => {
    const scripts: Record<string, string> = JSON.parse(read("package.json")).scripts;
    // Directly, or through scripts/run-cdktf.mjs (relative var files, the tfvars check before deploy).
    const cdktfScripts = Object.entries(scripts).filter(([, command]) => /\b(cdktf|scripts\/run-cdktf\.mjs)\s/.test(command));
    expect(cdktfScripts.map(([name]) => name)).toEqual(expect.arrayContaining(["synth", "deploy", "destroy", "output"]));
    expect(
      cdktfScripts
        .filter(([, command]) => !/(^|&& )CHECKPOINT_DISABLE=1 (cdktf|node scripts\/run-cdktf\.mjs) /.test(command))
        .map(([name]) => name),
    ).toEqual([]);
    const commands = [...readme.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n"));
    expect(commands.filter((line) => /(^|[\s;&|(])(npx\s+)?cdktf\s/.test(line))).toEqual([]);
  });

  it("starts with how to build and test", () => {
    const firstLines = readme.split("\n").slice(0, 10).join("\n");
    expect(firstLines).toContain("npm ci && npm run synth");
    expect(firstLines).toContain("npm test");
  });

  it("names only repository files that exist", () => {
    const named = [
      ...readme.matchAll(
        /(?<![\w./-])((?:\.github|scripts|environments|stacks|lambda|test|asterisk-config)\/[\w./-]*\.[a-z]+)\b/g,
      ),
    ].map((m) => m[1]);
    expect([...new Set(named)].filter((file) => !fs.existsSync(path.join(root, file)))).toEqual([]);
  });

  it("links only to its own headings that exist, as GitHub names their anchors", () => {
    const outsideCode = readme.replace(/```[\s\S]*?```/g, "");
    // GitHub's slug: lower case, punctuation other than - and _ dropped, each space a hyphen.
    const slug = (heading: string) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, "")
        .replace(/ /g, "-");
    const anchors = new Set([...outsideCode.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
    const links = [...outsideCode.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect([links.length > 0, links.filter((link) => !anchors.has(link))]).toEqual([true, []]);
  });
});
