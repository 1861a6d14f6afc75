import { synthesizeStack } from "../support/synth";
import { expectAccepted, expectRefused, planVariables } from "../support/terraform-variables";

describe("every variable", () => {
  const variables = Object.entries(synthesizeStack().variable);

  it.each(variables)("%s has a type, a description and a default", (_name, block) => {
    expect(block.type).toEqual(expect.any(String));
    expect(block.description.length).toBeGreaterThan(20);
    expect(block).toHaveProperty("default");
  });

  it.each(variables.filter(([, b]) => b.validation))("%s names itself in every error message", (name, block) => {
    for (const rule of block.validation ?? []) expect(rule.error_message.startsWith(`${name}:`)).toBe(true);
  });
});

describe("terraform plan with the variable rules", () => {
  it("accepts the defaults, which deploy the Asterisk demo", () => {
    expectAccepted({});
  });

  it("accepts a SIPREC environment", () => {
    expectAccepted({
      region: "us-west-2",
      build_asterisk: false,
      siprec_cidrs: ["100.128.0.0/27", "100.128.1.8/29", "100.128.2.1/32"],
      output_bucket: "pca-input-bucket",
      recording_bucket_prefix: "/originalAudio/",
      removal_policy: "RETAIN",
      log_level: "DEBUG",
      tags: { Environment: "production" },
      alarm_email: "oncall@example.com",
      require_encryption: true,
    });
  });

  describe("region", () => {
    it("refuses a region without Chime SDK call recording", () => {
      expectRefused(
        { region: "eu-west-1", build_asterisk: false },
        'region: "eu-west-1" does not offer Chime SDK call recording',
      );
    });
  });

  describe("siprec_cidrs", () => {
    const siprec = (cidrs: string[]) => ({ build_asterisk: false, siprec_cidrs: cidrs });

    it("refuses more than 10 entries", () => {
      const eleven = Array.from({ length: 11 }, (_, i) => `198.51.100.${i * 8}/29`);
      expectRefused(siprec(eleven), "siprec_cidrs: 11 entries given; a voice connector allows at most 10.");
    });

    it("names an entry that is not a CIDR", () => {
      expectRefused(siprec(["198.51.100.0/27", "bad"]), 'siprec_cidrs: ["bad"] are not IPv4 CIDRs');
    });

    it("reports a malformed entry once, not through a failed index in another rule", () => {
      const { output } = planVariables(siprec(["bad"]));
      expect(output).not.toContain("Invalid index");
      expect(output.match(/siprec_cidrs: \[/g)).toHaveLength(1);
    });

    it("refuses a range wider than /27", () => {
      expectRefused(siprec(["198.51.100.0/24"]), 'siprec_cidrs: ["198.51.100.0/24"] are wider than /27');
    });

    it("refuses an entry with host bits set", () => {
      expectRefused(siprec(["198.51.100.5/27"]), 'siprec_cidrs: ["198.51.100.5/27"] have host bits set');
    });

    it.each([
      ["10.1.2.0/27", "10.0.0.0/8 (private)"],
      ["172.16.0.0/28", "172.16.0.0/12 (private)"],
      ["172.31.255.224/27", "172.16.0.0/12 (private)"],
      ["192.168.1.0/32", "192.168.0.0/16 (private)"],
      ["127.0.0.0/30", "127.0.0.0/8 (loopback)"],
      ["0.0.0.0/32", "0.0.0.0/8 (this network)"],
      ["100.64.0.0/27", "100.64.0.0/10 (shared address space)"],
      ["100.127.255.224/27", "100.64.0.0/10 (shared address space)"],
      ["169.254.169.254/32", "169.254.0.0/16 (link-local)"],
      ["224.0.0.0/27", "224.0.0.0/4 (multicast)"],
      ["239.255.255.255/32", "224.0.0.0/4 (multicast)"],
      ["240.0.0.0/27", "240.0.0.0/4 (reserved)"],
      ["255.255.255.255/32", "240.0.0.0/4 (reserved)"],
      ["192.0.0.8/32", "192.0.0.0/24 (IETF protocol assignments)"],
      ["198.19.255.224/27", "198.18.0.0/15 (benchmarking)"],
    ])("refuses %s, naming the non-public range %s it lies in", (cidr, range) => {
      expectRefused(
        siprec([cidr]),
        `siprec_cidrs: ${cidr} is in ${range}; the voice connector is reached from public addresses only`,
      );
    });

    it.each([
      ["192.0.2.0/27", "192.0.2.0/24"],
      ["198.51.100.0/28", "198.51.100.0/24"],
      ["203.0.113.32/32", "203.0.113.0/24"],
    ])("refuses the documentation address %s (in %s), an example no SBC sends from, saying what to set", (cidr, range) => {
      expectRefused(
        siprec([cidr]),
        `siprec_cidrs: ${cidr} is in ${range} (documentation); no entry may lie in the documentation ranges 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, which examples use and no SBC sends from: set siprec_cidrs to the public IPv4 ranges your SBCs send SIPREC from.`,
      );
    });

    it("names every non-public entry and only those", () => {
      const { output } = planVariables(siprec(["100.128.0.0/27", "127.0.0.0/30", "10.0.0.0/27"]));
      expect(output).toContain(
        "siprec_cidrs: 127.0.0.0/30 is in 127.0.0.0/8 (loopback), 10.0.0.0/27 is in 10.0.0.0/8 (private);",
      );
    });

    it.each([
      "172.15.0.0/27",
      "172.32.0.0/27",
      "11.0.0.0/27",
      "100.63.255.224/27",
      "100.128.0.0/27",
      "126.255.255.224/27",
      "223.255.255.224/27",
    ])("accepts the public range %s", (cidr) => {
      expectAccepted(siprec([cidr]));
    });

    it("refuses SIPREC CIDRs together with the Asterisk PBX", () => {
      expectRefused({ siprec_cidrs: ["100.128.0.0/27"] }, "build_asterisk: true cannot be combined with siprec_cidrs");
    });
  });

  describe("softphone_cidrs", () => {
    it("accepts addresses and networks of /16 or narrower", () => {
      expectAccepted({ softphone_cidrs: ["203.0.113.7/32", "198.51.100.0/24", "198.51.0.0/16"] });
    });

    it("names an entry that is not a CIDR", () => {
      expectRefused(
        { softphone_cidrs: ["203.0.113.7/32", "203.0.113.7"] },
        'softphone_cidrs: ["203.0.113.7"] are not IPv4 CIDRs',
      );
    });

    it("refuses a range wider than /16", () => {
      expectRefused({ softphone_cidrs: ["198.0.0.0/8"] }, 'softphone_cidrs: ["198.0.0.0/8"] are wider than /16');
    });

    it("refuses an entry with host bits set, which the security group rule would refuse at apply", () => {
      expectRefused({ softphone_cidrs: ["203.0.113.7/24"] }, 'softphone_cidrs: ["203.0.113.7/24"] have host bits set');
    });

    it("refuses an entry listed twice, which would be a duplicate security group rule key", () => {
      expectRefused(
        { softphone_cidrs: ["203.0.113.7/32", "198.51.100.0/24", "203.0.113.7/32"] },
        'softphone_cidrs: ["203.0.113.7/32"] are listed more than once; list each range once.',
      );
    });
  });

  describe("build_asterisk", () => {
    it("refuses the PBX in a region whose voice connector ranges it does not know", () => {
      expectRefused(
        { region: "eu-central-1" },
        'build_asterisk: the Asterisk PBX knows the Voice Connector address ranges of us-east-1 and us-west-2 only, not "eu-central-1"',
      );
    });

    it("allows eu-central-1 without the PBX", () => {
      expectAccepted({ region: "eu-central-1", build_asterisk: false });
    });
  });

  describe("recording_bucket_prefix", () => {
    it.each(["", "a", "a/", "/a/b/", "originalAudio", "calls/2026_q4"])("accepts %j", (prefix) => {
      expectAccepted({ recording_bucket_prefix: prefix });
    });

    it.each(["a b", "a+b", "café", "a=b"])("refuses %j, which a recording destination cannot hold", (prefix) => {
      expectRefused(
        { recording_bucket_prefix: prefix },
        `recording_bucket_prefix: "${prefix}" cannot be used in a recording destination`,
      );
    });
  });

  describe("output_bucket", () => {
    it.each(["s3://bucket", "arn:aws:s3:::bucket", "Upper", "ab"])("refuses %j", (bucket) => {
      expectRefused({ output_bucket: bucket }, `output_bucket: "${bucket}" is not an S3 bucket name`);
    });
  });

  it.each([
    [{ log_level: "TRACE" }, 'log_level: "TRACE" is not a level; use DEBUG, INFO, WARN or ERROR.'],
    [{ removal_policy: "KEEP" }, 'removal_policy: "KEEP" is not a policy; use DESTROY, RETAIN or SNAPSHOT.'],
    [{ name_prefix: "Call_Recorder" }, 'name_prefix: "Call_Recorder" is not a valid prefix'],
    [{ tags: { "aws:owner": "x" } }, 'tags: every key must be 1 to 128 characters and must not start with "aws:"'],
    [{ data_retention_hours: 4 }, "data_retention_hours: 4 is out of range"],
    [{ data_retention_hours: 12.5 }, "data_retention_hours: 12.5 is out of range"],
    [{ recording_retention_days: -1 }, "recording_retention_days: -1 is not a retention period"],
    [{ call_ttl_days: 0 }, "call_ttl_days: 0 is out of range"],
    [{ log_retention_days: 10 }, "log_retention_days: 10 is not a CloudWatch retention period"],
    [{ recorder_max_concurrency: 1 }, "recorder_max_concurrency: 1 is out of range"],
    [{ alarm_email: "oncall" }, 'alarm_email: "oncall" is not an e-mail address'],
    [{ require_encryption: true }, "require_encryption: true cannot be combined with build_asterisk = true"],
  ])("refuses %j", (tfvars, message) => {
    expectRefused(tfvars, message);
  });
});
