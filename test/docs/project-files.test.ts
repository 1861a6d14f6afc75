import * as fs from "node:fs";
import * as path from "node:path";

// The files a user of the project expects beside the code: a LICENSE matching package.json, and a
// CHANGELOG whose newest section says what the unreleased changes do to a deployment.

const root = path.resolve(__dirname, "..", "..");
const read = (file: string): string => fs.readFileSync(path.join(root, file), "utf8");

/** SPDX identifiers by the title a license text opens with (https://spdx.org/licenses/). */
const SPDX_BY_TITLE: Record<string, string> = {
  "MIT No Attribution": "MIT-0",
  "MIT License": "MIT",
  "Apache License": "Apache-2.0",
};

describe("LICENSE", () => {
  const license = fs.existsSync(path.join(root, "LICENSE")) ? read("LICENSE") : "";
  const lines = license.split("\n");

  it("exists, and its title is the SPDX license package.json declares", () => {
    expect(license).not.toBe("");
    expect(SPDX_BY_TITLE[lines[0].trim()]).toBe(JSON.parse(read("package.json")).license);
  });

  it("is MIT-0 whole: the grant, no attribution clause, a copyright line", () => {
    expect(lines[2]).toMatch(/^Copyright \d{4} \S.*$/);
    const text = license.replace(/\s+/g, " ");
    expect(text).toContain(
      "to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so.",
    );
    expect(text).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
    // The one clause MIT has and MIT-0 drops.
    expect(text).not.toContain("The above copyright notice and this permission notice shall be included");
  });
});

describe("CHANGELOG.md", () => {
  const changelog = fs.existsSync(path.join(root, "CHANGELOG.md")) ? read("CHANGELOG.md") : "";
  const sections = [...changelog.matchAll(/^## (.+)$/gm)].map((m) => m[1]);

  it("opens with the Unreleased section", () => {
    expect(changelog).toMatch(/^# Changelog\n/);
    expect(sections[0]).toBe("[Unreleased]");
  });

  it("says, for the unreleased changes, what a plan shows and what happens to calls in flight", () => {
    const unreleased = changelog.split(/^## /m)[1] ?? "";
    expect(unreleased).toContain("### What the plan shows");
    expect(unreleased).toMatch(/\d+ to add, \d+ to change,\s+\d+ to destroy/);
    expect(unreleased).toContain("### Upgrading: calls in flight");
  });
});
