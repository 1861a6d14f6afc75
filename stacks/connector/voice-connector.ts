import { ChimeVoiceConnector } from "@cdktf/provider-aws/lib/chime-voice-connector";
import { ChimeVoiceConnectorLogging } from "@cdktf/provider-aws/lib/chime-voice-connector-logging";
import { ChimeVoiceConnectorStreaming } from "@cdktf/provider-aws/lib/chime-voice-connector-streaming";
import type { IResolvable } from "cdktf";
import { Construct } from "constructs";

export interface VoiceConnectorProps {
  /** Voice connector name. */
  readonly name: string;
  /** Chime region of the connector. */
  readonly awsRegion: string;
  /** Whether calls must use TLS and SRTP. */
  readonly requireEncryption: boolean | IResolvable;
  /** Hours Kinesis Video Streams keeps each call's audio. */
  readonly dataRetentionHours: number;
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
      name: props.name,
      awsRegion: props.awsRegion,
      requireEncryption: props.requireEncryption,
    });
    this.connector.overrideLogicalId("recorded");

    new ChimeVoiceConnectorStreaming(this, "streaming", {
      voiceConnectorId: this.connector.id,
      dataRetention: props.dataRetentionHours,
      // Pipelines are started by the recorder, not by a configuration attached here, so that
      // each call is paired, deduplicated and retried under the pipeline quota.
      streamingNotificationTargets: ["EventBridge"],
      disabled: false,
    }).overrideLogicalId("recorded");

    new ChimeVoiceConnectorLogging(this, "logging", {
      voiceConnectorId: this.connector.id,
      enableSipLogs: true,
      enableMediaMetricLogs: true,
    }).overrideLogicalId("recorded");
  }
}
