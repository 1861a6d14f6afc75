import { ChimeVoiceConnectorStreaming } from "@cdktf/provider-aws/lib/chime-voice-connector-streaming";
import { TerraformStack, type TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { addressOf, hcl, hclList, hclNumber, varRef } from "../hcl";
import type { ConnectorVariables } from "./connector-variables";

export interface GivenConnectorsProps {
  readonly connectorVars: ConnectorVariables;
  /** Hours Kinesis Video Streams keeps each call's audio, at least. */
  readonly dataRetentionHours: TerraformVariable;
}

/**
 * Streaming on each voice connector the operator already runs (`voice_connector_ids`): both legs of
 * every call to Kinesis Video Streams, each stream's status to EventBridge. Nothing else on those
 * connectors is touched. PutVoiceConnectorStreamingConfiguration replaces a connector's whole
 * streaming configuration, so what another consumer relies on is carried over from
 * `voice_connector_streaming`: SNS or SQS targets, an attached media insights configuration, a
 * longer retention.
 */
export class GivenConnectors extends Construct {
  constructor(scope: Construct, id: string, props: GivenConnectorsProps) {
    super(scope, id);
    const ids = varRef(props.connectorVars.voiceConnectorIds);
    const streaming = varRef(props.connectorVars.voiceConnectorStreaming);
    const kept = (attribute: string, fallback: string) => `try(${streaming}[each.key].${attribute}, ${fallback})`;

    const given = new ChimeVoiceConnectorStreaming(this, "streaming", {
      voiceConnectorId: hcl("each.key"),
      dataRetention: hclNumber(`max(${varRef(props.dataRetentionHours)}, ${kept("data_retention_hours", "0")})`),
      streamingNotificationTargets: hclList(`distinct(concat(["EventBridge"], ${kept("notification_targets", "[]")}))`),
      disabled: false,
    });
    given.overrideLogicalId("given");
    given.addOverride("for_each", hcl(`toset(${ids})`));
    given.addOverride("dynamic.media_insights_configuration", {
      for_each: hcl(
        `${kept("media_insights_configuration_arn", '""')} == "" ? [] : [${kept("media_insights_configuration_arn", '""')}]`,
      ),
      // Kept disabled when it is now: carrying it over must not start recordings it does not make today.
      content: {
        disabled: hcl(kept("media_insights_configuration_disabled", "false")),
        configuration_arn: hcl("media_insights_configuration.value"),
      },
    });
    // Destroying it would call DeleteVoiceConnectorStreamingConfiguration and stop streaming for every
    // consumer of a connector this stack does not own: `terraform state rm` it first (docs/calls-into-the-connector.md).
    given.addOverride("lifecycle.prevent_destroy", true);

    const stack = TerraformStack.of(this);
    const enabledConfigurations = `[for id, s in ${streaming} : id if s.media_insights_configuration_arn != "" && !s.media_insights_configuration_disabled]`;
    // Optional: adopt each connector's current configuration, so the first plan shows an update.
    stack.addOverride("import", [
      {
        for_each: hcl(`${varRef(props.connectorVars.importVoiceConnectorStreaming)} ? toset(${ids}) : toset([])`),
        to: `${addressOf(given)}[each.key]`,
        id: hcl("each.key"),
      },
    ]);
    stack.addOverride("check.media_insights_records_twice", {
      assert: [
        {
          condition: hcl(`length(${enabledConfigurations}) == 0`),
          error_message: `voice_connector_streaming carries an enabled media insights configuration for \${join(", ", ${enabledConfigurations})}: if it has its own S3 recording sink, every call on that connector is recorded twice (once by it, once by this recorder), and both count against the 20 active pipelines of the Region.`,
        },
      ],
    });
  }
}
