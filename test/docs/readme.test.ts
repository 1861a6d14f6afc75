import * as fs from "node:fs";
import * as path from "node:path";
import {
  acceptedValues,
  OUTPUTS_END,
  OUTPUTS_START,
  REGENERATE,
  renderOutputsSection,
  renderTfvarsExample,
  renderVariablesSection,
  sectionBetween,
  TFVARS_EXAMPLE,
  VARIABLES_END,
  VARIABLES_START,
} from "../../scripts/docs/render";
import { synthesizeStack } from "../support/synth";
import { brokenLink, DOC_PAGES, linksOf, outsideCode, ROOT, readPage, shBlocks } from "./support/doc-pages";

// The README is the front door: the two commands first, the quick path to a planned deployment,
// the deploy shapes and generated tables of every input and output. Everything else is a page
// under docs/. What is said on every page is held to the code: tables generated, commands and
// files that exist, links that resolve. test/docs/quick-path.test.ts runs the README's commands.

const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), "utf8");
const config = synthesizeStack();
const readme = read("README.md");
const readmeLines = readme.split("\n");
/** The README from its first line to the end of the quick path: a planned deployment. */
const QUICK_PATH_END = "<!-- quick-path:end -->";
const quickPath = readme.slice(0, readme.indexOf(QUICK_PATH_END));

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

  it("README's outputs section is what `npm run docs` generates from the outputs' descriptions", () => {
    expectGenerated(
      `README.md between ${OUTPUTS_START} and ${OUTPUTS_END}`,
      sectionBetween(readme, OUTPUTS_START, OUTPUTS_END),
      renderOutputsSection(config.output).trim(),
    );
  });

  it(`${TFVARS_EXAMPLE} is what \`npm run docs\` generates`, () => {
    const file = path.join(ROOT, TFVARS_EXAMPLE);
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

  it("documents every output in the README table, each by a description of its own", () => {
    const section = sectionBetween(readme, OUTPUTS_START, OUTPUTS_END);
    const outputs = Object.entries(config.output);
    expect(outputs.filter(([name]) => !section.includes(`| \`${name}\` |`)).map(([name]) => name)).toEqual([]);
    expect(outputs.filter(([, block]) => !block.description?.trim()).map(([name]) => name)).toEqual([]);
  });

  it("states accepted values for every variable that has rules", () => {
    const unstated = Object.entries(config.variable)
      .filter(([name, block]) => (block.validation ?? []).length > 0 && acceptedValues(name, block).length === 0)
      .map(([name]) => name);
    expect(unstated).toEqual([]);
  });
});

describe("README, the front door", () => {
  it("starts with how to build and test", () => {
    const firstLines = readmeLines.slice(0, 10).join("\n");
    expect(firstLines).toContain("npm ci && npm run synth");
    expect(firstLines).toContain("npm test");
  });

  it("is under 250 lines", () => {
    expect(readmeLines.length).toBeLessThan(250);
  });

  it("reaches a planned deployment within 60 lines: the quick path ends with `npm run deploy`", () => {
    const lines = quickPath.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(60);
    const blocks = shBlocks(quickPath);
    expect(blocks[blocks.length - 1].trimEnd().split("\n").pop()).toMatch(/^npm run deploy -- --var-file=terraform\.tfvars\b/);
  });

  it("says before the first deploy that destroy deletes the recordings by default, and points to RETAIN", () => {
    const beforeDeploy = quickPath.slice(0, quickPath.indexOf("npm run deploy -- --var-file"));
    expect(beforeDeploy).toMatch(/[Dd]estroy deletes the recordings/);
    expect(beforeDeploy).toContain('removal_policy = "DESTROY"');
    expect(beforeDeploy).toContain('removal_policy = "RETAIN"');
    expect(beforeDeploy).toContain("(docs/operations.md#keeping-recordings-on-destroy)");
  });

  it("mentions every output of the stack", () => {
    const missing = Object.keys(config.output).filter((name) => !new RegExp(`\\b${name}\\b`).test(readme));
    expect(missing).toEqual([]);
  });

  it("links the pages beyond it", () => {
    expect(linksOf("README.md").filter((link) => link.target.startsWith("docs/")).length).toBeGreaterThan(0);
  });

  it("links every docs/ page and every example, so none is out of reach", () => {
    const linked = new Set(linksOf("README.md").map((link) => link.target.split("#")[0]));
    const pages = DOC_PAGES.filter((page) => page !== "README.md");
    const examples = fs.readdirSync(path.join(ROOT, "examples")).map((file) => `examples/${file}`);
    expect([...pages, ...examples].filter((file) => !linked.has(file))).toEqual([]);
  });
});

describe.each(DOC_PAGES)("%s, where it cannot be generated", (page) => {
  const text = readPage(page);

  it("names only npm scripts that exist", () => {
    const scripts = Object.keys(JSON.parse(read("package.json")).scripts);
    // npm's own options (`npm run -s calls`) come before the script's name.
    const mentioned = [...text.matchAll(/npm run (?:--?[\w-]+ +)*([\w:.][\w:.-]*)/g)].map((m) => m[1]);
    expect([...new Set(mentioned)].filter((s) => !scripts.includes(s))).toEqual([]);
  });

  it("runs the CDKTF CLI only through npm scripts", () => {
    const commands = shBlocks(text).flatMap((block) => block.split("\n"));
    expect(commands.filter((line) => /(^|[\s;&|(])(npx\s+)?cdktf\s/.test(line))).toEqual([]);
  });

  it("names only repository files that exist", () => {
    const named = [
      ...text.matchAll(
        /(?<![\w./-])((?:\.github|scripts|environments|stacks|lambda|test|asterisk-config|examples|docs)\/[\w./-]*\.[a-z]+)\b/g,
      ),
    ].map((m) => m[1]);
    expect([...new Set(named)].filter((file) => !fs.existsSync(path.join(ROOT, file)))).toEqual([]);
  });

  it("links only to files and headings that exist, as GitHub names their anchors", () => {
    expect(linksOf(page).map(brokenLink).filter(Boolean)).toEqual([]);
  });

  it("has one top-level heading, its title", () => {
    expect([...outsideCode(text).matchAll(/^# .+$/gm)].length).toBe(1);
  });
});

describe("the npm scripts the pages run", () => {
  it("run the CDKTF CLI with CHECKPOINT_DISABLE=1 so it stays offline", () => {
    const scripts: Record<string, string> = JSON.parse(read("package.json")).scripts;
    // Directly, or through scripts/run-cdktf.mjs (relative var files, the tfvars check before deploy).
    const cdktfScripts = Object.entries(scripts).filter(([, command]) => /\b(cdktf|scripts\/run-cdktf\.mjs)\s/.test(command));
    expect(cdktfScripts.map(([name]) => name)).toEqual(expect.arrayContaining(["synth", "deploy", "destroy", "output"]));
    expect(
      cdktfScripts
        .filter(([, command]) => !/(^|&& )CHECKPOINT_DISABLE=1 (cdktf|node scripts\/run-cdktf\.mjs) /.test(command))
        .map(([name]) => name),
    ).toEqual([]);
  });

  it("are named somewhere, so every page's commands are held to these checks", () => {
    const mentioned = DOC_PAGES.flatMap((page) => [...readPage(page).matchAll(/npm run ([\w:.-]+)/g)].map((m) => m[1]));
    expect(mentioned.length).toBeGreaterThan(0);
  });
});
