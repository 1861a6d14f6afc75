import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { NetworkInterface } from "@cdktf/provider-aws/lib/network-interface";
import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { countedAttribute, countedDataAttribute, hcl, hclNumber, policyDocument, varRef } from "../hcl";
import { escapeForTerraform, renderUserData } from "./asterisk-user-data";
import type { PbxNetwork } from "./pbx-network";

/** Canonical's AWS account, owner of the official Ubuntu images. */
export const CANONICAL_ACCOUNT = "099720109477";

/**
 * Canonical's Ubuntu 24.04 LTS server images for arm64 on gp3 volumes. Ubuntu 22.04 packages
 * Asterisk 18, which is past its end of life; 24.04's universe has Asterisk 20 (LTS).
 */
export const UBUNTU_IMAGE_NAME = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-*";

/** Asterisk log levels for each log_level; DEBUG also logs every SIP message. */
export const ASTERISK_LOG_LEVELS: Readonly<Record<string, string>> = {
  DEBUG: "debug,verbose,notice,warning,error",
  INFO: "verbose,notice,warning,error",
  WARN: "warning,error",
  ERROR: "error",
};

/** The largest user data EC2 accepts, in bytes. */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;

export interface AsteriskPbxProps {
  /** Whether the PBX is deployed. */
  readonly buildAsterisk: TerraformVariable;
  readonly instanceType: TerraformVariable;
  /** log_level: DEBUG, INFO, WARN or ERROR. */
  readonly logLevel: TerraformVariable;
  /** Prefix of the names. */
  readonly namePrefix: string;
  readonly network: PbxNetwork;
  /** `<id>.voiceconnector.chime.aws`, where the PBX sends its calls. */
  readonly voiceConnectorHost: string;
  /** HCL: the ordered number in E.164; the instance is created once it is known. */
  readonly phoneNumber: string;
}

/**
 * The Asterisk test PBX: an Ubuntu 24.04 LTS arm64 instance (Asterisk 20 from Ubuntu's universe)
 * behind an Elastic IP, configured at first boot from asterisk-config/. Reached through Session
 * Manager only; no SSH.
 */
export class AsteriskPbx extends Construct {
  /** HCL: the Elastic IP, or null. */
  readonly publicIp: string;
  /** HCL: the instance id, or null. */
  readonly instanceId: string;

  constructor(scope: Construct, id: string, props: AsteriskPbxProps) {
    super(scope, id);
    const { network } = props;
    const count = hclNumber(`${varRef(props.buildAsterisk)} ? 1 : 0`);
    const name = `${props.namePrefix}-pbx`;

    const ubuntu = new DataAwsAmi(this, "ubuntu", {
      count,
      mostRecent: true,
      owners: [CANONICAL_ACCOUNT],
      filter: [
        { name: "name", values: [UBUNTU_IMAGE_NAME] },
        { name: "architecture", values: ["arm64"] },
        { name: "virtualization-type", values: ["hvm"] },
      ],
    });
    ubuntu.overrideLogicalId("ubuntu_noble_arm64");

    const role = new IamRole(this, "role", {
      count,
      name,
      description: "Asterisk test PBX: Session Manager access",
      assumeRolePolicy: policyDocument([
        { Sid: "Ec2Instances", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]),
    });
    role.overrideLogicalId("pbx");
    // The boot script needs no AWS API: everything it uses is in the user data.
    new IamRolePolicyAttachment(this, "session-manager", {
      count,
      role: hcl(countedAttribute(role, "name")),
      policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    }).overrideLogicalId("pbx_session_manager");

    const profile = new IamInstanceProfile(this, "profile", { count, name, role: hcl(countedAttribute(role, "name")) });
    profile.overrideLogicalId("pbx");

    // The Elastic IP sits on a network interface created before the instance, so the instance
    // boots with its final address (apt needs the internet) and the address can be rendered
    // into its configuration without a cycle.
    const networkInterface = new NetworkInterface(this, "network-interface", {
      count,
      subnetId: network.subnetId,
      securityGroups: [network.securityGroupId],
      description: "Asterisk test PBX",
      tags: { Name: name },
    });
    networkInterface.overrideLogicalId("pbx");
    const networkInterfaceId = hcl(countedAttribute(networkInterface, "id"));

    const eip = new Eip(this, "eip", {
      count,
      domain: "vpc",
      networkInterface: networkInterfaceId,
      tags: { Name: name },
      dependsOn: [network.internetGateway],
    });
    eip.overrideLogicalId("pbx");
    this.publicIp = countedAttribute(eip, "public_ip");

    const logLevel = varRef(props.logLevel);
    const userData = renderUserData(
      {
        publicIp: hcl(this.publicIp),
        voiceConnectorHost: props.voiceConnectorHost,
        voiceConnectorCidrs: hcl(network.voiceConnectorCidrs),
        phoneNumber: hcl(props.phoneNumber),
        logLevels: hcl(`lookup(${JSON.stringify(ASTERISK_LOG_LEVELS)}, ${logLevel})`),
        sipDebug: hcl(`${logLevel} == "DEBUG" ? "yes" : "no"`),
      },
      escapeForTerraform,
    );

    const instance = new Instance(this, "instance", {
      count,
      ami: hcl(countedDataAttribute(ubuntu, "id")),
      instanceType: props.instanceType.stringValue,
      iamInstanceProfile: hcl(countedAttribute(profile, "name")),
      primaryNetworkInterface: { networkInterfaceId },
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      rootBlockDevice: { encrypted: true, volumeType: "gp3", deleteOnTermination: true },
      userData,
      // The configuration is applied at first boot only: a new configuration needs a new PBX.
      userDataReplaceOnChange: true,
      tags: { Name: name },
      // A newer Ubuntu image alone does not replace a running PBX (and its test calls).
      lifecycle: { ignoreChanges: ["ami"] },
      dependsOn: [...network.internetAccess, eip],
    });
    instance.overrideLogicalId("pbx");
    this.instanceId = countedAttribute(instance, "id");
  }
}
