import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { varRef } from "../hcl";
import { hclList, type Rule, rootVariable } from "../root-variable";

/** The stack's other variables, which the rules cross-check. */
export interface ConnectorVariablesProps {
  readonly buildAsterisk: TerraformVariable;
  readonly siprecCidrs: TerraformVariable;
  readonly softphoneCidrs: TerraformVariable;
  readonly dataRetentionHours: TerraformVariable;
}

/**
 * The most connectors one deployment records. Each id adds its stream ARN,
 * `arn:aws:kinesisvideo:<region>:<12-digit account>:stream/ChimeVoiceConnector-<22-character id>-*`
 * (98 characters in eu-central-1, the longest Region name among the recording Regions; 95 in us-east-1),
 * to two statements of the recorder function's inline policy and of the pipeline role's: with its quotes
 * and comma in a Resource list, about 101 characters per statement, so about 202 per id per role.
 * IAM caps a role's inline policies at 10,240 characters in total (whitespace not counted). Today the
 * function's policy is about 2,600 characters as synthesized and the pipeline role's about 2,000; resolved
 * with the longest names and 200-character key prefixes, about 3,500 and 2,300. Ten ids add about 2,020
 * per role (at most about 5,550 in all, near half the budget), leaving room for the statements the
 * per-connector grants add; at about 33 ids the function's role would run out.
 */
export const MAX_VOICE_CONNECTORS = 10;

/** The id of a voice connector as AWS documents it, e.g. "bfggco08s5m5esgxfskzks". */
const VOICE_CONNECTOR_ID = "^[a-z0-9]{22}$";

/** Notification targets a connector's streaming configuration may carry beside EventBridge. */
const EXTRA_NOTIFICATION_TARGETS = ["SNS", "SQS"];

const MEDIA_INSIGHTS_CONFIGURATION_ARN =
  "^arn:aws[a-z-]*:chime:[a-z0-9-]+:[0-9]{12}:media-insights-pipeline-configuration/[A-Za-z0-9_.-]+$";

/**
 * The variables that record voice connectors the operator already runs instead of creating one.
 * Declared at the stack root like every other variable (see `rootVariable`).
 */
export class ConnectorVariables extends Construct {
  readonly voiceConnectorIds: TerraformVariable;
  readonly voiceConnectorStreaming: TerraformVariable;
  readonly importVoiceConnectorStreaming: TerraformVariable;

  constructor(scope: Construct, id: string, props: ConnectorVariablesProps) {
    super(scope, id);
    const ids = "var.voice_connector_ids";
    const given = `length(${ids}) > 0`;

    // Each rule keeps the entries that break it, so a message names exactly those entries.
    // can()/try(): Terraform's || and && evaluate both sides, and a malformed entry must reach its own rule's message.
    const malformedIds = `[for id in ${ids} : id if !can(regex("${VOICE_CONNECTOR_ID}", id))]`;
    const repeatedIds = `distinct([for i, id in ${ids} : id if try(index(${ids}, id) != i, false)])`;
    const idRules: Rule[] = [
      {
        condition: `length(${malformedIds}) == 0`,
        errorMessage: `voice_connector_ids: \${jsonencode(${malformedIds})} are not voice connector ids; give each as its 22 lower-case letters and digits, e.g. "bfggco08s5m5esgxfskzks" (an id becomes part of IAM ARNs and event patterns, so no wildcards, "/" or spaces).`,
      },
      {
        condition: `length(distinct(${ids})) == length(${ids})`,
        errorMessage: `voice_connector_ids: \${jsonencode(${repeatedIds})} are listed more than once; list each connector once.`,
      },
      {
        condition: `length(${ids}) <= ${MAX_VOICE_CONNECTORS}`,
        errorMessage: `voice_connector_ids: \${length(${ids})} connectors given; at most ${MAX_VOICE_CONNECTORS}, since each adds its streams to the recorder's IAM policies, which AWS limits to 10,240 characters per role.`,
      },
      {
        condition: `!(${given} && ${varRef(props.buildAsterisk)})`,
        errorMessage:
          "voice_connector_ids: the test PBX needs a connector this stack creates; set build_asterisk = false (its default is true) to record existing connectors.",
      },
      {
        condition: `!(${given} && length(${varRef(props.siprecCidrs)}) > 0)`,
        errorMessage: `voice_connector_ids: a SIPREC trunk (siprec_cidrs \${jsonencode(${varRef(props.siprecCidrs)})}) is configured on a connector this stack creates, and with voice_connector_ids it creates none; set siprec_cidrs = [] and allow your SBCs in each given connector's own termination settings.`,
      },
      {
        condition: `!(${given} && length(${varRef(props.softphoneCidrs)}) > 0)`,
        errorMessage: `voice_connector_ids: a softphone (softphone_cidrs \${jsonencode(${varRef(props.softphoneCidrs)})}) registers with the test PBX, which needs a connector this stack creates; set softphone_cidrs = [] to record existing connectors.`,
      },
    ];
    this.voiceConnectorIds = rootVariable(this, "voice_connector_ids", {
      type: "list(string)",
      default: [],
      description: `Voice connectors you already run to record, in this deployment's Region (a connector in another Region would stay silent), at most ${MAX_VOICE_CONNECTORS}. [] creates a connector. With ids, the stack creates no connector, SIPREC trunk, PBX or phone number, so build_asterisk must be false, siprec_cidrs and softphone_cidrs [], and require_encryption, calling_regions, asterisk_instance_type and the phone_number settings are ignored; each connector's streaming configuration is replaced (see voice_connector_streaming).`,
      rules: idRules,
    });

    // A null entry has no attributes to read: its own rule reports it, the others read the entries that are set.
    const nullKeys = "[for k, s in var.voice_connector_streaming : k if s == null]";
    const streaming = "{ for k, s in var.voice_connector_streaming : k => s if s != null }";
    const unlistedKeys = `[for k in keys(var.voice_connector_streaming) : k if !contains(${ids}, k)]`;
    const badTargets = `[for t in s.notification_targets : t if !try(contains(${hclList(EXTRA_NOTIFICATION_TARGETS)}, t), false)]`;
    const withBadTargets = `[for k, s in ${streaming} : format("%s in %s", jsonencode(${badTargets}), k) if length(${badTargets}) > 0]`;
    const arnIsValid = `s.media_insights_configuration_arn == "" || can(regex("${MEDIA_INSIGHTS_CONFIGURATION_ARN}", s.media_insights_configuration_arn))`;
    const withBadArns = `[for k, s in ${streaming} : format("%q in %s", s.media_insights_configuration_arn, k) if !(${arnIsValid})]`;
    // data_retention_hours' own range: a whole number of hours from 8 to 87600 (see RecorderVariables).
    const hours = "s.data_retention_hours";
    const inRange = `${hours} == floor(${hours}) && ${hours} >= 8 && ${hours} <= 87600`;
    const outOfRange = `[for k, s in ${streaming} : format("%v hours in %s", ${hours}, k) if !(${hours} == 0 || (${inRange}))]`;
    const shorter = `[for k, s in ${streaming} : format("%v hours in %s", ${hours}, k) if ${hours} != 0 && (${inRange}) && ${hours} < ${varRef(props.dataRetentionHours)}]`;
    this.voiceConnectorStreaming = rootVariable(this, "voice_connector_streaming", {
      type: 'map(object({ notification_targets = optional(list(string), []), media_insights_configuration_arn = optional(string, ""), media_insights_configuration_disabled = optional(bool, false), data_retention_hours = optional(number, 0) }))',
      default: {},
      description:
        'What the current streaming configuration of a connector in voice_connector_ids holds that must be kept, keyed by its id: the stack replaces a connector\'s whole streaming configuration. notification_targets: "SNS" and "SQS" targets besides EventBridge, which is always on; media_insights_configuration_arn: an attached media insights configuration (Live Call Analytics\' or a call analytics one), "" for none (an enabled one with its own S3 recording sink records every call a second time and shares the pipeline quota); media_insights_configuration_disabled: true to keep an attached configuration disabled, as it may be now; data_retention_hours: a longer retention, 0 to use data_retention_hours. See it with aws chime-sdk-voice get-voice-connector-streaming-configuration.',
      rules: [
        {
          condition: `length(${nullKeys}) == 0`,
          errorMessage: `voice_connector_streaming: \${jsonencode(${nullKeys})} are null; give each connector an object, {} when its streaming configuration holds nothing to keep.`,
        },
        {
          condition: `length(${unlistedKeys}) == 0`,
          errorMessage: `voice_connector_streaming: \${jsonencode(${unlistedKeys})} are not in voice_connector_ids \${jsonencode(${ids})}; key each entry by one of the connectors in voice_connector_ids.`,
        },
        {
          condition: `length(${withBadTargets}) == 0`,
          errorMessage: `voice_connector_streaming: \${join(", ", ${withBadTargets})} are not notification targets to carry over; list only "SNS" and "SQS" in notification_targets (EventBridge is always on, for the recorder).`,
        },
        {
          condition: `length(${withBadArns}) == 0`,
          errorMessage: `voice_connector_streaming: \${join(", ", ${withBadArns})} are not media insights pipeline configuration ARNs; set media_insights_configuration_arn to arn:aws:chime:<region>:<account>:media-insights-pipeline-configuration/<name or id>, or "" for none.`,
        },
        {
          condition: `length(${outOfRange}) == 0`,
          errorMessage: `voice_connector_streaming: \${join(", ", ${outOfRange})} are out of range; set data_retention_hours to a whole number of hours from 8 to 87600, or 0 to use the variable data_retention_hours.`,
        },
        {
          condition: `length(${shorter}) == 0`,
          errorMessage: `voice_connector_streaming: \${join(", ", ${shorter})} are shorter than data_retention_hours = \${${varRef(props.dataRetentionHours)}}, which the recorder needs to make and retry its recordings; set each data_retention_hours to at least the variable data_retention_hours, or 0 to use it.`,
        },
      ],
    });

    this.importVoiceConnectorStreaming = rootVariable(this, "import_voice_connector_streaming", {
      type: "bool",
      default: false,
      description:
        "Adopt each given connector's existing streaming configuration into state with an import block, so the first plan shows an update instead of a create. Import fails on a connector without a streaming configuration; leave false then.",
    });
  }
}
