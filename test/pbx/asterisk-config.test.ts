import { ASTERISK_LOG_LEVELS, USER_DATA_LIMIT_BYTES } from "../../stacks/pbx/asterisk-pbx";
import {
  ASTERISK_CONFIG_FILES,
  type AsteriskConfigValues,
  PBX_VPC_CIDR,
  RTP_PORTS,
  renderAsteriskConfig,
  renderUserData,
} from "../../stacks/pbx/asterisk-user-data";
import { resource, synthesizeStack } from "../support/synth";
import {
  type AsteriskSection,
  dialplanSteps,
  extensionMatches,
  parseAsteriskConfig,
  pjsipObject,
  sectionsNamed,
  settingsOf,
} from "./support/asterisk-config";
import { evaluate } from "./support/terraform-expressions";

const SAMPLE: AsteriskConfigValues = {
  publicIp: "198.51.100.10",
  voiceConnectorHost: "abcdefghij0123456789ab.voiceconnector.chime.aws",
  voiceConnectorCidrs: "3.80.16.0/23",
  phoneNumber: "+14155550100",
  logLevels: "verbose,notice,warning,error",
  sipDebug: "no",
};

const files = renderAsteriskConfig(SAMPLE);
const userData = renderUserData(SAMPLE);
const parsed = (file: string): AsteriskSection[] => parseAsteriskConfig(files[file], file);

const context = (name: string): AsteriskSection => {
  const [found] = sectionsNamed(parsed("extensions.conf"), name);
  if (!found) throw new Error(`extensions.conf has no [${name}]`);
  return found;
};

/** The steps a call to `dialled` runs through in a context, in order. */
const stepsFor = (contextName: string, dialled: string): string[] =>
  dialplanSteps(context(contextName))
    .filter((s) => extensionMatches(s.extension, dialled))
    .map((s) => s.application);

describe("rendering asterisk-config/", () => {
  it("replaces every placeholder of every file", () => {
    for (const text of [userData, ...Object.values(files)]) expect(text).not.toMatch(/@@[A-Z0-9_]*@@/);
  });

  it("puts every value where a placeholder was", () => {
    for (const value of Object.values(SAMPLE)) expect(userData).toContain(value);
  });

  it("writes each configuration file into the user data as rendered", () => {
    for (const file of ASTERISK_CONFIG_FILES) {
      expect(userData).toContain(
        `write_asterisk_config ${file} <<'END_OF_ASTERISK_CONFIG'\n${files[file]}END_OF_ASTERISK_CONFIG\n`,
      );
    }
  });

  it.each(ASTERISK_CONFIG_FILES)("%s parses as Asterisk configuration", (file) => {
    expect(parsed(file).length).toBeGreaterThan(0);
  });

  it(`keeps the user data under EC2's ${USER_DATA_LIMIT_BYTES} bytes with the longest values`, () => {
    const longest = renderUserData({
      ...SAMPLE,
      publicIp: "255.255.255.255",
      phoneNumber: "+123456789012345",
      logLevels: ASTERISK_LOG_LEVELS.DEBUG,
      voiceConnectorCidrs: "255.255.255.255/32,255.255.255.255/32",
    });
    expect(Buffer.byteLength(longest)).toBeLessThan(USER_DATA_LIMIT_BYTES);
  });
});

describe("the dial plan", () => {
  it("answers the ordered number from the voice connector with a prompt, then echo", () => {
    expect(stepsFor("from-voice-connector", SAMPLE.phoneNumber)).toEqual(["Goto(echo-test,s,1)"]);
    expect(stepsFor("echo-test", "s")).toEqual(
      expect.arrayContaining(["Answer()", "Playback(demo-echotest)", "Echo()", "Hangup()"]),
    );
  });

  it("answers no other number from the voice connector", () => {
    expect(stepsFor("from-voice-connector", "+12065550199")).toEqual([]);
  });

  it("sends the softphone's calls to US numbers out through the voice connector, as the ordered number", () => {
    expect(settingsOf(sectionsNamed(parsed("extensions.conf"), "globals")[0]).PHONE_NUMBER).toBe(SAMPLE.phoneNumber);
    expect(stepsFor("from-softphone", "+12065550199")).toEqual([
      "Set(CALLERID(num)=${PHONE_NUMBER})",
      "Dial(PJSIP/${EXTEN}@voice-connector,60)",
      "Hangup()",
    ]);
  });

  it.each([
    ["12065550199", "Goto(+${EXTEN},1)"],
    ["2065550199", "Goto(+1${EXTEN},1)"],
  ])("turns the softphone's %s into E.164 first", (dialled, step) => {
    expect(stepsFor("from-softphone", dialled)).toEqual([step]);
  });

  it("lets the softphone reach the echo test on 600", () => {
    expect(stepsFor("from-softphone", "600")).toEqual(["Goto(echo-test,s,1)"]);
  });
});

describe("pjsip.conf", () => {
  const pjsip = parsed("pjsip.conf");
  const contexts = parsed("extensions.conf").map((s) => s.name);

  it("advertises the Elastic IP for signalling and media, the VPC being the local network", () => {
    expect(pjsipObject(pjsip, "transport-udp", "transport")).toMatchObject({
      protocol: "udp",
      bind: "0.0.0.0:5060",
      external_signaling_address: SAMPLE.publicIp,
      external_media_address: SAMPLE.publicIp,
      local_net: PBX_VPC_CIDR,
    });
  });

  it("recognises the voice connector's calls by its signalling addresses", () => {
    expect(pjsipObject(pjsip, "voice-connector", "identify")).toMatchObject({
      endpoint: "voice-connector",
      match: SAMPLE.voiceConnectorCidrs,
    });
  });

  it("names the Elastic IP in From on calls to the voice connector, as in Contact and SDP", () => {
    expect(pjsipObject(pjsip, "voice-connector", "endpoint").from_domain).toBe(SAMPLE.publicIp);
  });

  it("sends calls to the voice connector's host name", () => {
    expect(pjsipObject(pjsip, "voice-connector", "aor").contact).toBe(`sip:${SAMPLE.voiceConnectorHost}`);
  });

  it("puts each endpoint's calls into a context of the dial plan", () => {
    for (const endpoint of ["voice-connector", "softphone"]) {
      expect(contexts).toContain(pjsipObject(pjsip, endpoint, "endpoint").context);
    }
  });

  it("authenticates the softphone with the password the boot script generates", () => {
    const [auth] = sectionsNamed(pjsip, "softphone").filter((s) => settingsOf(s).type === "auth");
    const include = auth.lines.find((l) => l.kind === "include");
    expect(include).toEqual({ kind: "include", file: "pjsip_softphone_password.conf" });
    expect(userData).toContain("readonly password_file=/etc/asterisk/pjsip_softphone_password.conf");
    expect(userData).toContain('printf \'password=%s\\n\' "$(openssl rand -hex 16)" >"$password_file"');
  });
});

describe("modules.conf", () => {
  const settings = sectionsNamed(parsed("modules.conf"), "modules")[0].lines.flatMap((l) => (l.kind === "setting" ? [l] : []));
  const loaded = settings.filter((l) => l.key === "load").map((l) => l.value);

  /** Dial plan applications and functions that live in modules; the others are built into Asterisk's core. */
  const MODULE_OF: Record<string, string> = {
    Dial: "app_dial.so",
    Echo: "app_echo.so",
    Playback: "app_playback.so",
    CALLERID: "func_callerid.so",
  };
  const CORE = ["Answer", "Wait", "Goto", "Hangup", "Set"];

  it("loads only the modules it names", () => {
    expect(settings.find((l) => l.key === "autoload")?.value).toBe("no");
    expect(settings.map((l) => l.key).filter((key) => !["autoload", "load"].includes(key))).toEqual([]);
  });

  it("loads PJSIP with what the configuration relies on, and no other channel driver", () => {
    expect(loaded).toEqual(
      expect.arrayContaining([
        "res_pjsip.so",
        "chan_pjsip.so",
        "res_pjsip_endpoint_identifier_ip.so",
        "res_pjsip_authenticator_digest.so",
        "res_pjsip_registrar.so",
        "res_pjsip_nat.so",
        "res_pjsip_sdp_rtp.so",
        "res_pjsip_logger.so",
        "res_rtp_asterisk.so",
        "codec_ulaw.so",
        "pbx_config.so",
      ]),
    );
    expect(loaded.filter((module) => module.startsWith("chan_"))).toEqual(["chan_pjsip.so"]);
  });

  it("loads a module for every application and function of the dial plan", () => {
    const steps = parsed("extensions.conf")
      .flatMap(dialplanSteps)
      .map((step) => step.application);
    const used = new Set(steps.flatMap((step) => [...step.matchAll(/\b([A-Z][A-Za-z]+)\(/g)].map((m) => m[1])));
    expect([...used].filter((name) => !CORE.includes(name) && !MODULE_OF[name])).toEqual([]);
    for (const name of used) if (MODULE_OF[name]) expect(loaded).toContain(MODULE_OF[name]);
  });

  it("plays the prompts, stored as GSM, on mu-law calls", () => {
    expect(loaded).toEqual(expect.arrayContaining(["format_gsm.so", "codec_gsm.so", "codec_ulaw.so"]));
  });
});

describe("the other files", () => {
  it("rtp.conf uses the ports the security group opens", () => {
    expect(settingsOf(parsed("rtp.conf")[0])).toMatchObject({
      rtpstart: String(RTP_PORTS.first),
      rtpend: String(RTP_PORTS.last),
    });
  });

  it("rtp.conf prepares no ICE, which neither the voice connector nor the softphone uses", () => {
    expect(settingsOf(parsed("rtp.conf")[0]).icesupport).toBe("no");
  });

  it("the boot script sets aside the sample users.conf, which pbx_config would read", () => {
    expect(userData).toMatch(/^rm -f \/etc\/asterisk\/users\.conf$/m);
    expect(userData.indexOf("rm -f /etc/asterisk/users.conf")).toBeLessThan(userData.indexOf("systemctl start asterisk"));
  });

  it("logger.conf logs at the levels of log_level", () => {
    const logfiles = settingsOf(sectionsNamed(parsed("logger.conf"), "logfiles")[0]);
    expect(logfiles).toEqual({ console: SAMPLE.logLevels, messages: SAMPLE.logLevels });
  });
});

describe("log_level on the PBX", () => {
  it("maps every level the variable allows to Asterisk's levels", () => {
    const [rule] = synthesizeStack().variable.log_level.validation ?? [];
    const allowed = JSON.parse(/contains\((\[[^\]]*\])/.exec(rule.condition)![1]);
    expect(Object.keys(ASTERISK_LOG_LEVELS).sort()).toEqual([...allowed].sort());
  });
});

describe("the synthesized user data, as Terraform renders it", () => {
  const config = synthesizeStack();
  const synthesized = String(resource(config, "aws_instance", "pbx").user_data);
  // Resources cannot be evaluated offline: their attributes become locals with sample values.
  const asLocals = synthesized
    .split("one(aws_eip.pbx[*].public_ip)")
    .join("local.public_ip")
    .split("one(aws_chime_voice_connector.recorded[*].outbound_host_name)")
    .join("local.host")
    .split("one(data.aws_ssm_parameter.phone_number[*].insecure_value)")
    .join("local.phone_number");

  it("refers to the Elastic IP, the connector's host name and the ordered number", () => {
    expect(asLocals).not.toMatch(/\$\{[^}]*(aws_|data\.)/);
  });

  it.each([
    ["us-east-1", "INFO"],
    ["us-west-2", "DEBUG"],
  ])("is the plain rendering with the deployment's values in %s at %s", (region, logLevel) => {
    const { user_data } = evaluate(
      config,
      { user_data: asLocals },
      { region, log_level: logLevel },
      {
        public_ip: SAMPLE.publicIp,
        host: SAMPLE.voiceConnectorHost,
        phone_number: SAMPLE.phoneNumber,
        voice_connector_signalling_cidrs: config.locals.voice_connector_signalling_cidrs,
      },
    );
    const expected = renderUserData({
      ...SAMPLE,
      voiceConnectorCidrs: region === "us-west-2" ? "99.77.253.0/24" : "3.80.16.0/23",
      logLevels: ASTERISK_LOG_LEVELS[logLevel],
      sipDebug: logLevel === "DEBUG" ? "yes" : "no",
    });
    expect(user_data).toBe(expected);
  });
});
