import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthesizeStack } from "../support/synth";

const config = synthesizeStack();

describe("the synthesized configuration", () => {
  it("requires Terraform 1.9 or later, which cross-variable validation needs", () => {
    expect(config.terraform.required_version).toBe(">= 1.9");
  });

  it("pins the AWS provider to 6.x", () => {
    expect(config.terraform.required_providers).toMatchObject({ aws: { source: "aws", version: expect.stringMatching(/^6\./) } });
  });

  it("configures the provider's region from a variable, with default tags merged with var.tags", () => {
    expect(config.provider.aws[0]).toEqual({
      region: "${var.region}",
      default_tags: [{ tags: '${merge({ Application = "chime-call-recorder", ManagedBy = "terraform" }, var.tags)}' }],
    });
  });

  it.each([
    "voice_connector_id",
    "voice_connector_host",
    "recording_bucket_name",
    "recording_location",
    "call_table_name",
    "media_insights_pipeline_configuration_arn",
    "recorder_function_name",
    "recorder_log_group",
    "dead_letter_queue_url",
  ])("outputs %s with a description", (name) => {
    expect(config.output[name].description).toEqual(expect.any(String));
  });

  it("names outputs in snake_case", () => {
    for (const name of Object.keys(config.output)) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
  });
});

describe("the app's sources", () => {
  const sources = [
    "main.ts",
    ...fs
      .readdirSync("stacks", { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts"))
      .map((f) => path.join("stacks", f)),
  ];

  it.each(sources)("%s imports provider classes per resource, never a provider package root", (file) => {
    expect(fs.readFileSync(file, "utf8")).not.toMatch(/from "@cdktf\/provider-(aws|null)"/);
  });
});

describe("synthesis of the built app (npm test builds it first)", () => {
  it("is deterministic: two runs give the same configuration", () => {
    const synth = (): string => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));
      execFileSync(process.execPath, ["dist/app/main.js"], { env: { ...process.env, CDKTF_OUTDIR: outdir } });
      return fs.readFileSync(path.join(outdir, "stacks", "call-recorder", "cdk.tf.json"), "utf8");
    };
    expect(synth()).toBe(synth());
  });
});
