/**
 * Settings the stack passes to the recorder for calls whose events do not all arrive. The stack
 * imports these, so the function's defaults and the deployed environment cannot drift apart. This
 * module must stay free of imports (synthesis loads no SDK).
 */

/**
 * A leg with no ENDED is found ended from its Kinesis Video stream: it ended with the last fragment
 * before the first gap of at least this many seconds. Twice the 15 s after which a media insights
 * pipeline stops for want of fragments, so a gap the pipeline itself would have recorded through is
 * never taken for an end; short, because a connector reuses its streams (how soon is unconfirmed) and
 * audio after a longer gap may be the next call's. A call on hold without media (no RTP, so no
 * fragments) longer than this is cut at the hold when its ENDED is also lost.
 */
export const LEG_IDLE_SECONDS = 30;

/**
 * Attempts at one recording, the first included: a pipeline that fails for good (a key or bucket
 * policy mistake, an outage) is started again with a new token, as long as Kinesis Video Streams
 * still holds the audio. After the last, the call is dead-lettered and alarmed.
 */
export const MAX_PIPELINE_ATTEMPTS = 3;

/**
 * How far before the earliest leg's start the range begins. The FragmentSelector takes only fragments
 * whose producer time lies at or after StartTimestamp, and whether a leg's first fragment can carry a
 * producer time before the event's startTime is unconfirmed: one second takes in such a fragment (a
 * Voice Connector's fragments last about that long) and a neighbour's audio only if the connector
 * reused the stream within a second of the previous call's end, which cannot be measured offline.
 */
export const RANGE_START_MARGIN_MS = 1_000;

/** Names of the recorder's loss metrics that the stack alarms on, each counted by the function. */
export const LOSS_METRICS = {
  /** A leg that reported after its call's recording was claimed: recorded on its own, the call split. */
  lateLegs: "LateLegs",
  /** A leg whose ENDED never came: its end was inferred from its stream's fragments. */
  inferredEnds: "InferredEnds",
  /** A failed pipeline started again. */
  pipelineRetries: "PipelineRetries",
  /** The last attempt at a recording failed: the call is dead-lettered. */
  pipelineRetriesExhausted: "PipelineRetriesExhausted",
} as const;
