/**
 * The Asterisk system test (npm run test:system): run through scripts/system-test/run.sh, which
 * prepares the chroot and the network namespaces. Its files end in .system.ts so `npm test`
 * never picks them up.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test/system"],
  testMatch: ["**/*.system.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest"] },
  testTimeout: 120000,
};
