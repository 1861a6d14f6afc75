import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformIterator, TerraformLocal, type TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { countedAttribute, hcl, hclMap, hclNumber, varRef } from "../hcl";
import { RTP_PORTS, SIP_PORT } from "./asterisk-user-data";

/**
 * Addresses a Voice Connector signals and sends media from, per Region, from the Chime SDK
 * admin guide's network configuration (also the CHIME_VOICECONNECTOR entries of ip-ranges.json).
 */
export const VOICE_CONNECTOR_RANGES: Readonly<Record<string, { readonly signalling: string[]; readonly media: string[] }>> = {
  "us-east-1": {
    signalling: ["3.80.16.0/23"],
    media: ["3.80.16.0/23", "52.55.62.128/25", "52.55.63.0/25", "34.212.95.128/25", "34.223.21.0/25"],
  },
  "us-west-2": {
    signalling: ["99.77.253.0/24"],
    media: ["99.77.253.0/24"],
  },
};

/** One ingress rule of the PBX's security group. */
export interface PbxIngressRule {
  /** Unique per Region; the rule's for_each key. */
  readonly key: string;
  readonly description: string;
  readonly protocol: "udp" | "tcp";
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidr: string;
}

/** What the PBX accepts in a Region: SIP and RTP from that Region's voice connector, nothing else. */
export function pbxIngressRules(region: string): PbxIngressRule[] {
  const ranges = VOICE_CONNECTOR_RANGES[region];
  if (!ranges) return [];
  const sip = ranges.signalling.flatMap((cidr) =>
    (["udp", "tcp"] as const).map((protocol) => ({
      key: `sip-${protocol}-${cidr}`,
      description: `SIP over ${protocol.toUpperCase()} from the voice connector`,
      protocol,
      fromPort: SIP_PORT,
      toPort: SIP_PORT,
      cidr,
    })),
  );
  const rtp = ranges.media.map((cidr) => ({
    key: `rtp-udp-${cidr}`,
    description: "RTP media from the voice connector",
    protocol: "udp" as const,
    fromPort: RTP_PORTS.first,
    toPort: RTP_PORTS.last,
    cidr,
  }));
  return [...sip, ...rtp];
}

/**
 * The voice connector's ranges of every Region, as locals (HCL references returned): synthesized for every Region
 * and chosen in HCL, since the Region is a variable, unknown at synth.
 */
export function voiceConnectorRangeLocals(scope: Construct): { rulesByRegion: string; signallingByRegion: string } {
  const local = (localName: string, value: unknown): TerraformLocal => {
    const l = new TerraformLocal(scope, localName, value);
    l.overrideLogicalId(localName);
    return l;
  };
  const regions = Object.keys(VOICE_CONNECTOR_RANGES);
  const rulesByRegion = local(
    "pbx_ingress_rules",
    Object.fromEntries(
      regions.map((region) => [
        region,
        pbxIngressRules(region).map((r) => ({
          key: r.key,
          description: r.description,
          protocol: r.protocol,
          from_port: r.fromPort,
          to_port: r.toPort,
          cidr: r.cidr,
        })),
      ]),
    ),
  );
  const signallingByRegion = local(
    "voice_connector_signalling_cidrs",
    Object.fromEntries(regions.map((region) => [region, VOICE_CONNECTOR_RANGES[region].signalling])),
  );
  return {
    rulesByRegion: `local.${rulesByRegion.friendlyUniqueId}`,
    signallingByRegion: `local.${signallingByRegion.friendlyUniqueId}`,
  };
}

/** What the PBX's security group depends on. */
export interface PbxSecurityGroupProps {
  /** Whether the PBX is deployed. */
  readonly buildAsterisk: TerraformVariable;
  /** The deployment Region; selects the voice connector's rules. */
  readonly region: TerraformVariable;
  /** Where a softphone may register from. */
  readonly softphoneCidrs: TerraformVariable;
  /** Prefix of the names. */
  readonly namePrefix: string;
}

/**
 * The PBX's security group: SIP and RTP from the Region's voice connector ranges (`rulesByRegion`, HCL) and
 * from softphone_cidrs; outbound open.
 */
export function pbxSecurityGroup(scope: Construct, props: PbxSecurityGroupProps, vpcId: string, rulesByRegion: string) {
  const enabled = varRef(props.buildAsterisk);
  const count = hclNumber(`${enabled} ? 1 : 0`);
  const name = { Name: `${props.namePrefix}-pbx` };
  const securityGroup = new SecurityGroup(scope, "security-group", {
    count,
    name: `${props.namePrefix}-pbx`,
    description: "Asterisk test PBX: SIP and RTP from the Chime SDK voice connector only",
    vpcId,
    tags: name,
  });
  securityGroup.overrideLogicalId("pbx");
  const securityGroupId = hcl(countedAttribute(securityGroup, "id"));

  const ingress = TerraformIterator.fromMap(
    hclMap(`{ for rule in lookup(${rulesByRegion}, ${varRef(props.region)}, []) : rule.key => rule if ${enabled} }`),
  );
  new VpcSecurityGroupIngressRule(scope, "from-voice-connector", {
    forEach: ingress,
    securityGroupId,
    description: ingress.getString("description"),
    ipProtocol: ingress.getString("protocol"),
    fromPort: ingress.getNumber("from_port"),
    toPort: ingress.getNumber("to_port"),
    cidrIpv4: ingress.getString("cidr"),
  }).overrideLogicalId("pbx_from_voice_connector");

  // One rule per softphone range and service: SIP, then RTP to Asterisk's ports.
  const services = `[["sip", ${SIP_PORT}, ${SIP_PORT}], ["rtp", ${RTP_PORTS.first}, ${RTP_PORTS.last}]]`;
  const rule = `{ cidr = pair[0], from_port = pair[1][1], to_port = pair[1][2] }`;
  const softphone = TerraformIterator.fromMap(
    hclMap(
      `{ for pair in setproduct(${varRef(props.softphoneCidrs)}, ${services}) : "\${pair[1][0]}-\${pair[0]}" => ${rule} if ${enabled} }`,
    ),
  );
  new VpcSecurityGroupIngressRule(scope, "from-softphone", {
    forEach: softphone,
    securityGroupId,
    description: "SIP and RTP from a softphone (softphone_cidrs)",
    ipProtocol: "udp",
    fromPort: softphone.getNumber("from_port"),
    toPort: softphone.getNumber("to_port"),
    cidrIpv4: softphone.getString("cidr"),
  }).overrideLogicalId("pbx_from_softphone");

  // Outbound stays open: apt mirrors, Session Manager and the voice connector.
  const egress = new VpcSecurityGroupEgressRule(scope, "egress", {
    count,
    securityGroupId,
    description: "Package mirrors, Session Manager and the voice connector",
    ipProtocol: "-1",
    cidrIpv4: "0.0.0.0/0",
  });
  egress.overrideLogicalId("pbx_outbound");
  return { securityGroupId, egress };
}
