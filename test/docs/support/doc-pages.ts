import * as fs from "node:fs";
import * as path from "node:path";

// The operator documentation as the tests read it: README.md and every page under docs/, their
// shell blocks, headings and links, read as GitHub renders them.

export const ROOT = path.resolve(__dirname, "..", "..", "..");

/** README.md, then every docs/ page, by path from the project folder. */
export const DOC_PAGES: readonly string[] = [
  "README.md",
  ...fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((file) => file.endsWith(".md"))
    .sort()
    .map((file) => `docs/${file}`),
];

export const readPage = (page: string): string => fs.readFileSync(path.join(ROOT, page), "utf8");

/** The text with fenced code blocks removed: headings and links inside them are not rendered. */
export const outsideCode = (text: string): string => text.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, "");

/** The body of every ```sh or ```bash block, in order. */
export const shBlocks = (text: string): string[] => [...text.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1]);

/** GitHub's anchor for a heading: lower case, punctuation other than - and _ dropped, each space a hyphen. */
export const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");

/** The anchors of a page's headings. */
export const anchorsOf = (text: string): Set<string> =>
  new Set([...outsideCode(text).matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));

/** A link of a page: where it points, as written. */
export interface Link {
  readonly page: string;
  readonly target: string;
}

/** Every Markdown link of a page outside code, web addresses left out. */
export const linksOf = (page: string): Link[] =>
  [...outsideCode(readPage(page)).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => ({ page, target: m[1] }))
    .filter((link) => !/^[a-z]+:/i.test(link.target));

/** Why a link points nowhere, or undefined when its file and heading exist. */
export function brokenLink({ page, target }: Link): string | undefined {
  const [file, anchor] = target.split("#", 2) as [string, string | undefined];
  const linked = file === "" ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
  if (!fs.existsSync(path.join(ROOT, linked))) return `${page}: ${target}: no file ${linked}`;
  if (anchor === undefined) return undefined;
  if (!linked.endsWith(".md")) return `${page}: ${target}: ${linked} has no headings`;
  return anchorsOf(readPage(linked)).has(anchor) ? undefined : `${page}: ${target}: no heading #${anchor} in ${linked}`;
}
