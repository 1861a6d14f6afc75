"use strict";
/**
 * Builds the recorder bundle and the CDKTF app before any test file runs, so that `npx jest <file>`
 * tests the current source: the recorder's integration tests run dist/recorder/index.js and the
 * stack tests dist/app/main.js. esbuild takes about a second.
 */
const { execFileSync } = require("node:child_process");
const path = require("node:path");

module.exports = function buildBundles() {
  execFileSync(process.execPath, [path.join(__dirname, "../../scripts/build.mjs")], {
    cwd: path.join(__dirname, "../.."),
    stdio: "inherit",
  });
};
