import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Construct } from "constructs";

/**
 * Retry timing of a call whose recording cannot start yet (20 pipelines already running, or the
 * API throttling): every receive that fails waits out the visibility timeout, so a call is
 * retried for (MAX_RECEIVE_COUNT - 1) x VISIBILITY_TIMEOUT_SECONDS = 6.9 hours before it moves to
 * the dead-letter queue; the streams' audio is kept for at least 8 hours (data_retention_hours).
 */
export const RECORDER_RETRY = {
  /** Six times the function timeout, as Lambda advises for SQS event sources. */
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 70,
  functionTimeoutSeconds: 60,
  /**
   * How long a call's first leg waits for the other before the sweep records it alone. Each failed
   * receive hides an event for the visibility timeout, so a second leg whose event failed twice
   * arrives up to 2 x 360 s + one 60 s invocation after it ended; 900 s covers that with 2 minutes
   * for EventBridge delivery and the 5 s batching window. A leg later than that (three failed
   * receives in a row) is warned about and counted as LateLegs. The 5-minute sweep schedule adds
   * up to 300 s, so a lone leg is recorded 15 to 20 minutes after its call, well inside the
   * 8 hours of audio retention.
   */
  legWaitSeconds: 900,
} as const;

export interface RecorderQueueProps {
  /** Prefix of the queues' names. */
  readonly namePrefix: string;
  /** The customer-managed key both queues are encrypted with. */
  readonly kmsKeyArn: string;
}

/** The recorder's work queue and the dead-letter queue that holds what could not be recorded. */
export class RecorderQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: RecorderQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new SqsQueue(this, "dead-letter", {
      name: `${props.namePrefix}-recorder-dlq`,
      kmsMasterKeyId: props.kmsKeyArn,
      // The longest SQS allows: time to fix the cause and redrive before anything is lost.
      messageRetentionSeconds: 1_209_600,
    });
    this.deadLetterQueue.overrideLogicalId("recorder_dead_letter");

    this.queue = new SqsQueue(this, "queue", {
      name: `${props.namePrefix}-recorder`,
      kmsMasterKeyId: props.kmsKeyArn,
      visibilityTimeoutSeconds: RECORDER_RETRY.visibilityTimeoutSeconds,
      // Longer than the whole retry window, so no message expires while it is still retried.
      messageRetentionSeconds: 86_400,
      redrivePolicy: JSON.stringify({
        deadLetterTargetArn: this.deadLetterQueue.arn,
        maxReceiveCount: RECORDER_RETRY.maxReceiveCount,
      }),
    });
    this.queue.overrideLogicalId("recorder");
  }
}
