import { TerraformStack, TerraformVariable, type TerraformVariableConfig } from "cdktf";
import { Construct } from "constructs";
import { DEFAULT_FILE_NAME, FILE_NAME_PLACEHOLDERS } from "../lambda/recorder/file-names";
import { RECORD_INDEX } from "../lambda/recorder/record-index";

/** Regions where Chime SDK call recording (media insights pipelines) is offered. */
export const RECORDING_REGIONS = ["us-east-1", "us-west-2", "eu-central-1"];

/** Regions whose Voice Connector address ranges the PBX security group knows (see asterisk-pbx.ts). */
export const PBX_REGIONS = ["us-east-1", "us-west-2"];

/** Retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** IPv4 ranges no SBC can reach the voice connector from (RFC 6890 special-purpose), with their use. */
export const NON_PUBLIC_RANGES: readonly (readonly [string, string])[] = [
  ["0.0.0.0/8", "this network"],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "shared address space"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "IETF protocol assignments"],
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "benchmarking"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
];

/**
 * Documentation ranges (RFC 5737): the addresses examples use, environments/production.tfvars
 * included, and that no SBC sends from. Refused so that a configuration never filled in fails the plan.
 */
export const DOCUMENTATION_RANGES: readonly string[] = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];

/** Values as an HCL list literal (JSON arrays of strings and numbers are valid HCL). */
export const hclList = (values: readonly (string | number)[]): string => JSON.stringify(values);

/** A rule Terraform evaluates at plan time; `condition` is one HCL expression without `${}`. */
export interface Rule {
  readonly condition: string;
  readonly errorMessage: string;
}

export interface VariableSpec extends Omit<TerraformVariableConfig, "validation"> {
  readonly type: string;
  readonly description: string;
  readonly rules?: readonly Rule[];
}

/**
 * Declares a root variable of the stack that holds `scope`. Variables live at the stack root with
 * their logical id overridden, so their names in the JSON are exactly the tfvars names, whichever
 * construct declares them.
 */
export function rootVariable(scope: Construct, name: string, spec: VariableSpec): TerraformVariable {
  const { rules, ...config } = spec;
  const v = new TerraformVariable(TerraformStack.of(scope), name, {
    ...config,
    nullable: false,
    validation: rules?.map((r) => ({ condition: `\${${r.condition}}`, errorMessage: r.errorMessage })),
  });
  v.overrideLogicalId(name);
  return v;
}

/**
 * Every setting a user changes per environment, read from tfvars at plan time so that one
 * synthesized configuration serves every environment. Validation happens in `terraform plan`.
 */
export class Variables extends Construct {
  readonly region: TerraformVariable;
  readonly namePrefix: TerraformVariable;
  readonly tags: TerraformVariable;
  readonly outputBucket: TerraformVariable;
  readonly recordingBucketPrefix: TerraformVariable;
  readonly recordingFileName: TerraformVariable;
  readonly metadataPrefix: TerraformVariable;
  readonly recordIndexPrefix: TerraformVariable;
  readonly removalPolicy: TerraformVariable;
  readonly recordingRetentionDays: TerraformVariable;
  readonly kmsKeyArn: TerraformVariable;
  readonly recordingLockMode: TerraformVariable;
  readonly recordingLockDays: TerraformVariable;
  readonly recordingFormat: TerraformVariable;
  readonly doNotRecordNumbers: TerraformVariable;
  readonly dataRetentionHours: TerraformVariable;
  readonly requireEncryption: TerraformVariable;
  readonly logLevel: TerraformVariable;
  readonly logRetentionDays: TerraformVariable;
  readonly callTtlDays: TerraformVariable;
  readonly recorderMaxConcurrency: TerraformVariable;
  readonly alarmEmail: TerraformVariable;
  readonly buildAsterisk: TerraformVariable;
  readonly siprecCidrs: TerraformVariable;
  readonly softphoneCidrs: TerraformVariable;
  readonly callingRegions: TerraformVariable;
  readonly asteriskInstanceType: TerraformVariable;
  readonly phoneNumberAreaCode: TerraformVariable;
  readonly phoneNumberState: TerraformVariable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const variable = (name: string, spec: VariableSpec): TerraformVariable => rootVariable(this, name, spec);

    this.region = variable("region", {
      type: "string",
      default: "us-east-1",
      description: `AWS Region to deploy to. Chime SDK call recording is offered in ${RECORDING_REGIONS.join(", ")}.`,
      rules: [
        {
          condition: `contains(${hclList(RECORDING_REGIONS)}, var.region)`,
          errorMessage: `region: "\${var.region}" does not offer Chime SDK call recording; use one of ${RECORDING_REGIONS.join(", ")}.`,
        },
      ],
    });

    this.namePrefix = variable("name_prefix", {
      type: "string",
      default: "call-recorder",
      description:
        "Prefix of every resource name. Lower-case letters, digits and hyphens, 3 to 24 characters, starting with a letter.",
      rules: [
        {
          condition: `can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.name_prefix))`,
          errorMessage:
            'name_prefix: "${var.name_prefix}" is not a valid prefix; use 3 to 24 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen (it becomes part of the bucket name).',
        },
      ],
    });

    this.tags = variable("tags", {
      type: "map(string)",
      default: {},
      description: "Tags added to every resource through the provider's default tags.",
      rules: [
        {
          condition: `alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])`,
          errorMessage:
            'tags: every key must be 1 to 128 characters and must not start with "aws:", every value at most 256 characters; got ${jsonencode(var.tags)}.',
        },
      ],
    });

    this.outputBucket = variable("output_bucket", {
      type: "string",
      default: "",
      description:
        'Existing S3 bucket to write recordings to (for example the input bucket of Post Call Analytics). "" creates a bucket.',
      rules: [
        {
          condition: `var.output_bucket == "" || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.output_bucket))`,
          errorMessage:
            'output_bucket: "${var.output_bucket}" is not an S3 bucket name; use 3 to 63 lower-case letters, digits, dots or hyphens (no s3:// or ARN), or "" to create a bucket.',
        },
      ],
    });

    this.recordingBucketPrefix = variable("recording_bucket_prefix", {
      type: "string",
      default: "",
      description:
        'Key prefix of the recordings, e.g. "originalAudio" for Post Call Analytics. Leading and trailing slashes are ignored; "" writes to the bucket root.',
      rules: [
        {
          condition: `can(regex("^/*([A-Za-z0-9_.-]+(/+[A-Za-z0-9_.-]+)*)?/*$", var.recording_bucket_prefix)) && length(var.recording_bucket_prefix) <= 200`,
          errorMessage:
            'recording_bucket_prefix: "${var.recording_bucket_prefix}" cannot be used in a recording destination; use at most 200 characters of path segments made of letters, digits, "_", "." and "-", separated by "/".',
        },
      ],
    });

    // A template's placeholders, literal text and PCA mode; character classes instead of \{ keep the HCL free of escapes.
    const placeholders = `[for p in regexall("[{]([^{}]*)[}]", var.recording_file_name) : p[0]]`;
    const unknownPlaceholders = `[for p in ${placeholders} : "{\${p}}" if !contains(${hclList(FILE_NAME_PLACEHOLDERS)}, p)]`;
    const literalText = `replace(var.recording_file_name, "/[{][^{}]*[}]/", "")`;
    const pcaMode = `length(regexall("_(GUID|AGENT|CUST)_", var.recording_file_name)) > 0`;
    const normalised = (name: string): string => `join("/", compact(split("/", var.${name})))`;
    this.recordingFileName = variable("recording_file_name", {
      type: "string",
      default: DEFAULT_FILE_NAME,
      description: `File name of each recording (and its record), without extension, under recording_bucket_prefix: text and the placeholders ${FILE_NAME_PLACEHOLDERS.map((name) => `{${name}}`).join(", ")} ({date} YYYY-MM-DD and {time} HH-MM-SS of the call's start in UTC; numbers without their +). "/" makes folders. A name with PCA's _GUID_, _AGENT_ or _CUST_ fields is for Post Call Analytics (see the README's preset): no "/", and metadata_prefix outside recording_bucket_prefix.`,
      rules: [
        {
          condition: `length(${unknownPlaceholders}) == 0`,
          errorMessage: `recording_file_name: "\${var.recording_file_name}" has unknown placeholders \${join(", ", ${unknownPlaceholders})}; use ${FILE_NAME_PLACEHOLDERS.map((name) => `{${name}}`).join(", ")} (case matters).`,
        },
        {
          condition: `can(regex("^[A-Za-z0-9._:/-]*$", ${literalText})) && length(var.recording_file_name) <= 200`,
          errorMessage:
            'recording_file_name: "${var.recording_file_name}" cannot be part of a recording destination, whose pattern admits only letters, digits and / : - _ .; outside placeholders use only those (no spaces, no +), at most 200 characters.',
        },
        {
          condition: `strcontains(var.recording_file_name, "{callId}") || strcontains(var.recording_file_name, "{transactionId}")`,
          errorMessage:
            'recording_file_name: "${var.recording_file_name}" names no {callId} or {transactionId}, so every call would write the same file; include one of them.',
        },
        {
          condition: `!startswith(var.recording_file_name, "/") && !endswith(var.recording_file_name, "/") && !strcontains(var.recording_file_name, "//")`,
          errorMessage:
            'recording_file_name: "${var.recording_file_name}" has an empty folder (a leading, trailing or doubled "/"); put folders between names, e.g. "{date}/{callId}".',
        },
        {
          condition: `!(${pcaMode}) || !strcontains(var.recording_file_name, "/")`,
          errorMessage:
            'recording_file_name: "${var.recording_file_name}" carries Post Call Analytics fields (_GUID_, _AGENT_, _CUST_) and a "/": PCA names each job after the key without its first folder, and a job name cannot hold "/"; drop the folders.',
        },
      ],
    });

    this.metadataPrefix = variable("metadata_prefix", {
      type: "string",
      default: "",
      description:
        'Key prefix of the per-call records (JSON). "" writes each beside its recording (<recording>.json). Post Call Analytics starts a job for every object under its input prefix, so PCA users set a prefix outside it, e.g. "callRecords". In the created bucket, recording_retention_days expires the records under it too.',
      rules: [
        {
          condition: `can(regex("^/*([A-Za-z0-9_.-]+(/+[A-Za-z0-9_.-]+)*)?/*$", var.metadata_prefix)) && length(var.metadata_prefix) <= 200`,
          errorMessage:
            'metadata_prefix: "${var.metadata_prefix}" is not a key prefix; use at most 200 characters of path segments made of letters, digits, "_", "." and "-", separated by "/", or "" to write records beside the recordings.',
        },
        {
          condition: `!(${pcaMode}) || (${normalised("metadata_prefix")} != "" && !startswith("\${${normalised("metadata_prefix")}}/", "\${${normalised("recording_bucket_prefix")}}/"))`,
          errorMessage: `metadata_prefix: "\${var.metadata_prefix}" puts the records under recording_bucket_prefix "\${var.recording_bucket_prefix}", and recording_file_name "\${var.recording_file_name}" is for Post Call Analytics, which would start a job for each record; set metadata_prefix to a prefix outside it, e.g. "callRecords".`,
        },
      ],
    });

    this.recordIndexPrefix = variable("record_index_prefix", {
      type: "string",
      default: RECORD_INDEX.defaultPrefix,
      description: `Key prefix of the records by day: a second copy of every call's record under <prefix>/${RECORD_INDEX.partitionColumn}=YYYY-MM-DD/ (the call's start in UTC), which the Athena table reads and the daily reconciliation lists. In the created bucket, recording_retention_days expires it too.`,
      rules: [
        {
          condition: `can(regex("^/*[A-Za-z0-9_.-]+(/+[A-Za-z0-9_.-]+)*/*$", var.record_index_prefix)) && length(var.record_index_prefix) <= 200`,
          errorMessage:
            'record_index_prefix: "${var.record_index_prefix}" is not a key prefix; use at most 200 characters of path segments made of letters, digits, "_", "." and "-", separated by "/" (not empty), e.g. "call-records-by-day".',
        },
        {
          condition: `!(${pcaMode}) || !startswith("\${${normalised("record_index_prefix")}}/", "\${${normalised("recording_bucket_prefix")}}/")`,
          errorMessage: `record_index_prefix: "\${var.record_index_prefix}" puts the records by day under recording_bucket_prefix "\${var.recording_bucket_prefix}", and recording_file_name "\${var.recording_file_name}" is for Post Call Analytics, which would start a job for each of them; set record_index_prefix to a prefix outside it, e.g. "call-records-by-day".`,
        },
      ],
    });

    this.removalPolicy = variable("removal_policy", {
      type: "string",
      default: "DESTROY",
      description:
        "What destroy does to the bucket this stack creates: DESTROY empties and deletes it; RETAIN keeps it with every protection, refusing destroy at the plan until the bucket is removed from state (see the README). S3 has no snapshots, so SNAPSHOT means RETAIN.",
      rules: [
        {
          condition: `contains(["DESTROY", "RETAIN", "SNAPSHOT"], var.removal_policy)`,
          errorMessage: 'removal_policy: "${var.removal_policy}" is not a policy; use DESTROY, RETAIN or SNAPSHOT.',
        },
      ],
    });

    this.recordingRetentionDays = variable("recording_retention_days", {
      type: "number",
      default: 0,
      description:
        "Days after which recordings and their records (under metadata_prefix too) in the created bucket expire. 0 keeps them. Not applied to an existing output_bucket.",
      rules: [
        {
          condition: `var.recording_retention_days == floor(var.recording_retention_days) && var.recording_retention_days >= 0 && var.recording_retention_days <= 36500`,
          errorMessage:
            "recording_retention_days: ${var.recording_retention_days} is not a retention period; use a whole number of days from 1 to 36500, or 0 to keep recordings.",
        },
      ],
    });

    this.kmsKeyArn = variable("kms_key_arn", {
      type: "string",
      default: "",
      description:
        "ARN of an existing symmetric KMS key in the deployment's region that encrypts the recordings, the call table, the queues, the alarm topic and the recorder's logs; its key policy must allow what the README lists. \"\" creates a key with rotation.",
      rules: [
        {
          condition: `var.kms_key_arn == "" || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$", var.kms_key_arn))`,
          errorMessage:
            'kms_key_arn: "${var.kms_key_arn}" is not a KMS key ARN; use arn:aws:kms:<region>:<account>:key/<key id> (an alias or a bare key id cannot be granted in IAM policies), or "" to create a key.',
        },
        {
          // A malformed ARN is the format rule's to report.
          condition: `var.kms_key_arn == "" || !startswith(var.kms_key_arn, "arn:") || try(split(":", var.kms_key_arn)[3] == var.region, true)`,
          errorMessage:
            'kms_key_arn: "${var.kms_key_arn}" is in region ${try(split(":", var.kms_key_arn)[3], "?")}, not ${var.region}; S3, DynamoDB, SQS, SNS and CloudWatch Logs use keys of their own region only: give a key (or a multi-Region replica) in the region of the deployment, or "" to create one.',
        },
      ],
    });

    this.recordingLockMode = variable("recording_lock_mode", {
      type: "string",
      default: "",
      description:
        'S3 Object Lock for the created bucket, set when the bucket is created: GOVERNANCE (users with s3:BypassGovernanceRetention may still delete), COMPLIANCE (nobody, not even the root user, can delete or shorten before recording_lock_days) or "" for none. Needs removal_policy RETAIN or SNAPSHOT.',
      rules: [
        {
          condition: `contains(["", "GOVERNANCE", "COMPLIANCE"], var.recording_lock_mode)`,
          errorMessage:
            'recording_lock_mode: "${var.recording_lock_mode}" is not a lock mode; use GOVERNANCE, COMPLIANCE, or "" for no lock.',
        },
        {
          condition: `var.recording_lock_mode == "" || var.removal_policy != "DESTROY"`,
          errorMessage:
            'recording_lock_mode: ${var.recording_lock_mode} cannot be combined with removal_policy = "DESTROY": destroy would have to delete recordings the lock protects, and S3 refuses; a lock needs removal_policy = "RETAIN".',
        },
        {
          condition: `var.recording_lock_mode == "" || var.output_bucket == ""`,
          errorMessage:
            'recording_lock_mode: ${var.recording_lock_mode} applies to the bucket this stack creates, and output_bucket "${var.output_bucket}" is your own; with output_bucket, configure Object Lock on that bucket yourself and leave recording_lock_mode "".',
        },
      ],
    });

    this.recordingLockDays = variable("recording_lock_days", {
      type: "number",
      default: 0,
      description:
        "Days each recording in the created bucket stays locked (S3 Object Lock default retention) after it is written. Set with recording_lock_mode; 0 without it.",
      rules: [
        {
          condition: `var.recording_lock_days == floor(var.recording_lock_days) && var.recording_lock_days >= 0 && var.recording_lock_days <= 36500`,
          errorMessage:
            "recording_lock_days: ${var.recording_lock_days} is not a lock period; use a whole number of days from 1 to 36500 (with recording_lock_mode), or 0 for no lock.",
        },
        {
          condition: `(var.recording_lock_mode == "") == (var.recording_lock_days == 0)`,
          errorMessage:
            'recording_lock_days: ${var.recording_lock_days} does not match recording_lock_mode "${var.recording_lock_mode}"; a lock needs both a mode (GOVERNANCE or COMPLIANCE) and at least 1 day, no lock needs "" and 0.',
        },
        {
          condition: `var.recording_retention_days == 0 || var.recording_retention_days >= var.recording_lock_days`,
          errorMessage:
            "recording_lock_days: ${var.recording_lock_days} days of lock outlast recording_retention_days = ${var.recording_retention_days}, so recordings would expire while locked; set recording_retention_days to at least recording_lock_days, or 0 to keep them.",
        },
      ],
    });

    this.recordingFormat = variable("recording_format", {
      type: "string",
      default: "Wav",
      description:
        "Audio format of the recordings: Wav (uncompressed, what most analytics tools take) or Opus (far smaller; see the README for which tools accept it).",
      rules: [
        {
          condition: `contains(["Wav", "Opus"], var.recording_format)`,
          errorMessage: 'recording_format: "${var.recording_format}" is not a format; use Wav or Opus (as the API spells them).',
        },
      ],
    });

    this.doNotRecordNumbers = variable("do_not_record_numbers", {
      type: "list(string)",
      default: [],
      description:
        "Phone numbers (E.164, e.g. +12065550100) whose calls are never recorded, as caller or callee. Kept in an SSM parameter the recorder rereads within a minute, so a change needs no new function code.",
      rules: [
        {
          condition: `length(var.do_not_record_numbers) <= 200`,
          errorMessage:
            "do_not_record_numbers: ${length(var.do_not_record_numbers)} numbers given; at most 200 fit in the parameter (4 KB).",
        },
        {
          condition: `length([for n in var.do_not_record_numbers : n if !can(regex("^[+][1-9][0-9]{1,14}$", n))]) == 0`,
          errorMessage:
            'do_not_record_numbers: ${jsonencode([for n in var.do_not_record_numbers : n if !can(regex("^[+][1-9][0-9]{1,14}$", n))])} are not E.164 numbers; write each as "+" and 2 to 15 digits without spaces, e.g. "+12065550100".',
        },
        {
          condition: `length(distinct(var.do_not_record_numbers)) == length(var.do_not_record_numbers)`,
          errorMessage:
            "do_not_record_numbers: ${jsonencode(distinct([for i, n in var.do_not_record_numbers : n if index(var.do_not_record_numbers, n) != i]))} are listed more than once; list each number once.",
        },
      ],
    });

    this.dataRetentionHours = variable("data_retention_hours", {
      type: "number",
      default: 24,
      description:
        "Hours Kinesis Video Streams keeps call audio. Recordings are made from this audio and retried for up to 7 hours when the pipeline quota is full, so at least 8.",
      rules: [
        {
          condition: `var.data_retention_hours == floor(var.data_retention_hours) && var.data_retention_hours >= 8 && var.data_retention_hours <= 87600`,
          errorMessage:
            "data_retention_hours: ${var.data_retention_hours} is out of range; use a whole number of hours from 8 (recordings are retried for up to 7 hours) to 87600.",
        },
      ],
    });

    this.requireEncryption = variable("require_encryption", {
      type: "bool",
      default: false,
      description:
        "Require TLS signalling and SRTP media on the created voice connector (not on voice_connector_ids). The Asterisk test PBX speaks plain SIP over UDP, so this needs build_asterisk = false.",
      rules: [
        {
          condition: `!(var.require_encryption && var.build_asterisk)`,
          errorMessage:
            "require_encryption: true cannot be combined with build_asterisk = true (the test PBX uses unencrypted SIP over UDP); set build_asterisk = false or require_encryption = false.",
        },
      ],
    });

    this.logLevel = variable("log_level", {
      type: "string",
      default: "INFO",
      description: "Log level of the recorder function and the Asterisk PBX: DEBUG, INFO, WARN or ERROR.",
      rules: [
        {
          condition: `contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)`,
          errorMessage: 'log_level: "${var.log_level}" is not a level; use DEBUG, INFO, WARN or ERROR.',
        },
      ],
    });

    this.logRetentionDays = variable("log_retention_days", {
      type: "number",
      default: 30,
      description: "Days CloudWatch keeps the recorder function's logs.",
      rules: [
        {
          condition: `contains(${hclList(LOG_RETENTION_DAYS)}, var.log_retention_days)`,
          errorMessage: `log_retention_days: \${var.log_retention_days} is not a CloudWatch retention period; use one of ${LOG_RETENTION_DAYS.join(", ")}.`,
        },
      ],
    });

    this.callTtlDays = variable("call_ttl_days", {
      type: "number",
      default: 7,
      description: "Days a call's pairing record stays in the call table before DynamoDB expires it.",
      rules: [
        {
          condition: `var.call_ttl_days == floor(var.call_ttl_days) && var.call_ttl_days >= 1 && var.call_ttl_days <= 365`,
          errorMessage: "call_ttl_days: ${var.call_ttl_days} is out of range; use a whole number of days from 1 to 365.",
        },
      ],
    });

    this.recorderMaxConcurrency = variable("recorder_max_concurrency", {
      type: "number",
      default: 5,
      description:
        "Most recorder function instances the queue runs at once. Pipelines are limited to 20 running per Region, so more rarely helps.",
      rules: [
        {
          condition: `var.recorder_max_concurrency == floor(var.recorder_max_concurrency) && var.recorder_max_concurrency >= 2 && var.recorder_max_concurrency <= 1000`,
          errorMessage:
            "recorder_max_concurrency: ${var.recorder_max_concurrency} is out of range; use a whole number from 2 to 1000 (the SQS event source's limits).",
        },
      ],
    });

    this.alarmEmail = variable("alarm_email", {
      type: "string",
      default: "",
      description: 'E-mail address subscribed to the alarms (the address must confirm the subscription). "" subscribes nobody.',
      rules: [
        {
          condition: `var.alarm_email == "" || can(regex("^[^@ ]+@[^@ ]+[.][^@ ]+$", var.alarm_email))`,
          errorMessage: 'alarm_email: "${var.alarm_email}" is not an e-mail address; use name@example.com, or "" for none.',
        },
      ],
    });

    this.buildAsterisk = variable("build_asterisk", {
      type: "bool",
      default: true,
      description: "Deploy the Asterisk test PBX with a phone number. Set false to connect your own SBC (siprec_cidrs) or trunk.",
      rules: [
        {
          condition: `!(var.build_asterisk && length(var.siprec_cidrs) > 0)`,
          errorMessage:
            "build_asterisk: true cannot be combined with siprec_cidrs (the PBX and a SIPREC SBC are alternatives); set build_asterisk = false to use siprec_cidrs, or siprec_cidrs = [].",
        },
        {
          condition: `!var.build_asterisk || contains(${hclList(PBX_REGIONS)}, var.region)`,
          errorMessage: `build_asterisk: the Asterisk PBX knows the Voice Connector address ranges of ${PBX_REGIONS.join(" and ")} only, not "\${var.region}"; choose one of those regions or set build_asterisk = false.`,
        },
      ],
    });

    // Each rule keeps the entries that break it, so a message names exactly those entries.
    // try(): a malformed entry is reported by the format rule, not by a failed index elsewhere.
    const cidrRule = (name: string, entryIsValid: string, problem: string): Rule => {
      const offending = `[for c in var.${name} : c if !(${entryIsValid})]`;
      return { condition: `length(${offending}) == 0`, errorMessage: `${name}: \${jsonencode(${offending})} ${problem}` };
    };
    const isIpv4Cidr = `can(regex("^[0-9]{1,3}([.][0-9]{1,3}){3}/[0-9]{1,2}$", c)) && can(cidrhost(c, 0))`;
    const prefixLength = `tonumber(split("/", c)[1])`;
    const isNetworkAddress = `try(cidrhost(c, 0) == split("/", c)[0], true)`;
    // An entry (/27 or narrower) lies in range r when its address, masked to r's prefix length, is r's address.
    const rangeMap = (table: readonly (readonly [string, string])[]): string =>
      `{ ${table.map(([cidr, use]) => `"${cidr}" = "${use}"`).join(", ")} }`;
    const rangesOf = (ranges: string, entry: string): string =>
      `[for r, use in ${ranges} : format("%s (%s)", r, use) if try(cidrhost(format("%s/%s", split("/", ${entry})[0], split("/", r)[1]), 0) == split("/", r)[0], false)]`;
    const inRanges = (ranges: string) => `[for c in var.siprec_cidrs : c if length(${rangesOf(ranges, "c")}) > 0]`;
    const whereIn = (ranges: string) =>
      `\${join(", ", [for c in ${inRanges(ranges)} : format("%s is in %s", c, ${rangesOf(ranges, "c")}[0])])}`;
    const nonPublic = rangeMap(NON_PUBLIC_RANGES);
    const nonPublicRule: Rule = {
      condition: `length(${inRanges(nonPublic)}) == 0`,
      errorMessage: `siprec_cidrs: ${whereIn(nonPublic)}; the voice connector is reached from public addresses only, so no entry may lie in ${NON_PUBLIC_RANGES.map(([cidr]) => cidr).join(", ")}.`,
    };
    const documentation = rangeMap(DOCUMENTATION_RANGES.map((cidr) => [cidr, "documentation"]));
    const documentationRule: Rule = {
      condition: `length(${inRanges(documentation)}) == 0`,
      errorMessage: `siprec_cidrs: ${whereIn(documentation)}; no entry may lie in the documentation ranges ${DOCUMENTATION_RANGES.join(", ")}, which examples use and no SBC sends from: set siprec_cidrs to the public IPv4 ranges your SBCs send SIPREC from.`,
    };
    this.siprecCidrs = variable("siprec_cidrs", {
      type: "list(string)",
      default: [],
      description:
        "Public IPv4 CIDRs of your SIPREC SBCs, allowed to send calls to the voice connector. At most 10, each /27 or narrower. Needs build_asterisk = false.",
      rules: [
        {
          condition: `length(var.siprec_cidrs) <= 10`,
          errorMessage: "siprec_cidrs: ${length(var.siprec_cidrs)} entries given; a voice connector allows at most 10.",
        },
        cidrRule("siprec_cidrs", isIpv4Cidr, 'are not IPv4 CIDRs; write each as "198.51.100.0/27".'),
        cidrRule(
          "siprec_cidrs",
          `try(${prefixLength} >= 27, true)`,
          "are wider than /27; the voice connector accepts prefixes from /27 to /32.",
        ),
        cidrRule(
          "siprec_cidrs",
          isNetworkAddress,
          'have host bits set; give the network address, e.g. "198.51.100.0/27" rather than "198.51.100.5/27".',
        ),
        nonPublicRule,
        documentationRule,
      ],
    });

    this.softphoneCidrs = variable("softphone_cidrs", {
      type: "list(string)",
      default: [],
      description:
        "Public IPv4 CIDRs a softphone may register with the Asterisk test PBX from (SIP and RTP), e.g. your address as /32. [] admits none.",
      rules: [
        cidrRule("softphone_cidrs", isIpv4Cidr, 'are not IPv4 CIDRs; write each as "203.0.113.7/32".'),
        cidrRule(
          "softphone_cidrs",
          `try(${prefixLength} >= 16, true)`,
          "are wider than /16; use prefixes from /16 to /32, e.g. your address as /32.",
        ),
        // The security group rules refuse a CIDR with host bits, and the plan would fail late there.
        cidrRule(
          "softphone_cidrs",
          isNetworkAddress,
          'have host bits set; give the network address, e.g. "203.0.113.0/24" rather than "203.0.113.7/24".',
        ),
        // Each entry keys security group rules: a repeated entry would be a duplicate key.
        {
          condition: `length(distinct(var.softphone_cidrs)) == length(var.softphone_cidrs)`,
          errorMessage:
            "softphone_cidrs: ${jsonencode(distinct([for i, c in var.softphone_cidrs : c if index(var.softphone_cidrs, c) != i]))} are listed more than once; list each range once.",
        },
      ],
    });

    this.callingRegions = variable("calling_regions", {
      type: "list(string)",
      default: ["US"],
      description:
        "Countries the created voice connector may place outbound calls to, as ISO 3166-1 alpha-2 codes (not applied to voice_connector_ids).",
      rules: [
        {
          condition: `length(var.calling_regions) >= 1 && alltrue([for r in var.calling_regions : can(regex("^[A-Z]{2}$", r))])`,
          errorMessage:
            'calling_regions: ${jsonencode(var.calling_regions)} is not a list of country codes; give at least one ISO 3166-1 alpha-2 code in capitals, e.g. ["US", "CA"].',
        },
      ],
    });

    this.asteriskInstanceType = variable("asterisk_instance_type", {
      type: "string",
      default: "t4g.small",
      description: "EC2 instance type of the Asterisk PBX. It runs an arm64 image, so a Graviton type (t4g, m7g, c7g, ...).",
      rules: [
        {
          condition: `can(regex("^[a-z]+[0-9]+g[a-z]*[.][a-z0-9]+$", var.asterisk_instance_type))`,
          errorMessage:
            'asterisk_instance_type: "${var.asterisk_instance_type}" is not a Graviton (arm64) instance type; use a type such as t4g.small, t4g.medium or m7g.large.',
        },
      ],
    });

    this.phoneNumberAreaCode = variable("phone_number_area_code", {
      type: "string",
      default: "",
      description:
        'US area code of the test phone number ordered for the PBX, e.g. "415"; when set, the number is searched by area code and phone_number_state is not used. "" searches by phone_number_state.',
      rules: [
        {
          condition: `var.phone_number_area_code == "" || can(regex("^[2-9][0-9]{2}$", var.phone_number_area_code))`,
          errorMessage:
            'phone_number_area_code: "${var.phone_number_area_code}" is not a US area code; use three digits not starting with 0 or 1, e.g. "415", or "".',
        },
      ],
    });

    this.phoneNumberState = variable("phone_number_state", {
      type: "string",
      default: "WA",
      description:
        'US state of the test phone number, as a two-letter code. Searched when phone_number_area_code is "": a search for US numbers must name an area code or a state.',
      rules: [
        {
          condition: `var.phone_number_state == "" || can(regex("^[A-Z]{2}$", var.phone_number_state))`,
          errorMessage:
            'phone_number_state: "${var.phone_number_state}" is not a state code; use two capital letters, e.g. "WA", or "".',
        },
        {
          condition: `!var.build_asterisk || var.phone_number_area_code != "" || var.phone_number_state != ""`,
          errorMessage:
            'phone_number_state: with build_asterisk, set phone_number_state (e.g. "WA") or phone_number_area_code (e.g. "415"), not both "": a search for US numbers must name an area code or a state.',
        },
      ],
    });
  }
}
