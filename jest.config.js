/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  // Integration and stack tests run the built bundles: every run builds them from the current source.
  globalSetup: "<rootDir>/test/support/global-setup.js",
  transform: { "^.+\\.ts$": ["@swc/jest"] },
  testTimeout: 60000,
};
