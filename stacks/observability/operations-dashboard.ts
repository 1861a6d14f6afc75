import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Construct } from "constructs";
import { LOSS_METRICS } from "../../lambda/recorder/leg-timing";
import { RECORDER_METRICS_NAMESPACE } from "../recorder/recorder-function";
import { QUEUE_AGE_ALARM_SECONDS } from "./recording-alarms";

export interface OperationsDashboardProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly recorder: LambdaFunction;
  readonly logGroup: CloudwatchLogGroup;
}

/** The statuses of the recordings' checks, as the recorder counts them. */
export const RECORDING_STATUS_METRICS = [
  "RecordingsVerified",
  "RecordingsShort",
  "RecordingsEmpty",
  "RecordingsMalformed",
  "RecordingsMissing",
] as const;

/** Error names the recorder logs when the service refuses a pipeline for the quota or throttles it. */
const REFUSED_FOR_CAPACITY = ["ResourceLimitExceededException", "ThrottledClientException"];

const FIVE_MINUTES = 300;

/** One CloudWatch dashboard: what happened to the calls, and whether the recorder keeps up. */
export class OperationsDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const { region } = props;
    // Totals across the recorded connectors, as the function counts them beside each connector's own.
    const recorderMetric = (name: string) => [RECORDER_METRICS_NAMESPACE, name];
    const search = (id: string, query: string) => [{ expression: `SEARCH('${query}', 'Sum', ${FIVE_MINUTES})`, id, label: "" }];
    const graph = (title: string, metrics: unknown[], extra: Record<string, unknown> = {}) => ({
      type: "metric",
      width: 12,
      height: 6,
      properties: { title, region, view: "timeSeries", period: FIVE_MINUTES, stat: "Sum", metrics, ...extra },
    });
    const queueMetric = (queue: SqsQueue, name: string, label: string, options: Record<string, unknown> = {}) => [
      "AWS/SQS",
      name,
      "QueueName",
      queue.name,
      { label, stat: "Maximum", ...options },
    ];
    const lambdaMetric = (name: string, stat: string, label: string, options: Record<string, unknown> = {}) => [
      "AWS/Lambda",
      name,
      "FunctionName",
      props.recorder.functionName,
      { stat, label, ...options },
    ];

    const widgets = [
      // Outcomes and connectors come from the metrics as they are written, so a new outcome or connector
      // shows without a dashboard change.
      graph("Calls by outcome", [search("outcomes", `{${RECORDER_METRICS_NAMESPACE},Outcome} MetricName="Calls"`)]),
      graph("Calls by connector and outcome", [
        search("connectors", `{${RECORDER_METRICS_NAMESPACE},Outcome,VoiceConnectorId} MetricName="Calls"`),
      ]),
      graph(
        "Recordings by check status",
        RECORDING_STATUS_METRICS.map((name) => recorderMetric(name)),
      ),
      graph("Recording checks that could not run (retried with backoff)", [recorderMetric("RecordingChecksFailed")]),
      {
        type: "log",
        width: 12,
        height: 6,
        properties: {
          title: "Pipeline requests refused by the quota or throttled",
          region,
          view: "timeSeries",
          // From the raw line: the event path logs errorName, the sweep the error's message.
          query: `SOURCE '${props.logGroup.name}' | parse @message /(?<refusal>${REFUSED_FOR_CAPACITY.join("|")})/ | filter ispresent(refusal) | stats count(*) as refused by refusal, bin(5m)`,
        },
      },
      graph("Legs that reported late or without ENDED, and pipeline retries", [
        recorderMetric(LOSS_METRICS.lateLegs),
        recorderMetric(LOSS_METRICS.inferredEnds),
        recorderMetric(LOSS_METRICS.pipelineRetries),
        recorderMetric(LOSS_METRICS.pipelineRetriesExhausted),
      ]),
      graph(
        "Recorder queue: depth and age of the oldest event",
        [
          queueMetric(props.queue, "ApproximateNumberOfMessagesVisible", "events waiting"),
          queueMetric(props.queue, "ApproximateNumberOfMessagesNotVisible", "events in flight"),
          queueMetric(props.queue, "ApproximateAgeOfOldestMessage", "oldest event (s)", { yAxis: "right" }),
        ],
        {
          annotations: { horizontal: [{ label: "backlog alarm", value: QUEUE_AGE_ALARM_SECONDS, yAxis: "right" }] },
        },
      ),
      graph("Dead letters: calls that need a redrive", [
        queueMetric(props.deadLetterQueue, "ApproximateNumberOfMessagesVisible", "calls in the dead-letter queue"),
        recorderMetric("DroppedEvents"),
        recorderMetric("AudioExpired"),
        recorderMetric("PermanentPipelineFailures"),
      ]),
      graph("Recorder function: errors and duration", [
        lambdaMetric("Errors", "Sum", "errors"),
        lambdaMetric("Throttles", "Sum", "throttles"),
        lambdaMetric("Duration", "Average", "average duration (ms)", { yAxis: "right" }),
        lambdaMetric("Duration", "Maximum", "longest duration (ms)", { yAxis: "right" }),
      ]),
    ];

    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: `${props.namePrefix}-recorder`,
      dashboardBody: JSON.stringify({ widgets }),
    });
    this.dashboard.overrideLogicalId("recorder");
  }
}
