import type { ChimeVoiceConnector } from "@cdktf/provider-aws/lib/chime-voice-connector";
import { ChimeVoiceConnectorOrigination } from "@cdktf/provider-aws/lib/chime-voice-connector-origination";
import { ChimeVoiceConnectorTermination } from "@cdktf/provider-aws/lib/chime-voice-connector-termination";
import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { countedAttribute, hcl, hclList, hclNumber, varRef } from "../hcl";
import { SIP_PORT } from "../pbx/asterisk-user-data";

/** Where a voice connector takes SIP (and SIPREC): plain on 5060, TLS on 5061. */
export const VOICE_CONNECTOR_SIP_PORTS = { udp: 5060, tcp: 5060, tls: 5061 } as const;

export interface SipTrunkProps {
  /** The voice connector the trunk belongs to. */
  readonly voiceConnector: ChimeVoiceConnector;
  /** Whether the connector requires TLS and SRTP. */
  readonly requireEncryption: TerraformVariable;
  /** Whether the test PBX is deployed: it is then the trunk's only peer. */
  readonly buildAsterisk: TerraformVariable;
  /** SBCs allowed to send calls (SIPREC) when there is no PBX. */
  readonly siprecCidrs: TerraformVariable;
  /** Countries the connector may call. */
  readonly callingRegions: TerraformVariable;
  /** HCL: the PBX's Elastic IP, or null without a PBX. */
  readonly pbxPublicIp: string;
}

/**
 * Who may use the voice connector. Termination admits calls from the PBX's Elastic IP or from
 * the SIPREC SBCs; origination delivers calls to the PBX's number to the PBX. With neither a
 * PBX nor SBCs the connector has no trunk settings: the user brings their own.
 */
export class SipTrunk extends Construct {
  /** HCL: what an SBC administrator needs to send SIPREC here, or null without siprec_cidrs. */
  readonly siprecDestination: string;

  constructor(scope: Construct, id: string, props: SipTrunkProps) {
    super(scope, id);
    // The created connector (count 1 whenever a trunk is configured: the variable rules see to it).
    const voiceConnectorId = hcl(countedAttribute(props.voiceConnector, "id"));
    const buildAsterisk = varRef(props.buildAsterisk);
    const siprecCidrs = varRef(props.siprecCidrs);

    // One resource for both peers, so switching between them updates the allow list in place.
    new ChimeVoiceConnectorTermination(this, "termination", {
      count: hclNumber(`${buildAsterisk} || length(${siprecCidrs}) > 0 ? 1 : 0`),
      voiceConnectorId,
      cidrAllowList: hclList(`${buildAsterisk} ? ["${hcl(props.pbxPublicIp)}/32"] : ${siprecCidrs}`),
      callingRegions: props.callingRegions.listValue,
      disabled: false,
    }).overrideLogicalId("recorded");

    new ChimeVoiceConnectorOrigination(this, "origination", {
      count: hclNumber(`${buildAsterisk} ? 1 : 0`),
      voiceConnectorId,
      route: [{ host: hcl(props.pbxPublicIp), port: SIP_PORT, protocol: "UDP", priority: 1, weight: 1 }],
      disabled: false,
    }).overrideLogicalId("recorded");

    const { udp, tcp, tls } = VOICE_CONNECTOR_SIP_PORTS;
    const requireEncryption = varRef(props.requireEncryption);
    const destination = [
      `host = ${countedAttribute(props.voiceConnector, "outbound_host_name")}`,
      `transports = ${requireEncryption} ? ["TLS on port ${tls}"] : ["UDP on port ${udp}", "TCP on port ${tcp}", "TLS on port ${tls}"]`,
      `media = ${requireEncryption} ? "SRTP" : "RTP"`,
      `allowed_sources = ${siprecCidrs}`,
    ];
    this.siprecDestination = `length(${siprecCidrs}) > 0 ? { ${destination.join(", ")} } : null`;
  }
}
