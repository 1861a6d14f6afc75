import { resource, synthesizeStack } from "../support/synth";
import {
  CREATED_BUCKET,
  CREATED_CONNECTOR,
  CREATED_KEY,
  EXPIRY,
  GIVEN_KEY_READ,
  OBJECT_LOCK,
  ORIGINATION,
  PBX,
  PBX_IMAGE,
  PHONE_NUMBER,
  RECORDER,
  RETAIN_GUARD,
  SOFTPHONE,
  TERMINATION,
} from "./stack-blocks";
import { type AppliedState, blocksOf, type PlannedChange, TwinWorkspace, terraformVersion } from "./terraform";

/**
 * Every deployment mode applied by real Terraform to the provider-free twin of the synthesized stack (twin.ts):
 * Terraform evaluates every count, for_each, condition, reference and output of the stack, offline.
 */

// Public ranges standing for SBCs: siprec_cidrs refuses documentation addresses.
const SBCS = ["100.128.0.0/27", "100.128.1.8/29"];
const GIVEN_KEY = "arn:aws:kms:us-east-1:123456789012:key/0000aaaa-11bb-22cc-33dd-444444eeeeee";
const MODES: Record<string, Record<string, unknown>> = {
  default: {},
  SIPREC: { build_asterisk: false, siprec_cidrs: SBCS },
  "an existing bucket with PCA's prefix": { output_bucket: "example-pca-bucket", recording_bucket_prefix: "originalAudioFiles" },
  "RETAIN with an odd prefix": { removal_policy: "RETAIN", recording_bucket_prefix: "/calls//2024/" },
  "us-west-2 with a softphone": { region: "us-west-2", softphone_cidrs: ["203.0.113.0/24", "198.51.100.77/32"] },
  "eu-central-1 with SIPREC and encryption": {
    region: "eu-central-1",
    build_asterisk: false,
    siprec_cidrs: SBCS,
    require_encryption: true,
  },
  "own trunk": { build_asterisk: false },
  "created key with COMPLIANCE lock": {
    removal_policy: "RETAIN",
    recording_lock_mode: "COMPLIANCE",
    recording_lock_days: 2555,
    recording_retention_days: 2557,
    recording_format: "Opus",
    do_not_record_numbers: ["+12065550100"],
  },
  "given key with an existing bucket": { kms_key_arn: GIVEN_KEY, output_bucket: "example-pca-bucket" },
};

const applied = new Map<string, AppliedState>();
const records = new Map<string, Record<string, Record<string, string>>>();
const seconds: Record<string, number> = {};

beforeAll(() => {
  const started = Date.now();
  for (const [mode, tfvars] of Object.entries(MODES)) {
    const modeStarted = Date.now();
    const workspace = new TwinWorkspace();
    try {
      workspace.apply(tfvars);
      applied.set(mode, workspace.state());
      records.set(mode, workspace.provisionerRecords());
    } finally {
      workspace.remove();
    }
    seconds[mode] = (Date.now() - modeStarted) / 1000;
  }
  seconds.total = (Date.now() - started) / 1000;
  console.log(`terraform ${terraformVersion()}: init + apply of the twin, seconds per mode: ${JSON.stringify(seconds)}`);
}, 180_000);

const state = (mode: string): AppliedState => {
  const found = applied.get(mode);
  if (!found) throw new Error(`mode ${mode} was not applied`);
  return found;
};
const instance = (mode: string, address: string): Record<string, any> => {
  const found = state(mode).instances.get(address);
  if (!found) throw new Error(`${address} is not in the applied state of mode ${mode}`);
  return found;
};

/** Every mode here creates its voice connector (given-connectors.test.ts records the operator's own instead). */
const CORE = [...RECORDER, ...CREATED_CONNECTOR];

/** Blocks every mode deploys. */
const shared = (): string[] =>
  Object.keys(MODES)
    .map((mode) => blocksOf(state(mode)))
    .reduce((a, b) => a.filter((x) => b.includes(x)));

/** The blocks a mode deploys besides those every mode shares, with the PBX's image data source (whatever its name) as "<image>". */
const extras = (mode: string): string[] =>
  blocksOf(state(mode))
    .filter((address) => !shared().includes(address))
    .map((address) => (PBX_IMAGE.test(address) ? "<image>" : address))
    .sort();
const expected = (...groups: string[][]): string[] => groups.flat().sort();

describe("each deployment mode applies offline and deploys its resources", () => {
  it.each(Object.keys(MODES))("%s deploys the whole recorder", (mode) => {
    expect(blocksOf(state(mode))).toEqual(expect.arrayContaining(CORE));
  });

  it("the default adds the PBX, its phone number, both directions of the trunk and a recording bucket", () => {
    expect(extras("default")).toEqual(
      expected(PBX, ["<image>"], PHONE_NUMBER, ORIGINATION, TERMINATION, CREATED_BUCKET, CREATED_KEY),
    );
  });

  it("SIPREC adds only the termination that admits the SBCs, and the bucket", () => {
    expect(extras("SIPREC")).toEqual(expected(TERMINATION, CREATED_BUCKET, CREATED_KEY));
  });

  it("an existing bucket creates no bucket", () => {
    expect(extras("an existing bucket with PCA's prefix")).toEqual(
      expected(PBX, ["<image>"], PHONE_NUMBER, ORIGINATION, TERMINATION, CREATED_KEY),
    );
  });

  it("RETAIN adds the guards that refuse to destroy the bucket, its protections and the created key", () => {
    expect(extras("RETAIN with an odd prefix")).toEqual(
      expected(PBX, ["<image>"], PHONE_NUMBER, ORIGINATION, TERMINATION, CREATED_BUCKET, CREATED_KEY, RETAIN_GUARD),
    );
  });

  it("a softphone adds its ingress rules to the PBX", () => {
    expect(extras("us-west-2 with a softphone")).toEqual(
      expected(PBX, ["<image>"], PHONE_NUMBER, ORIGINATION, TERMINATION, CREATED_BUCKET, CREATED_KEY, SOFTPHONE),
    );
  });

  it("SIPREC in eu-central-1 deploys as in us-east-1", () => {
    expect(extras("eu-central-1 with SIPREC and encryption")).toEqual(extras("SIPREC"));
  });

  it("without PBX or SBCs the connector has no trunk settings, for a trunk of your own", () => {
    expect(extras("own trunk")).toEqual(expected(CREATED_BUCKET, CREATED_KEY));
  });

  it("a COMPLIANCE lock adds versioning, the lock and its guard, the expiry and the RETAIN guard to the created bucket and key", () => {
    expect(extras("created key with COMPLIANCE lock")).toEqual(
      expected(
        PBX,
        ["<image>"],
        PHONE_NUMBER,
        ORIGINATION,
        TERMINATION,
        CREATED_BUCKET,
        CREATED_KEY,
        OBJECT_LOCK,
        EXPIRY,
        RETAIN_GUARD,
      ),
    );
  });

  it("a given key with an existing bucket creates neither key nor bucket, and reads the key during the plan", () => {
    expect(extras("given key with an existing bucket")).toEqual(
      expected(PBX, ["<image>"], PHONE_NUMBER, ORIGINATION, TERMINATION, GIVEN_KEY_READ),
    );
  });
});

describe("encryption and retention", () => {
  const CREATED_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const KEY_USERS: [string, string][] = [
    ["aws_sqs_queue.recorder", "kms_master_key_id"],
    ["aws_sqs_queue.recorder_dead_letter", "kms_master_key_id"],
    ["aws_sns_topic.recorder_alarms", "kms_master_key_id"],
    ["aws_cloudwatch_log_group.recorder", "kms_key_id"],
    ["aws_ssm_parameter.do_not_record_numbers", "key_id"],
  ];

  it.each([
    ["created key with COMPLIANCE lock", CREATED_KEY_ARN],
    ["given key with an existing bucket", GIVEN_KEY],
  ])("in %s, the table, queues, topic, logs and list use the one key", (mode, key) => {
    for (const [address, argument] of KEY_USERS)
      expect({ address, key: instance(mode, address)[argument] }).toEqual({ address, key });
    expect(instance(mode, "aws_dynamodb_table.calls").server_side_encryption).toEqual({ enabled: true, kms_key_arn: key });
  });

  it("the created bucket encrypts with the created key through a bucket key", () => {
    expect(
      instance("created key with COMPLIANCE lock", "aws_s3_bucket_server_side_encryption_configuration.recordings[0]").rule,
    ).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: CREATED_KEY_ARN },
        bucket_key_enabled: true,
      },
    ]);
  });

  it("the created key's policy names the applied roles and log group", () => {
    const policy = JSON.parse(instance("created key with COMPLIANCE lock", "aws_kms_key_policy.recordings[0]").policy);
    const principal = (sid: string) => policy.Statement.find((s: { Sid: string }) => s.Sid === sid).Principal;
    expect(principal("MediaPipelinesWriteRecordingsThroughS3")).toEqual({
      AWS: "arn:aws:iam::123456789012:role/call-recorder-recording-pipeline-access",
    });
    expect(principal("RecorderUsesTheTableQueuesBucketAndList")).toEqual({
      AWS: "arn:aws:iam::123456789012:role/call-recorder-recorder",
    });
    // Present without call_detail_records_bucket: the role exists in every mode, so the policy can name it.
    expect(principal("ReconcilerUsesTheBucketAndTable")).toEqual({
      AWS: "arn:aws:iam::123456789012:role/call-recorder-reconciler",
    });
  });

  it("the created key's policy names the recorder's and the reconciler's log groups and the list parameter as applied", () => {
    const mode = "created key with COMPLIANCE lock";
    const policy = JSON.parse(instance(mode, "aws_kms_key_policy.recordings[0]").policy);
    const condition = (sid: string) => policy.Statement.find((s: { Sid: string }) => s.Sid === sid).Condition;
    // The reconciler's log group is created only with call_detail_records_bucket: its name is the function's.
    expect(condition("CloudWatchLogsEncryptsTheRecorderLogs").ArnEquals["kms:EncryptionContext:aws:logs:arn"]).toEqual([
      `arn:aws:logs:us-east-1:123456789012:log-group:${instance(mode, "aws_cloudwatch_log_group.recorder").name}`,
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/call-recorder-reconciler",
    ]);
    expect(condition("AccountWritesTheDoNotRecordListThroughSsm").StringEquals["kms:EncryptionContext:PARAMETER_ARN"]).toBe(
      `arn:aws:ssm:us-east-1:123456789012:parameter${instance(mode, "aws_ssm_parameter.do_not_record_numbers").name}`,
    );
  });

  it("the pipelines' role may use the given key through S3, for the existing bucket's default encryption", () => {
    const policy = JSON.parse(instance("given key with an existing bucket", "aws_iam_role_policy.media_pipeline_access").policy);
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === "EncryptRecordingsThroughS3").Resource).toBe(GIVEN_KEY);
  });

  it("COMPLIANCE locks each recording for recording_lock_days in a bucket created with Object Lock", () => {
    const mode = "created key with COMPLIANCE lock";
    expect(instance(mode, "aws_s3_bucket.recordings[0]")).toMatchObject({ object_lock_enabled: true, force_destroy: false });
    expect(instance(mode, "aws_s3_bucket_object_lock_configuration.recordings[0]").rule).toEqual({
      default_retention: { mode: "COMPLIANCE", days: 2555 },
    });
    expect(instance(mode, "aws_s3_bucket_versioning.recordings[0]").versioning_configuration).toEqual({ status: "Enabled" });
  });

  it("the function is told the format and where the do-not-record list is", () => {
    expect(instance("created key with COMPLIANCE lock", "aws_lambda_function.recorder").environment.variables).toMatchObject({
      RECORDING_FORMAT: "Opus",
      DO_NOT_RECORD_PARAMETER: "/call-recorder/recorder/do-not-record-numbers",
    });
  });

  it("the list is stored as a JSON array", () => {
    expect(instance("created key with COMPLIANCE lock", "aws_ssm_parameter.do_not_record_numbers").value).toBe(
      '["+12065550100"]',
    );
    expect(instance("default", "aws_ssm_parameter.do_not_record_numbers").value).toBe("[]");
  });
});

describe("the PBX", () => {
  const rules = (mode: string, name: string) =>
    [...state(mode).instances.keys()].filter((a) => a.startsWith(`aws_vpc_security_group_ingress_rule.${name}[`));

  it.each([
    ["default", 7],
    ["us-west-2 with a softphone", 3],
  ])("in %s admits one ingress rule per protocol, port range and voice connector range: %i", (mode, count) => {
    expect(rules(mode, "pbx_from_voice_connector")).toHaveLength(count);
  });

  it("admits the softphone's networks for SIP and media", () => {
    const sources = rules("us-west-2 with a softphone", "pbx_from_softphone").map(
      (a) => instance("us-west-2 with a softphone", a).cidr_ipv4,
    );
    expect(new Set(sources)).toEqual(new Set(["203.0.113.0/24", "198.51.100.77/32"]));
  });

  it("is placed in an availability zone that offers its instance type", () => {
    expect(instance("us-west-2 with a softphone", "aws_subnet.pbx_public[0]").availability_zone).toBe("us-west-2a");
  });

  it("is the origination's only route, to its Elastic IP on port 5060 over UDP", () => {
    expect(instance("default", "aws_chime_voice_connector_origination.recorded[0]").route).toEqual([
      { host: "198.51.100.10", port: 5060, protocol: "UDP", priority: 1, weight: 1 },
    ]);
  });

  it("is the termination's only allowed source", () => {
    expect(instance("default", "aws_chime_voice_connector_termination.recorded[0]").cidr_allow_list).toEqual([
      "198.51.100.10/32",
    ]);
  });

  it("gets its phone number from the order script, given the region, connector and parameter", () => {
    const orders = Object.entries(records.get("default") ?? {}).filter(([file]) =>
      file.startsWith("null_resource__phone_number.create."),
    );
    expect(orders.map(([, env]) => env)).toEqual([
      expect.objectContaining({
        AWS_REGION: "us-east-1",
        VOICE_CONNECTOR_ID: "abcdefghij0123456789ab",
        PARAMETER_NAME: "/call-recorder/pbx/phone-number",
        TWIN_PROVISIONER: expect.stringMatching(/phone-number\.sh order$/),
      }),
    ]);
  });

  it("orders no number in the modes without it", () => {
    expect(records.get("SIPREC")).toEqual({});
  });
});

describe("SIPREC", () => {
  it("admits exactly siprec_cidrs at the termination", () => {
    expect(instance("SIPREC", "aws_chime_voice_connector_termination.recorded[0]").cidr_allow_list).toEqual(SBCS);
  });

  it("allows the countries of calling_regions", () => {
    expect(instance("SIPREC", "aws_chime_voice_connector_termination.recorded[0]").calling_regions).toEqual(["US"]);
  });

  it("tells the SBC administrator where to send SIPREC", () => {
    expect(state("SIPREC").outputs.siprec_destination).toEqual({
      host: "abcdefghij0123456789ab.voiceconnector.chime.aws",
      transports: ["UDP on port 5060", "TCP on port 5060", "TLS on port 5061"],
      media: "RTP",
      allowed_sources: SBCS,
    });
  });

  it("offers only TLS and SRTP when the connector requires encryption", () => {
    const mode = "eu-central-1 with SIPREC and encryption";
    expect(instance(mode, "aws_chime_voice_connector.recorded[0]")).toMatchObject({
      aws_region: "eu-central-1",
      require_encryption: true,
    });
    expect(state(mode).outputs.siprec_destination).toMatchObject({ transports: ["TLS on port 5061"], media: "SRTP" });
  });
});

describe("the created connector is the one recorded", () => {
  const CREATED = "abcdefghij0123456789ab";

  it("by both rules, whose patterns Terraform renders once the connector exists", () => {
    const pattern = (rule: string) => JSON.parse(instance("default", `aws_cloudwatch_event_rule.${rule}`).event_pattern);
    expect(pattern("call_streams_ended").detail.voiceConnectorId).toEqual([CREATED]);
    expect(pattern("pipeline_permanent_failure").detail.voiceConnectorId).toEqual([CREATED]);
  });

  it("by the function, told it in VOICE_CONNECTOR_IDS", () => {
    expect(instance("default", "aws_lambda_function.recorder").environment.variables.VOICE_CONNECTOR_IDS).toBe(CREATED);
  });

  it("whose streaming is configured on it", () => {
    expect(instance("default", "aws_chime_voice_connector_streaming.recorded[0]").voice_connector_id).toBe(CREATED);
    expect(instance("default", "aws_chime_voice_connector_logging.recorded[0]").voice_connector_id).toBe(CREATED);
  });
});

describe("where recordings go", () => {
  it("a created bucket is named after the account and region", () => {
    expect(state("default").outputs.recording_location).toBe("s3://call-recorder-recordings-123456789012-us-east-1/");
  });

  it("an existing bucket receives the recordings under PCA's prefix", () => {
    const mode = "an existing bucket with PCA's prefix";
    expect(state(mode).outputs.recording_location).toBe("s3://example-pca-bucket/originalAudioFiles/");
    expect(instance(mode, "aws_chimesdkmediapipelines_media_insights_pipeline_configuration.recording").elements).toEqual([
      expect.objectContaining({ s3_recording_sink_configuration: { destination: "arn:aws:s3:::example-pca-bucket" } }),
    ]);
  });

  it("an odd prefix is normalised for the function and the location", () => {
    const mode = "RETAIN with an odd prefix";
    expect(instance(mode, "aws_lambda_function.recorder").environment.variables.RECORDING_BUCKET_PREFIX).toBe("calls/2024");
    expect(state(mode).outputs.recording_location).toMatch(/^s3:\/\/[^/]+\/calls\/2024\/$/);
  });

  it("RETAIN does not let Terraform empty the bucket", () => {
    expect(instance("RETAIN with an odd prefix", "aws_s3_bucket.recordings[0]").force_destroy).toBe(false);
  });
});

describe("the outputs", () => {
  const config = synthesizeStack();

  it.each(Object.keys(config.output))("%s is described", (name) => {
    expect(config.output[name].description?.length).toBeGreaterThan(30);
  });

  it("give the PBX's number, address and Session Manager command", () => {
    expect(state("us-west-2 with a softphone").outputs).toMatchObject({
      phone_number: "+12025550123",
      pbx_public_ip: "198.51.100.10",
      pbx_session_command: "aws ssm start-session --target i-0123456789abcdef0 --region us-west-2",
    });
  });

  it("give no PBX values and no SIPREC destination without them (Terraform leaves null outputs out)", () => {
    expect(Object.keys(state("own trunk").outputs)).toEqual(
      expect.not.arrayContaining(["phone_number", "pbx_public_ip", "pbx_session_command", "siprec_destination"]),
    );
    expect(Object.keys(state("default").outputs)).not.toContain("siprec_destination");
  });

  it("give the created connector's id and host in every mode, and list it as the one recorded", () => {
    for (const mode of Object.keys(MODES)) {
      expect(state(mode).outputs).toMatchObject({
        voice_connector_id: "abcdefghij0123456789ab",
        voice_connector_host: "abcdefghij0123456789ab.voiceconnector.chime.aws",
        recorded_voice_connector_ids: ["abcdefghij0123456789ab"],
      });
    }
  });

  it("the origination is configured for the PBX's Elastic IP", () => {
    expect(resource(config, "aws_chime_voice_connector_origination", "recorded").route).toEqual([
      { host: "${one(aws_eip.pbx[*].public_ip)}", port: 5060, protocol: "UDP", priority: 1, weight: 1 },
    ]);
  });
});

describe("switching the default to SIPREC on the same state", () => {
  let changes: PlannedChange[] = [];
  let after: AppliedState;
  let released: string[] = [];

  beforeAll(() => {
    const workspace = new TwinWorkspace();
    try {
      workspace.apply(MODES.default);
      changes = workspace.plan(MODES.SIPREC);
      workspace.apply(MODES.SIPREC);
      after = workspace.state();
      released = Object.keys(workspace.provisionerRecords()).filter((file) =>
        file.startsWith("null_resource__phone_number.destroy."),
      );
    } finally {
      workspace.remove();
    }
  }, 60_000);

  const actionsOf = (address: string) => changes.find((c) => c.address === address)?.actions ?? ["absent from the plan"];

  it("keeps the connector, its streaming and everything downstream in place", () => {
    const kept = blocksOf(state("SIPREC")).filter((a) => !a.startsWith("data."));
    const replacedOrDeleted = kept.flatMap((block) =>
      changes.filter((c) => c.address.replace(/\[.*\]$/, "") === block && c.actions.includes("delete")).map((c) => c.address),
    );
    expect(replacedOrDeleted).toEqual([]);
  });

  it("updates the termination's allow list in place", () => {
    expect(actionsOf("aws_chime_voice_connector_termination.recorded[0]")).toEqual(["update"]);
  });

  it("removes the PBX and releases its number", () => {
    expect(actionsOf("aws_instance.pbx[0]")).toEqual(["delete"]);
    expect(released).toHaveLength(1);
  });

  it("ends with the resources of a fresh SIPREC deployment", () => {
    expect(blocksOf(after)).toEqual(blocksOf(state("SIPREC")));
  });
});
