import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Set by scripts/system-test/run.sh, which prepares the chroot and the namespaces. */
function fromRunner(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the system test with npm run test:system`);
  return value;
}

/** The chroot (an overlay over the cached Debian sid chroot) in which Asterisk and sipp run. */
export const ROOT = fromRunner("SYSTEM_TEST_ROOT");
const PREFIX = fromRunner("SYSTEM_TEST_NETNS_PREFIX");

/** The namespaces of scripts/system-test/network.sh. */
export const NAMESPACE = { pbx: `${PREFIX}-pbx`, gateway: `${PREFIX}-igw`, world: `${PREFIX}-world` } as const;

/** The documentation addresses of scripts/system-test/network.sh. */
export const ADDRESS = {
  elasticIp: "203.0.113.10",
  privateIp: "192.0.2.10",
  subnet: "192.0.2.0/24",
  resolver: "192.0.2.2",
  connector: "198.51.100.10",
  connectorRange: "198.51.100.0/28",
  softphone: "198.51.100.20",
  stranger: "198.51.100.99",
} as const;

/** Where the test's own files go inside the chroot. */
export const TEST_DIR = "/system-test";

/** A path inside the chroot, seen from the host. */
export const inRoot = (file: string): string => path.join(ROOT, file);

export interface Result {
  readonly code: number;
  readonly output: string;
}

/** `ip netns exec` into a namespace, then chroot, with the clean environment cloud-init gives root. */
const chrootIn = (namespace: string, argv: string[]): string[] => [
  "netns",
  "exec",
  namespace,
  "chroot",
  ROOT,
  "/usr/bin/env",
  "-i",
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  "HOME=/root",
  ...argv,
];

/** Runs a program of the chroot inside a namespace. Never throws on exit status. */
export async function inChroot(namespace: string, argv: string[], timeoutMs = 60000): Promise<Result> {
  try {
    const { stdout, stderr } = await run("ip", chrootIn(namespace, argv), { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    const code = typeof failed.code === "number" ? failed.code : -1;
    return { code, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}${code === -1 ? failed.message : ""}` };
  }
}

/** An Asterisk CLI command, through the running Asterisk's control socket. */
export async function asterisk(command: string): Promise<string> {
  const { code, output } = await inChroot(NAMESPACE.pbx, ["asterisk", "-rx", command]);
  if (code !== 0) throw new Error(`asterisk -rx '${command}' exited with ${code}: ${output}`);
  return output;
}

export interface SippCall {
  /** The scenario file in test/system/sipp/. */
  readonly scenario: string;
  /** The calling (or answering) host's address, in the world namespace. */
  readonly from: string;
  /** The user part of the request URI. */
  readonly service?: string;
  readonly mediaPort: number;
  readonly extra?: string[];
}

export interface SippResult extends Result {
  /** The SIP messages sipp sent and received, in order. */
  readonly messages: SipMessage[];
}

export interface SipMessage {
  readonly direction: "sent" | "received";
  /** "INVITE sip:... SIP/2.0" or "SIP/2.0 200 OK". */
  readonly startLine: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Splits sipp's message log (-trace_msg) into messages. */
export function parseSippMessages(log: string): SipMessage[] {
  const messages: SipMessage[] = [];
  for (const block of log.split(/^-{10,}.*$/m)) {
    const marker = /^\s*(UDP|TCP) message (sent|received)[^\n]*\n/.exec(block);
    if (!marker) continue;
    const [head, ...body] = block
      .slice(marker[0].length)
      .trim()
      .split(/\r?\n\r?\n/);
    const [startLine, ...headerLines] = head.split(/\r?\n/);
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    messages.push({ direction: marker[2] as "sent" | "received", startLine: startLine.trim(), headers, body: body.join("\n\n") });
  }
  return messages;
}

/** sipp's arguments; a calling sipp also gets the PBX's address. */
const sippArgs = (call: SippCall, log: string, calling: boolean): string[] => [
  "sipp",
  ...(calling ? [`${ADDRESS.elasticIp}:5060`] : []),
  ...(call.service ? ["-s", call.service] : []),
  "-sf",
  `${TEST_DIR}/sipp/${call.scenario}`,
  "-i",
  call.from,
  "-p",
  "5060",
  "-m",
  "1",
  "-mp",
  String(call.mediaPort),
  "-rtp_echo",
  "-nostdin",
  "-timeout",
  "30s",
  "-timeout_error",
  "-trace_msg",
  "-message_file",
  log,
  ...(call.extra ?? []),
];

const sippLog = (scenario: string): string => `${TEST_DIR}/${scenario}.${Date.now()}.log`;

const readMessages = (log: string): SipMessage[] =>
  fs.existsSync(inRoot(log)) ? parseSippMessages(fs.readFileSync(inRoot(log), "latin1")) : [];

/** Places one call from a host of the world namespace to the Elastic IP and waits for its end. */
export async function sipp(call: SippCall): Promise<SippResult> {
  const log = sippLog(call.scenario);
  const result = await inChroot(NAMESPACE.world, sippArgs(call, log, true), 45000);
  return { ...result, messages: readMessages(log) };
}

/** Starts sipp answering one call at a host of the world namespace; resolves when that call ends. */
export function sippAnswering(call: SippCall): { ready: Promise<void>; done: Promise<SippResult> } {
  const log = sippLog(call.scenario);
  const child = spawn("ip", chrootIn(NAMESPACE.world, sippArgs(call, log, false)), { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const done = new Promise<SippResult>((resolve) =>
    child.on("close", (code) => resolve({ code: code ?? -1, output, messages: readMessages(log) })),
  );
  return { ready: waitForUdpListener(call.from, 5060), done };
}

/** Waits until something listens on a UDP address of the world namespace. */
async function waitForUdpListener(address: string, port: number): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { stdout } = await run("ip", ["netns", "exec", NAMESPACE.world, "ss", "-Hlun", "src", `${address}:${port}`]);
    if (stdout.trim() !== "") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on ${address}:${port}/udp in ${NAMESPACE.world}`);
}

/**
 * Counts the RTP packets that reach a host's media port from the Elastic IP: an iptables rule
 * in the world namespace whose packet counter the returned function reads.
 */
export async function countRtp(host: string, port: number): Promise<() => Promise<number>> {
  const rule = ["INPUT", "-p", "udp", "-s", ADDRESS.elasticIp, "-d", host, "--dport", String(port), "-j", "ACCEPT"];
  const added = await inChroot(NAMESPACE.world, ["iptables", "-w", "-A", ...rule]);
  if (added.code !== 0) throw new Error(`iptables -A ${rule.join(" ")}: ${added.output}`);
  return async () => {
    const { output } = await inChroot(NAMESPACE.world, ["iptables", "-w", "-L", "INPUT", "-v", "-x", "-n"]);
    const line = output
      .split("\n")
      .find((l) => l.includes(ADDRESS.elasticIp) && l.includes(` ${host} `) && l.includes(`dpt:${port}`));
    if (!line) throw new Error(`no RTP counter for ${host}:${port} in:\n${output}`);
    return Number(line.trim().split(/\s+/)[0]);
  };
}
