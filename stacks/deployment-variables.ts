import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { hclList, rootVariable, type VariableSpec } from "./root-variable";

/** Regions where Chime SDK call recording (media insights pipelines) is offered. */
export const RECORDING_REGIONS = ["us-east-1", "us-west-2", "eu-central-1"];

/** Where and under which names the stack deploys, and how much its parts log. */
export class DeploymentVariables extends Construct {
  readonly region: TerraformVariable;
  readonly namePrefix: TerraformVariable;
  readonly tags: TerraformVariable;
  readonly logLevel: TerraformVariable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const variable = (name: string, spec: VariableSpec): TerraformVariable => rootVariable(this, name, spec);

    this.region = variable("region", {
      type: "string",
      default: "us-east-1",
      description: `AWS Region to deploy to. Chime SDK call recording is offered in ${RECORDING_REGIONS.join(", ")}.`,
      rules: [
        {
          condition: `contains(${hclList(RECORDING_REGIONS)}, var.region)`,
          errorMessage: `region: "\${var.region}" does not offer Chime SDK call recording; use one of ${RECORDING_REGIONS.join(", ")}.`,
        },
      ],
    });

    this.namePrefix = variable("name_prefix", {
      type: "string",
      default: "call-recorder",
      description:
        "Prefix of every resource name. Lower-case letters, digits and hyphens, 3 to 24 characters, starting with a letter.",
      rules: [
        {
          condition: `can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.name_prefix))`,
          errorMessage:
            'name_prefix: "${var.name_prefix}" is not a valid prefix; use 3 to 24 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen (it becomes part of the bucket name).',
        },
      ],
    });

    this.tags = variable("tags", {
      type: "map(string)",
      default: {},
      description: "Tags added to every resource through the provider's default tags.",
      rules: [
        {
          condition: `alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])`,
          errorMessage:
            'tags: every key must be 1 to 128 characters and must not start with "aws:", every value at most 256 characters; got ${jsonencode(var.tags)}.',
        },
      ],
    });

    this.logLevel = variable("log_level", {
      type: "string",
      default: "INFO",
      description: "Log level of the recorder function and the Asterisk PBX: DEBUG, INFO, WARN or ERROR.",
      rules: [
        {
          condition: `contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)`,
          errorMessage: 'log_level: "${var.log_level}" is not a level; use DEBUG, INFO, WARN or ERROR.',
        },
      ],
    });
  }
}
