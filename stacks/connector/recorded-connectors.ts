import type { ChimeVoiceConnector } from "@cdktf/provider-aws/lib/chime-voice-connector";
import { Construct } from "constructs";
import { addressOf, countedAttribute, hcl, hclNumber, namedLocal, varRef } from "../hcl";
import type { RecorderVariables } from "../recorder/recorder-variables";
import type { ConnectorVariables } from "./connector-variables";
import { GivenConnectors } from "./given-connectors";
import type { TrunkVariables } from "./trunk-variables";
import { VoiceConnector } from "./voice-connector";

export interface RecordedConnectorsProps {
  readonly connectors: ConnectorVariables;
  readonly trunk: TrunkVariables;
  readonly recorder: RecorderVariables;
  /** Name of the created connector. */
  readonly namePrefix: string;
  readonly region: string;
}

/**
 * The voice connectors whose calls are recorded: one this stack creates, unless the operator's own are
 * recorded (voice_connector_ids), whose streaming configuration it then sets.
 */
export class RecordedConnectors extends Construct {
  /** The created connector (count 0 with voice_connector_ids). */
  readonly created: ChimeVoiceConnector;
  /** ID and host name of the created connector, or null. */
  readonly createdId: string;
  readonly createdHost: string;
  /** HCL: the list of every recorded connector, so rules and policies name exactly these. */
  readonly recordedIds = "local.recorded_connector_ids";

  constructor(scope: Construct, id: string, props: RecordedConnectorsProps) {
    super(scope, id);
    const { connectors, trunk, recorder } = props;
    const givenIds = varRef(connectors.voiceConnectorIds);
    this.created = new VoiceConnector(this, "voice-connector", {
      count: hclNumber(`length(${givenIds}) > 0 ? 0 : 1`),
      name: props.namePrefix,
      awsRegion: props.region,
      requireEncryption: trunk.requireEncryption.booleanValue,
      dataRetentionHours: recorder.dataRetentionHours.numberValue,
    }).connector;
    new GivenConnectors(this, "given-connectors", { connectorVars: connectors, dataRetentionHours: recorder.dataRetentionHours });
    this.createdId = hcl(countedAttribute(this.created, "id"));
    this.createdHost = hcl(countedAttribute(this.created, "outbound_host_name"));
    // The given ones are known at plan time.
    namedLocal(this, "recorded_connector_ids", `length(${givenIds}) > 0 ? ${givenIds} : ${addressOf(this.created)}[*].id`);
  }
}
