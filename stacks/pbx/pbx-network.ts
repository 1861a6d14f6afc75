import { DataAwsEc2InstanceTypeOfferings } from "@cdktf/provider-aws/lib/data-aws-ec2-instance-type-offerings";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import type { ITerraformDependable, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { countedAttribute, countedDataAttribute, hcl, hclNumber, varRef } from "../hcl";
import { PBX_VPC_CIDR } from "./asterisk-user-data";
import { pbxSecurityGroup, voiceConnectorRangeLocals } from "./pbx-security-group";

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

    const ranges = voiceConnectorRangeLocals(this);
    this.voiceConnectorCidrs = `join(",", lookup(${ranges.signallingByRegion}, ${deploymentRegion}, []))`;

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

    const firewall = pbxSecurityGroup(this, props, vpcId, ranges.rulesByRegion);
    this.securityGroupId = firewall.securityGroupId;
    this.internetAccess = [internetRoute, association, firewall.egress];
  }
}
