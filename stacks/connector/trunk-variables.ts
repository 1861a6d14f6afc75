import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import {
  cidrRule,
  isIpv4Cidr,
  isNetworkAddress,
  prefixLength,
  type Rule,
  rootVariable,
  type VariableSpec,
} from "../root-variable";

/** IPv4 ranges no SBC can reach the voice connector from (RFC 6890 special-purpose), with their use. */
export const NON_PUBLIC_RANGES: readonly (readonly [string, string])[] = [
  ["0.0.0.0/8", "this network"],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "shared address space"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "IETF protocol assignments"],
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "benchmarking"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
];

/**
 * Documentation ranges (RFC 5737): the addresses examples use, environments/production.tfvars
 * included, and that no SBC sends from. Refused so that a configuration never filled in fails the plan.
 */
export const DOCUMENTATION_RANGES: readonly string[] = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];

/** The trunk of the connector this stack creates: encryption, the SIPREC sources it admits and where it may call. */
export class TrunkVariables extends Construct {
  readonly requireEncryption: TerraformVariable;
  readonly siprecCidrs: TerraformVariable;
  readonly callingRegions: TerraformVariable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const variable = (name: string, spec: VariableSpec): TerraformVariable => rootVariable(this, name, spec);

    this.requireEncryption = variable("require_encryption", {
      type: "bool",
      default: false,
      description:
        "Require TLS signalling and SRTP media on the created voice connector (not on voice_connector_ids). The Asterisk test PBX speaks plain SIP over UDP, so this needs build_asterisk = false.",
      rules: [
        {
          condition: `!(var.require_encryption && var.build_asterisk)`,
          errorMessage:
            "require_encryption: true cannot be combined with build_asterisk = true (the test PBX uses unencrypted SIP over UDP); set build_asterisk = false or require_encryption = false.",
        },
      ],
    });

    // An entry (/27 or narrower) lies in range r when its address, masked to r's prefix length, is r's address.
    const rangeMap = (table: readonly (readonly [string, string])[]): string =>
      `{ ${table.map(([cidr, use]) => `"${cidr}" = "${use}"`).join(", ")} }`;
    const rangesOf = (ranges: string, entry: string): string =>
      `[for r, use in ${ranges} : format("%s (%s)", r, use) if try(cidrhost(format("%s/%s", split("/", ${entry})[0], split("/", r)[1]), 0) == split("/", r)[0], false)]`;
    const inRanges = (ranges: string) => `[for c in var.siprec_cidrs : c if length(${rangesOf(ranges, "c")}) > 0]`;
    const whereIn = (ranges: string) =>
      `\${join(", ", [for c in ${inRanges(ranges)} : format("%s is in %s", c, ${rangesOf(ranges, "c")}[0])])}`;
    const nonPublic = rangeMap(NON_PUBLIC_RANGES);
    const nonPublicRule: Rule = {
      condition: `length(${inRanges(nonPublic)}) == 0`,
      errorMessage: `siprec_cidrs: ${whereIn(nonPublic)}; the voice connector is reached from public addresses only, so no entry may lie in ${NON_PUBLIC_RANGES.map(([cidr]) => cidr).join(", ")}.`,
    };
    const documentation = rangeMap(DOCUMENTATION_RANGES.map((cidr) => [cidr, "documentation"]));
    const documentationRule: Rule = {
      condition: `length(${inRanges(documentation)}) == 0`,
      errorMessage: `siprec_cidrs: ${whereIn(documentation)}; no entry may lie in the documentation ranges ${DOCUMENTATION_RANGES.join(", ")}, which examples use and no SBC sends from: set siprec_cidrs to the public IPv4 ranges your SBCs send SIPREC from.`,
    };

    this.siprecCidrs = variable("siprec_cidrs", {
      type: "list(string)",
      default: [],
      description:
        "Public IPv4 CIDRs of your SIPREC SBCs, allowed to send calls to the voice connector. At most 10, each /27 or narrower. Needs build_asterisk = false.",
      rules: [
        {
          condition: `length(var.siprec_cidrs) <= 10`,
          errorMessage: "siprec_cidrs: ${length(var.siprec_cidrs)} entries given; a voice connector allows at most 10.",
        },
        cidrRule("siprec_cidrs", isIpv4Cidr, 'are not IPv4 CIDRs; write each as "198.51.100.0/27".'),
        cidrRule(
          "siprec_cidrs",
          `try(${prefixLength} >= 27, true)`,
          "are wider than /27; the voice connector accepts prefixes from /27 to /32.",
        ),
        cidrRule(
          "siprec_cidrs",
          isNetworkAddress,
          'have host bits set; give the network address, e.g. "198.51.100.0/27" rather than "198.51.100.5/27".',
        ),
        nonPublicRule,
        documentationRule,
      ],
    });

    this.callingRegions = variable("calling_regions", {
      type: "list(string)",
      default: ["US"],
      description:
        "Countries the created voice connector may place outbound calls to, as ISO 3166-1 alpha-2 codes (not applied to voice_connector_ids).",
      rules: [
        {
          condition: `length(var.calling_regions) >= 1 && alltrue([for r in var.calling_regions : can(regex("^[A-Z]{2}$", r))])`,
          errorMessage:
            'calling_regions: ${jsonencode(var.calling_regions)} is not a list of country codes; give at least one ISO 3166-1 alpha-2 code in capitals, e.g. ["US", "CA"].',
        },
      ],
    });
  }
}
