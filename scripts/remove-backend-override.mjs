#!/usr/bin/env node
// Run by `npm run synth`, `deploy`, `destroy` and `output` before cdktf: removes the
// backend_override.tf.json that CI's scripts/ci/terraform-init.sh writes into a stack folder.
// cdktf synth leaves files it did not write in place, and an override left behind points the next
// `npm run deploy` at the S3 backend instead of the synthesized local one, which Terraform refuses
// as a backend change. Works on ./cdktf.out, the folder cdktf uses.
import * as fs from "node:fs";
import * as path from "node:path";

const stacks = path.join("cdktf.out", "stacks");
const folders = fs.existsSync(stacks) ? fs.readdirSync(stacks, { withFileTypes: true }).filter((e) => e.isDirectory()) : [];
for (const folder of folders) {
  const override = path.join(stacks, folder.name, "backend_override.tf.json");
  if (!fs.existsSync(override)) continue;
  fs.rmSync(override);
  console.log(`Removed ${override}, left by CI's terraform-init.sh; the stack uses its synthesized local backend again.`);
}
