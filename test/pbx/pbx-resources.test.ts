import { CANONICAL_ACCOUNT } from "../../stacks/pbx/asterisk-pbx";
import { pbxIngressRules, VOICE_CONNECTOR_RANGES } from "../../stacks/pbx/pbx-security-group";
import { PBX_REGIONS } from "../../stacks/pbx/pbx-variables";
import { parseJsonLiteral, resource, synthesizeStack } from "../support/synth";

const config = synthesizeStack();
const PBX_COUNT = "${var.build_asterisk ? 1 : 0}";

/** The synthesized ingress rules of the PBX, by Region. */
const rulesByRegion = config.locals.pbx_ingress_rules as unknown as Record<string, Record<string, unknown>[]>;
const ingressRules = Object.values(rulesByRegion).flat();

describe("the PBX's network", () => {
  it("is a VPC with one public subnet routed to an internet gateway, without NAT", () => {
    expect(resource(config, "aws_subnet", "pbx_public")).toMatchObject({
      vpc_id: "${one(aws_vpc.pbx[*].id)}",
      map_public_ip_on_launch: false,
    });
    expect(resource(config, "aws_route", "pbx_internet")).toMatchObject({
      destination_cidr_block: "0.0.0.0/0",
      gateway_id: "${one(aws_internet_gateway.pbx[*].id)}",
      route_table_id: "${one(aws_route_table.pbx_public[*].id)}",
    });
    expect(config.resource).not.toHaveProperty("aws_nat_gateway");
  });

  it("places the subnet in an availability zone that offers the instance type", () => {
    expect(resource(config, "aws_subnet", "pbx_public").availability_zone).toBe(
      "${sort(one(data.aws_ec2_instance_type_offerings.pbx_instance_type[*].locations))[0]}",
    );
    expect(config.data.aws_ec2_instance_type_offerings.pbx_instance_type.filter).toEqual([
      { name: "instance-type", values: ["${var.asterisk_instance_type}"] },
    ]);
  });

  it("has a range table for exactly the Regions build_asterisk allows", () => {
    expect(Object.keys(VOICE_CONNECTOR_RANGES).sort()).toEqual([...PBX_REGIONS].sort());
    expect(Object.keys(config.locals.pbx_ingress_rules).sort()).toEqual([...PBX_REGIONS].sort());
  });

  it("selects the deployment Region's rules, and none without the PBX", () => {
    expect(resource(config, "aws_vpc_security_group_ingress_rule", "pbx_from_voice_connector").for_each).toBe(
      "${{ for rule in lookup(local.pbx_ingress_rules, var.region, []) : rule.key => rule if var.build_asterisk }}",
    );
  });

  it("admits SIP on 5060 over UDP and TCP from the voice connector's signalling range", () => {
    expect(pbxIngressRules("us-east-1").filter((r) => r.fromPort === 5060)).toEqual([
      expect.objectContaining({ protocol: "udp", fromPort: 5060, toPort: 5060, cidr: "3.80.16.0/23" }),
      expect.objectContaining({ protocol: "tcp", fromPort: 5060, toPort: 5060, cidr: "3.80.16.0/23" }),
    ]);
  });

  it("admits RTP to Asterisk's ports from each of the voice connector's media ranges", () => {
    expect(pbxIngressRules("us-west-2").filter((r) => r.fromPort !== 5060)).toEqual([
      expect.objectContaining({ protocol: "udp", fromPort: 10000, toPort: 20000, cidr: "99.77.253.0/24" }),
    ]);
    expect(
      pbxIngressRules("us-east-1")
        .filter((r) => r.fromPort !== 5060)
        .map((r) => r.cidr),
    ).toEqual(VOICE_CONNECTOR_RANGES["us-east-1"].media);
  });

  it("admits only the voice connector's addresses, never 0.0.0.0/0", () => {
    for (const [region, rules] of Object.entries(rulesByRegion)) {
      const { signalling, media } = VOICE_CONNECTOR_RANGES[region];
      for (const rule of rules) expect([...signalling, ...media]).toContain(rule.cidr);
    }
    expect(ingressRules.map((r) => r.cidr)).not.toContain("0.0.0.0/0");
  });

  it("admits no SSH: every rule is SIP or RTP", () => {
    for (const rule of ingressRules) {
      expect(rule.from_port as number).toBeGreaterThan(22);
      expect([5060, 10000]).toContain(rule.from_port);
    }
  });

  it("admits SIP and RTP over UDP from softphone_cidrs, and only with the PBX", () => {
    expect(resource(config, "aws_vpc_security_group_ingress_rule", "pbx_from_softphone")).toMatchObject({
      for_each: expect.stringContaining("setproduct(var.softphone_cidrs, "),
      ip_protocol: "udp",
      cidr_ipv4: "${each.value.cidr}",
    });
    expect(resource(config, "aws_vpc_security_group_ingress_rule", "pbx_from_softphone").for_each).toMatch(
      / if var\.build_asterisk \}\}$/,
    );
  });

  it("lets the PBX reach the internet (apt, Session Manager, the voice connector)", () => {
    expect(resource(config, "aws_vpc_security_group_egress_rule", "pbx_outbound")).toMatchObject({
      ip_protocol: "-1",
      cidr_ipv4: "0.0.0.0/0",
    });
  });
});

describe("the PBX host", () => {
  const instance = resource(config, "aws_instance", "pbx");

  it("runs the newest Ubuntu 24.04 LTS arm64 image from Canonical, whose Asterisk is supported", () => {
    expect(config.data.aws_ami.ubuntu_noble_arm64).toMatchObject({
      most_recent: true,
      owners: [CANONICAL_ACCOUNT],
      filter: expect.arrayContaining([
        { name: "name", values: ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-*"] },
        { name: "architecture", values: ["arm64"] },
      ]),
    });
    expect(instance.ami).toBe("${one(data.aws_ami.ubuntu_noble_arm64[*].id)}");
  });

  it("is not replaced just because a newer image appears", () => {
    expect(instance.lifecycle).toEqual({ ignore_changes: ["ami"] });
  });

  it("has the instance type of asterisk_instance_type", () => {
    expect(instance.instance_type).toBe("${var.asterisk_instance_type}");
  });

  it("requires IMDSv2", () => {
    expect(instance.metadata_options).toMatchObject({ http_tokens: "required", http_put_response_hop_limit: 1 });
  });

  it("encrypts its root volume", () => {
    expect(instance.root_block_device).toMatchObject({ encrypted: true });
  });

  it("boots with the Elastic IP already on its network interface, behind the security group", () => {
    expect(instance.primary_network_interface).toEqual({ network_interface_id: "${one(aws_network_interface.pbx[*].id)}" });
    expect(resource(config, "aws_eip", "pbx")).toMatchObject({
      domain: "vpc",
      network_interface: "${one(aws_network_interface.pbx[*].id)}",
    });
    expect(resource(config, "aws_network_interface", "pbx").security_groups).toEqual(["${one(aws_security_group.pbx[*].id)}"]);
  });

  it("boots only once it can reach the internet: apt and Session Manager need it", () => {
    expect(instance.depends_on).toEqual(
      expect.arrayContaining([
        "aws_route.pbx_internet",
        "aws_route_table_association.pbx_public",
        "aws_vpc_security_group_egress_rule.pbx_outbound",
        "aws_eip.pbx",
      ]),
    );
  });

  it("is replaced when its configuration changes, since it is applied at first boot only", () => {
    expect(instance.user_data_replace_on_change).toBe(true);
  });

  it("fills the user data with the Elastic IP, the connector's host name and the ordered number", () => {
    for (const reference of [
      "${one(aws_eip.pbx[*].public_ip)}",
      "${one(aws_chime_voice_connector.recorded[*].outbound_host_name)}",
      "${one(data.aws_ssm_parameter.phone_number[*].insecure_value)}",
    ]) {
      expect(instance.user_data).toContain(reference);
    }
  });

  it("may be managed through Session Manager and nothing else", () => {
    expect(resource(config, "aws_iam_role_policy_attachment", "pbx_session_manager").policy_arn).toBe(
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    );
    expect(parseJsonLiteral(resource(config, "aws_iam_role", "pbx").assume_role_policy).Statement).toEqual([
      expect.objectContaining({ Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
    ]);
    expect(
      Object.values(config.resource.aws_iam_role_policy ?? {}).filter((p) => String(p.role).includes("aws_iam_role.pbx")),
    ).toEqual([]);
    expect(instance.iam_instance_profile).toBe("${one(aws_iam_instance_profile.pbx[*].name)}");
  });

  it.each([
    ["aws_vpc", "pbx"],
    ["aws_subnet", "pbx_public"],
    ["aws_internet_gateway", "pbx"],
    ["aws_route_table", "pbx_public"],
    ["aws_route", "pbx_internet"],
    ["aws_route_table_association", "pbx_public"],
    ["aws_security_group", "pbx"],
    ["aws_vpc_security_group_egress_rule", "pbx_outbound"],
    ["aws_iam_role", "pbx"],
    ["aws_iam_role_policy_attachment", "pbx_session_manager"],
    ["aws_iam_instance_profile", "pbx"],
    ["aws_network_interface", "pbx"],
    ["aws_eip", "pbx"],
    ["aws_instance", "pbx"],
  ])("%s.%s exists only with build_asterisk", (type, name) => {
    expect(resource(config, type, name).count).toBe(PBX_COUNT);
  });

  it.each([
    ["aws_ami", "ubuntu_noble_arm64"],
    ["aws_ec2_instance_type_offerings", "pbx_instance_type"],
  ])("data.%s.%s is read only with build_asterisk", (type, name) => {
    expect(config.data[type][name].count).toBe(PBX_COUNT);
  });
});
