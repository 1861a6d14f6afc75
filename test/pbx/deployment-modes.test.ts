import { TerraformJson, resource, synthesizeStack } from "../support/synth";
import { evaluate } from "./support/terraform-expressions";

const config = synthesizeStack();

/** The three ways to deploy: the test PBX (the default), a SIPREC SBC, or a trunk of your own. */
const MODES = {
  asterisk: {},
  siprec: { build_asterisk: false, siprec_cidrs: ["198.51.100.0/27", "203.0.113.8/29"] },
  "own trunk": { build_asterisk: false },
} as const;
type Mode = keyof typeof MODES;

/** Resource attributes cannot be evaluated offline: locals with sample values stand in for them. */
const SAMPLE_ATTRIBUTES: Record<string, [string, string]> = {
  "one(aws_eip.pbx[*].public_ip)": ["public_ip", "198.51.100.10"],
  "one(aws_instance.pbx[*].id)": ["instance_id", "i-0123456789abcdef0"],
  "aws_chime_voice_connector.recorded.outbound_host_name": ["host", "abcdefghij0123456789ab.voiceconnector.chime.aws"],
};
const withSamples = (expression: string): string =>
  Object.entries(SAMPLE_ATTRIBUTES).reduce(
    (text, [reference, [local]]) => text.split(reference).join(`local.${local}`),
    expression,
  );
const sampleLocals = Object.fromEntries(Object.values(SAMPLE_ATTRIBUTES));

/** Evaluates synthesized expressions in a mode, with the synthesized locals that hold no reference. */
const evaluateIn = (mode: Mode, expressions: Record<string, unknown>, tfvars: Record<string, unknown> = {}) =>
  evaluate(
    config,
    expressions,
    { ...MODES[mode], ...tfvars },
    { ...sampleLocals, pbx_ingress_rules: config.locals.pbx_ingress_rules },
  );

/** Every resource and data source whose existence depends on the PBX or SIPREC variables. */
function switchedBlocks(json: TerraformJson): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [prefix, section] of [
    ["", json.resource],
    ["data.", json.data],
  ] as const) {
    for (const [type, byName] of Object.entries(section)) {
      for (const [name, body] of Object.entries(byName)) {
        const forEach = typeof body.for_each === "string" ? `\${length(${body.for_each.slice(2, -1)})}` : undefined;
        const count = forEach ?? body.count;
        if (typeof count === "string" && /var\.(build_asterisk|siprec_cidrs)/.test(count))
          found[`${prefix}${type}.${name}`] = count;
      }
    }
  }
  return found;
}

/** Addresses of the switched blocks that have instances in a mode, as Terraform counts them. */
const existing = (mode: Mode): string[] =>
  Object.entries(evaluateIn(mode, switchedBlocks(config)))
    .filter(([, n]) => Number(n) > 0)
    .map(([address]) => address)
    .sort();

const PBX = [
  "aws_eip.pbx",
  "aws_iam_instance_profile.pbx",
  "aws_iam_role.pbx",
  "aws_iam_role_policy_attachment.pbx_session_manager",
  "aws_instance.pbx",
  "aws_internet_gateway.pbx",
  "aws_network_interface.pbx",
  "aws_route.pbx_internet",
  "aws_route_table.pbx_public",
  "aws_route_table_association.pbx_public",
  "aws_security_group.pbx",
  "aws_subnet.pbx_public",
  "aws_vpc.pbx",
  "aws_vpc_security_group_egress_rule.pbx_outbound",
  "aws_vpc_security_group_ingress_rule.pbx_from_voice_connector",
  "data.aws_ami.ubuntu_noble_arm64",
  "data.aws_ec2_instance_type_offerings.pbx_instance_type",
];
const PHONE_NUMBER = ["aws_ssm_parameter.phone_number", "data.aws_ssm_parameter.phone_number", "null_resource.phone_number"];

describe("which resources each mode deploys", () => {
  it("the default deploys the PBX, its phone number and both directions of the trunk", () => {
    expect(existing("asterisk")).toEqual(
      [
        ...PBX,
        ...PHONE_NUMBER,
        "aws_chime_voice_connector_origination.recorded",
        "aws_chime_voice_connector_termination.recorded",
      ].sort(),
    );
  });

  it("SIPREC deploys only the termination that admits the SBCs", () => {
    expect(existing("siprec")).toEqual(["aws_chime_voice_connector_termination.recorded"]);
  });

  it("without PBX or SBCs the connector has no trunk settings, for a trunk of your own", () => {
    expect(existing("own trunk")).toEqual([]);
  });

  it.each([
    ["us-east-1", 7],
    ["us-west-2", 3],
  ])("the PBX in %s gets one ingress rule per protocol, port range and voice connector range: %i", (region, rules) => {
    const address = "aws_vpc_security_group_ingress_rule.pbx_from_voice_connector";
    expect(evaluateIn("asterisk", { rules: switchedBlocks(config)[address] }, { region })).toEqual({ rules });
  });
});

describe("the termination's allow list", () => {
  const cidrAllowList = withSamples(resource(config, "aws_chime_voice_connector_termination", "recorded").cidr_allow_list);

  it("is the PBX's Elastic IP alone with the PBX", () => {
    expect(evaluateIn("asterisk", { cidrs: cidrAllowList })).toEqual({ cidrs: ["198.51.100.10/32"] });
  });

  it("is exactly siprec_cidrs with SIPREC", () => {
    expect(evaluateIn("siprec", { cidrs: cidrAllowList })).toEqual({ cidrs: MODES.siprec.siprec_cidrs });
  });

  it("allows the countries of calling_regions", () => {
    expect(resource(config, "aws_chime_voice_connector_termination", "recorded").calling_regions).toBe("${var.calling_regions}");
  });
});

describe("the origination", () => {
  it("routes calls to the PBX's Elastic IP on port 5060 over UDP", () => {
    expect(resource(config, "aws_chime_voice_connector_origination", "recorded").route).toEqual([
      { host: "${one(aws_eip.pbx[*].public_ip)}", port: 5060, protocol: "UDP", priority: 1, weight: 1 },
    ]);
  });
});

describe("the outputs", () => {
  const value = (name: string): string => withSamples(String(config.output[name].value));
  const outputs = ["phone_number", "pbx_public_ip", "pbx_session_command", "siprec_destination"];

  it.each(outputs)("%s is described", (name) => {
    expect(config.output[name].description?.length).toBeGreaterThan(30);
  });

  it("give the PBX's number and address, null without the PBX", () => {
    expect(config.output.phone_number.value).toBe("${one(data.aws_ssm_parameter.phone_number[*].insecure_value)}");
    expect(config.output.pbx_public_ip.value).toBe("${one(aws_eip.pbx[*].public_ip)}");
  });

  it("give the Session Manager command for the PBX", () => {
    expect(evaluateIn("asterisk", { command: value("pbx_session_command") }, { region: "us-west-2" })).toEqual({
      command: "aws ssm start-session --target i-0123456789abcdef0 --region us-west-2",
    });
  });

  it("give no Session Manager command without the PBX", () => {
    expect(evaluateIn("siprec", { command: value("pbx_session_command") })).toEqual({ command: null });
  });

  it("tell the SBC administrator where to send SIPREC", () => {
    expect(evaluateIn("siprec", { destination: value("siprec_destination") })).toEqual({
      destination: {
        host: "abcdefghij0123456789ab.voiceconnector.chime.aws",
        transports: ["UDP on port 5060", "TCP on port 5060", "TLS on port 5061"],
        media: "RTP",
        allowed_sources: MODES.siprec.siprec_cidrs,
      },
    });
  });

  it("offer only TLS and SRTP when the connector requires encryption", () => {
    const { destination } = evaluateIn("siprec", { destination: value("siprec_destination") }, { require_encryption: true });
    expect(destination).toMatchObject({ transports: ["TLS on port 5061"], media: "SRTP" });
  });

  it("give no SIPREC destination without siprec_cidrs", () => {
    expect(evaluateIn("asterisk", { destination: value("siprec_destination") })).toEqual({ destination: null });
  });
});
