import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { cidrRule, hclList, isIpv4Cidr, isNetworkAddress, prefixLength, rootVariable, type VariableSpec } from "../root-variable";

/** Regions whose Voice Connector address ranges the PBX security group knows (see asterisk-pbx.ts). */
export const PBX_REGIONS = ["us-east-1", "us-west-2"];

/** The Asterisk test PBX: whether to build it, who may register with it, its instance and its phone number. */
export class PbxVariables extends Construct {
  readonly buildAsterisk: TerraformVariable;
  readonly softphoneCidrs: TerraformVariable;
  readonly asteriskInstanceType: TerraformVariable;
  readonly phoneNumberAreaCode: TerraformVariable;
  readonly phoneNumberState: TerraformVariable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const variable = (name: string, spec: VariableSpec): TerraformVariable => rootVariable(this, name, spec);

    this.buildAsterisk = variable("build_asterisk", {
      type: "bool",
      default: true,
      description: "Deploy the Asterisk test PBX with a phone number. Set false to connect your own SBC (siprec_cidrs) or trunk.",
      rules: [
        {
          condition: `!(var.build_asterisk && length(var.siprec_cidrs) > 0)`,
          errorMessage:
            "build_asterisk: true cannot be combined with siprec_cidrs (the PBX and a SIPREC SBC are alternatives); set build_asterisk = false to use siprec_cidrs, or siprec_cidrs = [].",
        },
        {
          condition: `!var.build_asterisk || contains(${hclList(PBX_REGIONS)}, var.region)`,
          errorMessage: `build_asterisk: the Asterisk PBX knows the Voice Connector address ranges of ${PBX_REGIONS.join(" and ")} only, not "\${var.region}"; choose one of those regions or set build_asterisk = false.`,
        },
      ],
    });

    this.softphoneCidrs = variable("softphone_cidrs", {
      type: "list(string)",
      default: [],
      description:
        "Public IPv4 CIDRs a softphone may register with the Asterisk test PBX from (SIP and RTP), e.g. your address as /32. [] admits none.",
      rules: [
        cidrRule("softphone_cidrs", isIpv4Cidr, 'are not IPv4 CIDRs; write each as "203.0.113.7/32".'),
        cidrRule(
          "softphone_cidrs",
          `try(${prefixLength} >= 16, true)`,
          "are wider than /16; use prefixes from /16 to /32, e.g. your address as /32.",
        ),
        // The security group rules refuse a CIDR with host bits, and the plan would fail late there.
        cidrRule(
          "softphone_cidrs",
          isNetworkAddress,
          'have host bits set; give the network address, e.g. "203.0.113.0/24" rather than "203.0.113.7/24".',
        ),
        // Each entry keys security group rules: a repeated entry would be a duplicate key.
        {
          condition: `length(distinct(var.softphone_cidrs)) == length(var.softphone_cidrs)`,
          errorMessage:
            "softphone_cidrs: ${jsonencode(distinct([for i, c in var.softphone_cidrs : c if index(var.softphone_cidrs, c) != i]))} are listed more than once; list each range once.",
        },
      ],
    });

    this.asteriskInstanceType = variable("asterisk_instance_type", {
      type: "string",
      default: "t4g.small",
      description: "EC2 instance type of the Asterisk PBX. It runs an arm64 image, so a Graviton type (t4g, m7g, c7g, ...).",
      rules: [
        {
          condition: `can(regex("^[a-z]+[0-9]+g[a-z]*[.][a-z0-9]+$", var.asterisk_instance_type))`,
          errorMessage:
            'asterisk_instance_type: "${var.asterisk_instance_type}" is not a Graviton (arm64) instance type; use a type such as t4g.small, t4g.medium or m7g.large.',
        },
      ],
    });

    this.phoneNumberAreaCode = variable("phone_number_area_code", {
      type: "string",
      default: "",
      description:
        'US area code of the test phone number ordered for the PBX, e.g. "415"; when set, the number is searched by area code and phone_number_state is not used. "" searches by phone_number_state.',
      rules: [
        {
          condition: `var.phone_number_area_code == "" || can(regex("^[2-9][0-9]{2}$", var.phone_number_area_code))`,
          errorMessage:
            'phone_number_area_code: "${var.phone_number_area_code}" is not a US area code; use three digits not starting with 0 or 1, e.g. "415", or "".',
        },
      ],
    });

    this.phoneNumberState = variable("phone_number_state", {
      type: "string",
      default: "WA",
      description:
        'US state of the test phone number, as a two-letter code. Searched when phone_number_area_code is "": a search for US numbers must name an area code or a state.',
      rules: [
        {
          condition: `var.phone_number_state == "" || can(regex("^[A-Z]{2}$", var.phone_number_state))`,
          errorMessage:
            'phone_number_state: "${var.phone_number_state}" is not a state code; use two capital letters, e.g. "WA", or "".',
        },
        {
          condition: `!var.build_asterisk || var.phone_number_area_code != "" || var.phone_number_state != ""`,
          errorMessage:
            'phone_number_state: with build_asterisk, set phone_number_state (e.g. "WA") or phone_number_area_code (e.g. "415"), not both "": a search for US numbers must name an area code or a state.',
        },
      ],
    });
  }
}
