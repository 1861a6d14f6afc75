import type { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { Construct } from "constructs";
import type { CallRecorder } from "../recorder/call-recorder";
import type { AlarmVariables } from "./alarm-variables";
import { LossAlarms } from "./loss-alarms";
import { OperationsDashboard } from "./operations-dashboard";
import { RecorderAlarms } from "./recorder-alarms";
import { RecordingAlarms } from "./recording-alarms";

export interface ObservabilityProps {
  readonly vars: AlarmVariables;
  readonly recorder: CallRecorder;
  /** The customer-managed key the alarm topic is encrypted with. */
  readonly kmsKeyArn: string;
  readonly namePrefix: string;
  readonly region: string;
}

/** The alarms on the recorder and the recordings, the topic they notify, and the operations dashboard. */
export class Observability extends Construct {
  readonly dashboard: CloudwatchDashboard;
  /** The topic every alarm notifies. */
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { recorder, namePrefix } = props;
    const { topic } = new RecorderAlarms(this, "recorder-alarms", {
      namePrefix,
      deadLetterQueue: recorder.deadLetterQueue,
      alarmEmail: props.vars.alarmEmail,
      kmsKeyArn: props.kmsKeyArn,
    });
    this.topic = topic;
    new RecordingAlarms(this, "recording-alarms", { namePrefix, queue: recorder.queue, topic });
    new LossAlarms(this, "loss-alarms", { namePrefix, topic });
    this.dashboard = new OperationsDashboard(this, "operations-dashboard", {
      namePrefix,
      region: props.region,
      queue: recorder.queue,
      deadLetterQueue: recorder.deadLetterQueue,
      recorder: recorder.function,
      logGroup: recorder.logGroup,
    }).dashboard;
  }
}
