import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Construct } from "constructs";
import { SWEEP_EVENT } from "../../lambda/recorder/sweep";
import { hcl, policyDocument } from "../hcl";

export interface RecorderEventsProps {
  /** Prefix of the rules' names. */
  readonly namePrefix: string;
  /** HCL: the list of the voice connectors whose events are forwarded, and only theirs. */
  readonly voiceConnectorIds: string;
  /** The recorder's queue: the target of every rule. */
  readonly queue: SqsQueue;
}

/**
 * What reaches the recorder's queue, and nothing else: its connector's STARTED, ENDED and FAILED
 * streaming events, permanent pipeline failures, and a sweep every five minutes for calls whose legs
 * did not all report. A call is known from its first STARTED; EventBridge delivers each of STARTED
 * and ENDED best effort, so with both a call is lost only when all its events are (a leg without
 * ENDED is found ended from its stream).
 */
export class RecorderEvents extends Construct {
  readonly streamingRule: CloudwatchEventRule;
  readonly pipelineFailureRule: CloudwatchEventRule;
  readonly sweepRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: RecorderEventsProps) {
    super(scope, id);
    const { namePrefix, queue } = props;

    // Name and logical id from when the rule forwarded only ENDED and FAILED: renaming would replace
    // the rule, and events sent while it is replaced would be lost.
    this.streamingRule = new CloudwatchEventRule(this, "streaming", {
      name: `${namePrefix}-call-streams-ended`,
      description: "Streaming STARTED, ENDED and FAILED events of the recorded voice connector",
      // jsonencode: the connectors are a list known at plan time (voice_connector_ids, or the created one).
      eventPattern: hcl(
        `jsonencode({ source = ["aws.chime"], "detail-type" = ["Chime VoiceConnector Streaming Status"], detail = { voiceConnectorId = ${props.voiceConnectorIds}, streamingStatus = ["STARTED", "ENDED", "FAILED"] } })`,
      ),
    });
    this.streamingRule.overrideLogicalId("call_streams_ended");

    this.pipelineFailureRule = new CloudwatchEventRule(this, "pipeline-failure", {
      name: `${namePrefix}-pipeline-permanent-failure`,
      description: "Media insights pipelines of the recorded voice connector that failed for good",
      // The recorder passes the connector id as runtime metadata, which the event echoes in `detail`:
      // other applications' pipelines in the account and Region stay out.
      eventPattern: hcl(
        `jsonencode({ source = ["aws.chime"], "detail-type" = ["Media Insights State Change"], detail = { eventType = ["chime:MediaInsightsPermanentFailure"], voiceConnectorId = ${props.voiceConnectorIds} } })`,
      ),
    });
    this.pipelineFailureRule.overrideLogicalId("pipeline_permanent_failure");

    this.sweepRule = new CloudwatchEventRule(this, "sweep", {
      name: `${namePrefix}-sweep-pending-calls`,
      description: "Records the ended leg of calls whose other leg never reported",
      scheduleExpression: "rate(5 minutes)",
    });
    this.sweepRule.overrideLogicalId("sweep_pending_calls");

    const rules = [this.streamingRule, this.pipelineFailureRule, this.sweepRule];
    for (const rule of rules) {
      new CloudwatchEventTarget(this, `${rule.node.id}-target`, {
        rule: rule.name,
        arn: queue.arn,
        input: rule === this.sweepRule ? JSON.stringify(SWEEP_EVENT) : undefined,
      }).overrideLogicalId(rule.friendlyUniqueId);
    }

    new SqsQueuePolicy(this, "queue-policy", {
      queueUrl: queue.url,
      policy: policyDocument([
        {
          Sid: "OnlyTheRecorderRulesSend",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: queue.arn,
          Condition: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.arn) } },
        },
      ]),
    }).overrideLogicalId("recorder");
  }
}
