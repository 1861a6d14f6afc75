/**
 * The call table's schema: the stack creates the table from these names and the recorder reads
 * and writes with them, so the two cannot drift. Free of imports, so synthesis loads no SDK.
 */
export const CALL_TABLE_SCHEMA = {
  partitionKey: "call_id",
  ttlAttribute: "expires_at",
  /** Sparse index: only calls waiting for their recording carry these two attributes. */
  pendingIndex: { name: "pending-calls", partitionKey: "pending", sortKey: "pending_since" },
} as const;
