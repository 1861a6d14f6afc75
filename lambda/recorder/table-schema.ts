/**
 * The call table's schema and its items' attribute names: the stack creates the table from these
 * names and the recorder reads and writes with them, so the two cannot drift. Free of imports, so
 * synthesis loads no SDK.
 */
export const CALL_TABLE_SCHEMA = {
  partitionKey: "call_id",
  ttlAttribute: "expires_at",
  /** Sparse index: only calls waiting for their recording carry these two attributes. */
  pendingIndex: { name: "pending-calls", partitionKey: "pending", sortKey: "pending_since" },
} as const;

/** The call item's attributes; how their values read back is call-item.ts and call-state.ts. */
export const ATTRIBUTES = {
  callId: CALL_TABLE_SCHEMA.partitionKey,
  expiresAt: CALL_TABLE_SCHEMA.ttlAttribute,
  pending: CALL_TABLE_SCHEMA.pendingIndex.partitionKey,
  /** When the call is next due (the name predates that meaning and stays for the index). */
  since: CALL_TABLE_SCHEMA.pendingIndex.sortKey,
  /** What the STARTED or ENDED events said of the call (numbers, ids, SIPREC metadata), as JSON, written once. */
  details: "call_details",
  /** A FAILED event's details, used until a STARTED or ENDED brings fuller ones. */
  failedDetails: "failed_details",
  /** The voice connector that carried the call, from its first event. */
  voiceConnector: "voice_connector_id",
  /** Bumped by every leg event and inferred end: a claim holds only if the legs did not change since they were read. */
  version: "legs_version",
  failedAt: "failed_at",
  failedEvents: "failed_events",
  firstEvent: "first_event_ms",
  lastEvent: "last_event_ms",
  attempts: "sweep_attempts",
  checkAttempts: "check_attempts",
  claim: "claim",
  recorded: "recorded_at",
  outcome: "outcome",
  pipeline: "pipeline_arn",
  channels: "channel_roles",
  recordingKey: "recording_key",
  recordKey: "record_key",
  format: "recording_format",
  streams: "recorded_streams",
  checkStatus: "check_status",
  /** When the call's own recording is checked; the index holds the earliest check due of all its recordings. */
  checkDue: "check_due_ms",
  /** Each attempt's pipeline and, when it failed, why: the record lists them. */
  pipelineAttempts: "pipeline_attempts",
} as const;

/** The pending index's partition of calls waiting for their recording. */
export const PENDING = "1";
/** The same sparse index lists started recordings until they are checked, sorted by when the check is due. */
export const CHECK_DUE = "check";
