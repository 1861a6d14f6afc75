/**
 * How long one AWS request may take: the clients are built with these bounds (index.ts) and the
 * recorder's deadlines are computed from them (recorder.ts), so the two cannot drift apart.
 *
 * A request gets MAX_ATTEMPTS attempts. The SDK starts an attempt's REQUEST_TIMEOUT_MS timer before
 * it connects, so an attempt that never connects or never answers fails after 3 s (measured: 6.0 s
 * for a request to an endpoint that accepts and never answers). Between the two attempts the SDK
 * waits a random delay of at most 50 ms, or 1 s after throttling. So one request takes at most
 * 2 x 3 s + 1 s = 7 s. (A Retry-After header may stretch the wait by up to 5 s more; the services
 * called here do not send one, and the sweep's message is acknowledged even then.)
 */
export const CONNECTION_TIMEOUT_MS = 1_000;
export const REQUEST_TIMEOUT_MS = 3_000;
export const MAX_ATTEMPTS = 2;
const MAX_BACKOFF_MS = 1_000;
export const REQUEST_BUDGET_MS = MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + MAX_BACKOFF_MS;

/** Kept between the last piece of work and the invocation's deadline, to return the batch response. */
export const RESPONSE_MARGIN_MS = 3_000;
