import { ChimeVoiceConnector } from "@cdktf/provider-aws/lib/chime-voice-connector";
import { ChimeVoiceConnectorLogging } from "@cdktf/provider-aws/lib/chime-voice-connector-logging";
import { ChimeVoiceConnectorStreaming } from "@cdktf/provider-aws/lib/chime-voice-connector-streaming";
import type { IResolvable } from "cdktf";
import { Construct } from "constructs";
import { countedAttribute, hcl } from "../hcl";

export interface VoiceConnectorProps {
  /** Voice connector name. */
  readonly name: string;
  /** Chime region of the connector. */
  readonly awsRegion: string;
  /** Whether calls must use TLS and SRTP. */
  readonly requireEncryption: boolean | IResolvable;
  /** Hours Kinesis Video Streams keeps each call's audio. */
  readonly dataRetentionHours: number;
  /** 1 to create the connector, 0 when the operator's own connectors are recorded instead (voice_connector_ids). */
  readonly count: number;
}

/**
 * The SIP trunk whose calls are recorded: it streams both legs of every call to Kinesis Video
 * Streams and reports each stream's status to EventBridge, where the recorder picks it up.
 */
export class VoiceConnector extends Construct {
  readonly connector: ChimeVoiceConnector;

  constructor(scope: Construct, id: string, props: VoiceConnectorProps) {
    super(scope, id);
    this.connector = new ChimeVoiceConnector(this, "connector", {
      count: props.count,
      name: props.name,
      awsRegion: props.awsRegion,
      requireEncryption: props.requireEncryption,
    });
    this.connector.overrideLogicalId("recorded");

    // With count, Terraform moves each resource's state to its instance [0] by itself: no replacement.
    const voiceConnectorId = hcl(countedAttribute(this.connector, "id"));
    new ChimeVoiceConnectorStreaming(this, "streaming", {
      count: props.count,
      voiceConnectorId,
      dataRetention: props.dataRetentionHours,
      // Pipelines are started by the recorder, not by a configuration attached here, so that
      // each call is paired, deduplicated and retried under the pipeline quota.
      streamingNotificationTargets: ["EventBridge"],
      disabled: false,
    }).overrideLogicalId("recorded");

    new ChimeVoiceConnectorLogging(this, "logging", {
      count: props.count,
      voiceConnectorId,
      enableSipLogs: true,
      enableMediaMetricLogs: true,
    }).overrideLogicalId("recorded");
  }
}
