import * as fs from "node:fs";
import * as path from "node:path";

/** Where the PBX's configuration lives; synthesis runs from the project root, as for the recorder bundle. */
export const ASTERISK_CONFIG_DIR = path.resolve("asterisk-config");

/** The boot script, run once by cloud-init as the EC2 user data. */
export const BOOT_SCRIPT = "boot.sh";

/** Asterisk configuration files, written to /etc/asterisk/ by the boot script. */
export const ASTERISK_CONFIG_FILES = ["modules.conf", "logger.conf", "rtp.conf", "pjsip.conf", "extensions.conf"] as const;

/** Port Asterisk and the voice connector exchange SIP on (UDP). */
export const SIP_PORT = 5060;

/** Asterisk's RTP port range (rtp.conf); the security group opens exactly these for media. */
export const RTP_PORTS = { first: 10000, last: 20000 } as const;

/** The PBX's VPC; Asterisk treats it as its local network behind the Elastic IP. */
export const PBX_VPC_CIDR = "10.20.0.0/24";

/** Values that only exist once deployed: Terraform expressions in the stack, samples in tests. */
export interface AsteriskConfigValues {
  /** The Elastic IP: the address Asterisk advertises for SIP and media. */
  readonly publicIp: string;
  /** `<id>.voiceconnector.chime.aws`, where calls from the PBX go. */
  readonly voiceConnectorHost: string;
  /** Comma-separated CIDRs the voice connector signals from; identifies its calls. */
  readonly voiceConnectorCidrs: string;
  /** The ordered number in E.164, e.g. "+14155550100". */
  readonly phoneNumber: string;
  /** Asterisk log levels for the console and the messages log, e.g. "notice,warning,error". */
  readonly logLevels: string;
  /** "yes" to log every SIP message, "no" otherwise. */
  readonly sipDebug: string;
  /** The network Asterisk reaches without NAT: the PBX's VPC unless a test places it elsewhere. */
  readonly localNet?: string;
}

/** Where a value goes: `@@NAME@@` in the files of asterisk-config/. */
const PLACEHOLDER = /@@([A-Z][A-Z0-9_]*)@@/g;

/** Placeholder names the renderer fills, with their values. */
export function placeholderValues(values: AsteriskConfigValues): Record<string, string> {
  return {
    PUBLIC_IP: values.publicIp,
    VOICE_CONNECTOR_HOST: values.voiceConnectorHost,
    VOICE_CONNECTOR_CIDRS: values.voiceConnectorCidrs,
    PHONE_NUMBER: values.phoneNumber,
    LOG_LEVELS: values.logLevels,
    SIP_DEBUG: values.sipDebug,
    LOCAL_NET: values.localNet ?? PBX_VPC_CIDR,
    SIP_PORT: String(SIP_PORT),
    RTP_FIRST_PORT: String(RTP_PORTS.first),
    RTP_LAST_PORT: String(RTP_PORTS.last),
  };
}

/**
 * Terraform reads a string in its JSON as a template: literal `${` and `%{` (bash, Asterisk's
 * dial plan) must reach the instance as written, so they are escaped as `$${` and `%%{`.
 */
export const escapeForTerraform = (text: string): string => text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");

/** Leaves literal text as it is: for rendering with plain values. */
const asWritten = (text: string): string => text;

/** Ends each heredoc holding a configuration file in the user data. */
const HEREDOC_END = "END_OF_ASTERISK_CONFIG";

const readTemplate = (file: string): string => fs.readFileSync(path.join(ASTERISK_CONFIG_DIR, file), "utf8");

/**
 * Fills every placeholder of a template. `escapeLiteral` applies to the template's own text
 * only, never to values, which may be Terraform expressions.
 */
function fill(template: string, values: AsteriskConfigValues, escapeLiteral: (text: string) => string): string {
  const byName = placeholderValues(values);
  // split() with a capturing group alternates literal text and placeholder names.
  return template
    .split(PLACEHOLDER)
    .map((part, i) => {
      if (i % 2 === 0) return escapeLiteral(part);
      const value = byName[part];
      if (value === undefined) throw new Error(`asterisk-config: unknown placeholder @@${part}@@`);
      return value;
    })
    .join("");
}

/** The rendered Asterisk configuration files, by name. */
export function renderAsteriskConfig(values: AsteriskConfigValues): Record<string, string> {
  return Object.fromEntries(ASTERISK_CONFIG_FILES.map((file) => [file, fill(readTemplate(file), values, asWritten)]));
}

/** Shell lines that write one configuration file from a quoted heredoc (no expansion inside). */
function configFileWriter(file: string): string {
  const content = readTemplate(file);
  if (content.split("\n").includes(HEREDOC_END)) {
    throw new Error(`asterisk-config/${file}: a line reads ${HEREDOC_END}, which would end its heredoc early`);
  }
  return `write_asterisk_config ${file} <<'${HEREDOC_END}'\n${content.endsWith("\n") ? content : `${content}\n`}${HEREDOC_END}`;
}

/**
 * The EC2 user data: the boot script with every configuration file inserted at
 * `@@ASTERISK_CONFIG_FILES@@`, then every placeholder filled. Pass `escapeForTerraform` when the
 * values are Terraform expressions and the result goes into the Terraform configuration.
 */
export function renderUserData(values: AsteriskConfigValues, escapeLiteral: (text: string) => string = asWritten): string {
  const writers = ASTERISK_CONFIG_FILES.map(configFileWriter).join("\n");
  const bootScript = readTemplate(BOOT_SCRIPT);
  if (!bootScript.includes("@@ASTERISK_CONFIG_FILES@@")) {
    throw new Error(`asterisk-config/${BOOT_SCRIPT} has no @@ASTERISK_CONFIG_FILES@@ line to insert the configuration at`);
  }
  return fill(
    bootScript.replace("@@ASTERISK_CONFIG_FILES@@", () => writers),
    values,
    escapeLiteral,
  );
}
