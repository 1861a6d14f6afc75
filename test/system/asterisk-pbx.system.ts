import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ASTERISK_LOG_LEVELS } from "../../stacks/pbx/asterisk-pbx";
import { type AsteriskConfigValues, renderUserData } from "../../stacks/pbx/asterisk-user-data";
import { parseAsteriskConfig } from "../pbx/support/asterisk-config";
import {
  ADDRESS,
  asterisk,
  countRtp,
  inChroot,
  inRoot,
  NAMESPACE,
  type SipMessage,
  type SippResult,
  sipp,
  sippAnswering,
  TEST_DIR,
} from "./support/pbx-host";

/** The deployment's values, with documentation addresses in place of the Elastic IP and the connector's ranges. */
const VALUES: AsteriskConfigValues = {
  publicIp: ADDRESS.elasticIp,
  voiceConnectorHost: "abcdefghij0123456789ab.voiceconnector.chime.aws",
  voiceConnectorCidrs: ADDRESS.connectorRange,
  phoneNumber: "+14155550100",
  logLevels: ASTERISK_LOG_LEVELS.INFO,
  sipDebug: "no",
  localNet: ADDRESS.subnet,
};

const USER_DATA = `${TEST_DIR}/user-data.sh`;
const STUB_LOG = "/var/log/system-test-stubs.log";
const MESSAGES_LOG = "/var/log/asterisk/messages";

/** Where the PBX advertises itself: the Elastic IP, whatever its own address is. */
const PUBLIC_CONTACT = new RegExp(`^<?sip:([^@>]*@)?${ADDRESS.elasticIp.replace(/\./g, "\\.")}(:5060)?[;>]`);
const sdpAddress = (message: SipMessage): string | undefined => /^c=IN IP4 (\S+)/m.exec(message.body)?.[1];

const received = (messages: SipMessage[], startLine: RegExp, method: string): SipMessage => {
  const found = messages.find(
    (m) => m.direction === "received" && startLine.test(m.startLine) && m.headers.cseq?.endsWith(method),
  );
  if (!found)
    throw new Error(`no ${startLine} for ${method} among:\n${messages.map((m) => `${m.direction} ${m.startLine}`).join("\n")}`);
  return found;
};

/** sipp's exit status, with its output when it failed. */
const outcome = (result: { code: number; output: string }): string =>
  result.code === 0 ? "exit status 0" : `exit status ${result.code}:\n${result.output}`;

/**
 * The VPC's DNS resolver: the connector's host name resolves to its stand-in, the PBX's own name
 * to its private address. Asterisk resolves SIP targets through DNS only, never /etc/hosts.
 */
async function startResolver(): Promise<void> {
  const started = await inChroot(NAMESPACE.gateway, [
    "dnsmasq",
    "--conf-file=/dev/null",
    "--no-resolv",
    "--no-hosts",
    "--bind-interfaces",
    `--listen-address=${ADDRESS.resolver}`,
    "--pid-file=",
    `--host-record=${VALUES.voiceConnectorHost},${ADDRESS.connector}`,
    `--host-record=${os.hostname()},${ADDRESS.privateIp}`,
  ]);
  if (started.code !== 0) throw new Error(`dnsmasq did not start: ${started.output}`);
  fs.writeFileSync(inRoot("/etc/resolv.conf"), `nameserver ${ADDRESS.resolver}\n`);
}

/** The WARNING and ERROR lines of Asterisk's log so far. */
const warningsAndErrors = (): string[] =>
  fs
    .readFileSync(inRoot(MESSAGES_LOG), "utf8")
    .split("\n")
    .filter((line) => /\b(WARNING|ERROR)\[/.test(line));

let boot: { code: number; output: string };

beforeAll(async () => {
  fs.cpSync(path.join(__dirname, "sipp"), inRoot(`${TEST_DIR}/sipp`), { recursive: true });
  for (const stub of ["apt-get", "systemctl"]) {
    fs.copyFileSync(path.join(__dirname, "stubs", stub), inRoot(`/usr/local/sbin/${stub}`));
    fs.chmodSync(inRoot(`/usr/local/sbin/${stub}`), 0o755);
  }
  await startResolver();
  fs.writeFileSync(inRoot(USER_DATA), renderUserData(VALUES), { mode: 0o700 });
  // cloud-init runs the user data once, as root, at first boot.
  boot = await inChroot(NAMESPACE.pbx, ["/bin/bash", USER_DATA], 180000);
  const version = await inChroot(NAMESPACE.pbx, ["asterisk", "-rx", "core show version"]);
  console.log(`Boot script exit status ${boot.code}; ${version.output.trim()}\n${boot.output}`);
}, 240000);

afterAll(() => {
  const log = inRoot(MESSAGES_LOG);
  if (fs.existsSync(log)) console.log(`Asterisk's ${MESSAGES_LOG}:\n${fs.readFileSync(log, "utf8")}`);
});

describe("the boot script on a fresh host", () => {
  it("completes and reports where Asterisk answers", () => {
    expect(boot.code).toBe(0);
    expect(boot.output).toContain(`Asterisk answers ${VALUES.phoneNumber} at ${ADDRESS.elasticIp}`);
  });

  it("installs Asterisk and its English prompts, packages that exist", async () => {
    const calls = fs.readFileSync(inRoot(STUB_LOG), "utf8");
    const install = /^apt-get .*install (.+)$/m.exec(calls)?.[1].split(" ") ?? [];
    expect(install).toEqual(["asterisk", "asterisk-core-sounds-en-gsm"]);
    const installed = await inChroot(NAMESPACE.pbx, ["dpkg-query", "-W", "-f", "${Status}\\n", ...install]);
    expect(installed.output.trim().split("\n")).toEqual(install.map(() => "install ok installed"));
  });

  it("stops the packaged Asterisk, then enables and starts it with the new configuration", () => {
    const systemctl = fs
      .readFileSync(inRoot(STUB_LOG), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("systemctl"));
    expect(systemctl).toEqual(["systemctl stop asterisk", "systemctl enable asterisk", "systemctl start asterisk"]);
  });

  it("leaves the softphone's credentials for the operator, readable by root only", () => {
    const credentials = inRoot("/root/softphone.txt");
    expect(fs.statSync(credentials).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(credentials, "utf8")).toMatch(/password: +[0-9a-f]{32}\n/);
  });
});

describe("Asterisk with the rendered configuration", () => {
  const wanted = parseAsteriskConfig(fs.readFileSync(path.resolve("asterisk-config/modules.conf"), "utf8"))[0]
    .lines.flatMap((l) => (l.kind === "setting" && l.key === "load" ? [l.value] : []))
    .sort();

  it("runs exactly the modules modules.conf names", async () => {
    const running = (await asterisk("module show"))
      .split("\n")
      .map((line) => /^(\S+\.so)\s.*\bRunning\b/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined)
      .sort();
    expect(running).toEqual(wanted);
  });

  it("logs no warning or error while loading them", () => {
    expect(warningsAndErrors()).toEqual([]);
  });
});

describe("a call from the voice connector's range to the ordered number", () => {
  let result: SippResult;
  let rtpPackets = 0;

  beforeAll(async () => {
    const rtp = await countRtp(ADDRESS.connector, 6000);
    result = await sipp({
      scenario: "connector-call.xml",
      from: ADDRESS.connector,
      service: VALUES.phoneNumber,
      mediaPort: 6000,
    });
    rtpPackets = await rtp();
  }, 60000);

  it("is answered, and hung up cleanly", () => {
    expect(outcome(result)).toBe("exit status 0");
  });

  it("is answered from the Elastic IP: Contact and SDP name it", () => {
    const ok = received(result.messages, /^SIP\/2\.0 200/, "INVITE");
    expect(ok.headers.contact).toMatch(PUBLIC_CONTACT);
    expect(sdpAddress(ok)).toBe(ADDRESS.elasticIp);
  });

  it("carries audio from the PBX (the prompt, then the echo)", () => {
    expect(rtpPackets).toBeGreaterThan(50);
  });
});

describe("a call from outside the voice connector's range", () => {
  it("is refused", async () => {
    const result = await sipp({
      scenario: "refused-call.xml",
      from: ADDRESS.stranger,
      service: VALUES.phoneNumber,
      mediaPort: 6010,
    });
    expect(outcome(result)).toBe("exit status 0");
    expect(received(result.messages, /^SIP\/2\.0 40[13] /, "INVITE")).toBeDefined();
    expect(result.messages.some((m) => m.startLine.startsWith("SIP/2.0 200"))).toBe(false);
  });
});

describe("the softphone", () => {
  const password = (): string => {
    const found = /password: +(\S+)/.exec(fs.readFileSync(inRoot("/root/softphone.txt"), "utf8"));
    if (!found) throw new Error("/root/softphone.txt names no password");
    return found[1];
  };
  const auth = (): string[] => ["-au", "softphone", "-ap", password()];

  it("registers with the generated password", async () => {
    const result = await sipp({ scenario: "softphone-register.xml", from: ADDRESS.softphone, mediaPort: 6020, extra: auth() });
    expect(outcome(result)).toBe("exit status 0");
    expect(await asterisk("pjsip show contacts")).toContain(`softphone@${ADDRESS.softphone}`);
  });

  it("is refused with a wrong password", async () => {
    const result = await sipp({
      scenario: "softphone-register.xml",
      from: ADDRESS.softphone,
      mediaPort: 6020,
      extra: ["-au", "softphone", "-ap", "not-the-password"],
    });
    const answers = result.messages.filter((m) => m.direction === "received" && m.headers.cseq?.endsWith("REGISTER"));
    expect(answers.map((m) => m.startLine.split(" ")[1])).toEqual(["401", "401"]);
  });

  it("reaches the echo test on 600, with audio", async () => {
    const rtp = await countRtp(ADDRESS.softphone, 6030);
    const result = await sipp({
      scenario: "softphone-echo.xml",
      from: ADDRESS.softphone,
      service: "600",
      mediaPort: 6030,
      extra: auth(),
    });
    expect(outcome(result)).toBe("exit status 0");
    expect(sdpAddress(received(result.messages, /^SIP\/2\.0 200/, "INVITE"))).toBe(ADDRESS.elasticIp);
    expect(await rtp()).toBeGreaterThan(50);
  }, 60000);
});

describe("a call out to a US number", () => {
  let result: SippResult;
  let rtpPackets = 0;

  beforeAll(async () => {
    const rtp = await countRtp(ADDRESS.connector, 6040);
    const connector = sippAnswering({ scenario: "connector-answer.xml", from: ADDRESS.connector, mediaPort: 6040 });
    await connector.ready;
    // What the softphone's call to 12065550199 runs through, started from the CLI.
    await asterisk("channel originate Local/12065550199@from-softphone application Playback demo-echotest");
    result = await connector.done;
    rtpPackets = await rtp();
  }, 60000);

  it("reaches the voice connector's host", () => {
    expect(outcome(result)).toBe("exit status 0");
    expect(received(result.messages, /^INVITE /, "INVITE").startLine).toBe(
      `INVITE sip:+12065550199@${VALUES.voiceConnectorHost} SIP/2.0`,
    );
  });

  it("names the Elastic IP in From, Contact and SDP, and the ordered number as caller", () => {
    const invite = received(result.messages, /^INVITE /, "INVITE");
    expect(invite.headers.from).toMatch(new RegExp(`<sip:\\${VALUES.phoneNumber}@${ADDRESS.elasticIp.replace(/\./g, "\\.")}>`));
    expect(invite.headers.contact).toMatch(PUBLIC_CONTACT);
    expect(sdpAddress(invite)).toBe(ADDRESS.elasticIp);
  });

  it("carries audio from the PBX", () => {
    expect(rtpPackets).toBeGreaterThan(50);
  });
});

describe("after every call", () => {
  it("Asterisk has logged no warning or error", () => {
    expect(warningsAndErrors()).toEqual([]);
  });
});
