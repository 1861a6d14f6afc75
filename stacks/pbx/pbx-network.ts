import { DataAwsEc2InstanceTypeOfferings } from "@cdktf/provider-aws/lib/data-aws-ec2-instance-type-offerings";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { type ITerraformDependable, TerraformIterator, TerraformLocal, type TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { countedAttribute, countedDataAttribute, hcl, hclMap, hclNumber, varRef } from "../hcl";
import { PBX_VPC_CIDR, RTP_PORTS, SIP_PORT } from "./asterisk-user-data";

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

export interface PbxNetworkProps {
  /** Whether the PBX is deployed. */
  readonly buildAsterisk: TerraformVariable;
  /** The deployment Region; selects the voice connector's address ranges. */
  readonly region: TerraformVariable;
  /** Instance type the subnet's availability zone must offer. */
  readonly instanceType: TerraformVariable;
  /** Where a softphone may register from. */
  readonly softphoneCidrs: TerraformVariable;
  /** Prefix of the names. */
  readonly namePrefix: string;
}

/**
 * The PBX's own network: one public subnet routed to an internet gateway (no NAT), and a
 * security group open to the voice connector and to softphone_cidrs only. Administrators use
 * Session Manager, not SSH.
 */
export class PbxNetwork extends Construct {
  /** HCL: the subnet's id, or null. */
  readonly subnetId: string;
  /** HCL: the security group's id, or null. */
  readonly securityGroupId: string;
  /** HCL: the voice connector's signalling CIDRs in this Region, comma-separated. */
  readonly voiceConnectorCidrs: string;
  /** What the instance needs before it boots (apt, Session Manager): route, association, egress. */
  readonly internetAccess: ITerraformDependable[];
  /** An Elastic IP in the VPC needs the gateway attached. */
  readonly internetGateway: InternetGateway;

  constructor(scope: Construct, id: string, props: PbxNetworkProps) {
    super(scope, id);
    const enabled = varRef(props.buildAsterisk);
    const deploymentRegion = varRef(props.region);
    const count = hclNumber(`${enabled} ? 1 : 0`);
    const name = (suffix: string): Record<string, string> => ({ Name: `${props.namePrefix}-pbx${suffix}` });

    const local = (localName: string, value: unknown): TerraformLocal => {
      const l = new TerraformLocal(this, localName, value);
      l.overrideLogicalId(localName);
      return l;
    };
    const regions = Object.keys(VOICE_CONNECTOR_RANGES);
    // Synthesized for every Region and chosen in HCL: the Region is a variable, unknown at synth.
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
    this.voiceConnectorCidrs = `join(",", lookup(local.${signallingByRegion.friendlyUniqueId}, ${deploymentRegion}, []))`;

    const vpc = new Vpc(this, "vpc", {
      count,
      cidrBlock: PBX_VPC_CIDR,
      // Session Manager's agent resolves the SSM endpoints through the VPC's DNS.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: name(""),
    });
    vpc.overrideLogicalId("pbx");
    const vpcId = hcl(countedAttribute(vpc, "id"));

    // An availability zone that offers the instance type: Graviton types are missing in some.
    const offerings = new DataAwsEc2InstanceTypeOfferings(this, "offerings", {
      count,
      locationType: "availability-zone",
      filter: [{ name: "instance-type", values: [props.instanceType.stringValue] }],
      lifecycle: {
        postcondition: [
          {
            condition: hcl("length(self.locations) > 0"),
            errorMessage: `asterisk_instance_type: ${props.instanceType.stringValue} is not offered in any availability zone of ${props.region.stringValue}; choose another Graviton type.`,
          },
        ],
      },
    });
    offerings.overrideLogicalId("pbx_instance_type");

    const subnet = new Subnet(this, "subnet", {
      count,
      vpcId,
      cidrBlock: PBX_VPC_CIDR,
      availabilityZone: hcl(`sort(${countedDataAttribute(offerings, "locations")})[0]`),
      // The instance's address is the Elastic IP, attached to its network interface.
      mapPublicIpOnLaunch: false,
      tags: name("-public"),
    });
    subnet.overrideLogicalId("pbx_public");
    this.subnetId = hcl(countedAttribute(subnet, "id"));

    this.internetGateway = new InternetGateway(this, "internet-gateway", { count, vpcId, tags: name("") });
    this.internetGateway.overrideLogicalId("pbx");

    const routeTable = new RouteTable(this, "route-table", { count, vpcId, tags: name("-public") });
    routeTable.overrideLogicalId("pbx_public");
    const routeTableId = hcl(countedAttribute(routeTable, "id"));

    const internetRoute = new Route(this, "internet-route", {
      count,
      routeTableId,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: hcl(countedAttribute(this.internetGateway, "id")),
    });
    internetRoute.overrideLogicalId("pbx_internet");

    const association = new RouteTableAssociation(this, "route-table-association", {
      count,
      subnetId: this.subnetId,
      routeTableId,
    });
    association.overrideLogicalId("pbx_public");

    const firewall = this.firewall(props, vpcId, `local.${rulesByRegion.friendlyUniqueId}`);
    this.securityGroupId = firewall.securityGroupId;
    this.internetAccess = [internetRoute, association, firewall.egress];
  }

  /**
   * The PBX's security group: SIP and RTP from the Region's voice connector ranges (`rulesByRegion`, HCL) and
   * from softphone_cidrs; outbound open.
   */
  private firewall(props: PbxNetworkProps, vpcId: string, rulesByRegion: string) {
    const enabled = varRef(props.buildAsterisk);
    const count = hclNumber(`${enabled} ? 1 : 0`);
    const name = { Name: `${props.namePrefix}-pbx` };
    const securityGroup = new SecurityGroup(this, "security-group", {
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
    new VpcSecurityGroupIngressRule(this, "from-voice-connector", {
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
    new VpcSecurityGroupIngressRule(this, "from-softphone", {
      forEach: softphone,
      securityGroupId,
      description: "SIP and RTP from a softphone (softphone_cidrs)",
      ipProtocol: "udp",
      fromPort: softphone.getNumber("from_port"),
      toPort: softphone.getNumber("to_port"),
      cidrIpv4: softphone.getString("cidr"),
    }).overrideLogicalId("pbx_from_softphone");

    // Outbound stays open: apt mirrors, Session Manager and the voice connector.
    const egress = new VpcSecurityGroupEgressRule(this, "egress", {
      count,
      securityGroupId,
      description: "Package mirrors, Session Manager and the voice connector",
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
    });
    egress.overrideLogicalId("pbx_outbound");
    return { securityGroupId, egress };
  }
}
