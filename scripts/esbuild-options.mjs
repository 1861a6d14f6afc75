// How TypeScript that runs on the deploying machine (the CDKTF app, the docs generator) is bundled:
// dependencies stay external, so each provider class is required on its own.
export const NODE_APP_BUILD = {
  bundle: true,
  packages: "external",
  platform: "node",
  format: "cjs",
  target: "node20",
  logLevel: "warning",
};
