import { attemptAll } from "./bounded";
import type { OpenLeg } from "./call";
import type { CallActions } from "./call-actions";
import type { CallState, PendingCall } from "./call-state";
import type { CallStore } from "./call-store";
import type { Config } from "./config";
import { retryMessage } from "./events";
import { type LegEnd, legEnd } from "./leg-end";
import { LOSS_METRICS } from "./leg-timing";
import type { Logger } from "./logger";
import type { CountMetric } from "./metrics";
import { REQUEST_BUDGET_MS, RESPONSE_MARGIN_MS } from "./request-bounds";
import type { StreamFragments } from "./stream-fragments";

/** Most pending calls one sweep reads; the backlog metric says when there are more. */
const MAX_PENDING_READ = 5_000;
/** Keeps a sweep from bursting into the pipeline quota and the APIs' throttling. */
const SWEEP_CONCURRENCY = 5;
/**
 * The most requests one step of a sweep makes in sequence: a recording's check (three ranged reads,
 * the record's PutObject, the UpdateItem that keeps its status), or a call's claim, its
 * CreateMediaInsightsPipeline, and for a refusal an UpdateItem, the dead letter's SendMessage and an
 * UpdateItem. A scan of open legs is a step of its own, and a failed step ends with the UpdateItem
 * that puts the call off.
 */
const MAX_SWEEP_STEP_REQUESTS = 5;
/**
 * A sweep starts no step with less than this left before the invocation's deadline, so that a step
 * started just before the cutoff finishes even if each of its requests takes its whole budget:
 * 3 s to respond + 5 requests x 7 s = 38 s. The next sweep takes the rest.
 */
export const SWEEP_RESERVE_MS = RESPONSE_MARGIN_MS + MAX_SWEEP_STEP_REQUESTS * REQUEST_BUDGET_MS;
/** The longest wait between two sweep tries of a failing call. */
const MAX_RETRY_DELAY_MS = 3_600_000;
/**
 * The longest wait between two scans of a leg still streaming: a long call whose ENDED events are
 * lost is recorded at most this long after it ended, and an open call costs few requests an hour.
 */
const MAX_OPEN_LEG_DELAY_MS = 1_800_000;
/** Fragments a little before the last one seen are asked for again, so one that straddles it is not missed. */
const SCAN_OVERLAP_MS = 5_000;
/** The most of a stream one scan reads: an hour is about 4 pages of ListFragments for a one-second fragment. */
const SCAN_WINDOW_MS = 3_600_000;

export interface SweepDependencies {
  config: Config;
  store: CallStore;
  actions: CallActions;
  fragments: StreamFragments;
  now: () => number;
  emitMetric: (metric: CountMetric) => void;
  count: (name: string, voiceConnectorId: string) => void;
}

/**
 * Since when a pending call has waited for the recorder rather than for its own conversation: its
 * first event, or the last fragment a scan saw on a leg still streaming. A long call in progress
 * never ages; one whose scans keep failing does.
 */
const waitingSinceMs = (call: PendingCall): number =>
  Math.max(call.firstEventMs, ...call.legs.open.map((leg) => leg.scannedToMs ?? 0));

/** Doubles from SWEEP_RETRY_SECONDS with each attempt, up to `maxMs`. */
export const retryDelayMs = (config: Config, attempts: number, maxMs = MAX_RETRY_DELAY_MS): number =>
  Math.min(config.sweepRetrySeconds * 1000 * 2 ** (attempts - 1), maxMs);

/** The sweep of calls whose events did not all come: it records what the table holds, and reads open legs' ends off their streams. */
export function createCallSweep({ config, store, actions, fragments, now, emitMetric, count }: SweepDependencies) {
  const idleMs = config.legIdleSeconds * 1000;

  /** The backlog in total (the alarms watch it) and for each recorded connector, 0 when it has none. */
  function backlog(calls: readonly PendingCall[], log: Logger): void {
    const nowMs = now();
    const timestamp = new Date(nowMs);
    const report = (of: readonly PendingCall[], dimensions: Record<string, string>) => {
      const oldestMs = Math.min(nowMs, ...of.map(waitingSinceMs));
      const dimensionSets = [Object.keys(dimensions)];
      const base = { namespace: config.metricsNamespace, dimensions, dimensionSets, timestamp };
      emitMetric({ ...base, name: "PendingCalls", value: of.length });
      emitMetric({ ...base, name: "OldestPendingCallAge", value: Math.round((nowMs - oldestMs) / 1000), unit: "Seconds" });
    };
    report(calls, {});
    for (const id of config.voiceConnectorIds) {
      report(
        calls.filter((call) => call.voiceConnectorId === id),
        { VoiceConnectorId: id },
      );
    }
    if (calls.length >= MAX_PENDING_READ) log.warn("the backlog is larger than one sweep reads", { read: calls.length });
  }

  /**
   * Reads each open leg's stream from where the last scan stopped, at most SCAN_WINDOW_MS of it, and
   * keeps what it found. Null: a leg changed meanwhile (its ENDED came).
   */
  async function scan(state: CallState, open: readonly OpenLeg[], log: Logger, deadlineMs: number): Promise<CallState | null> {
    const nowMs = now();
    const scans: { name: string; leg: OpenLeg; end: LegEnd }[] = [];
    for (const leg of open) {
      const fromMs = leg.scannedToMs ?? leg.startMs;
      // A window, not the rest of the stream: a reused stream carries later calls' fragments, and
      // a long call's fragments are read over several sweeps, each scan going on from the last.
      const toMs = Math.min(nowMs, fromMs + SCAN_WINDOW_MS);
      const found = await fragments.list(
        state.callId,
        leg.streamArn,
        Math.max(leg.startMs, fromMs - SCAN_OVERLAP_MS),
        toMs,
        deadlineMs - SWEEP_RESERVE_MS,
      );
      scans.push({ name: state.legNames[leg.streamArn], leg, end: legEnd(found, fromMs, toMs, idleMs) });
    }
    const stored = await store.storeScan(state.callId, scans);
    // Counted once: a concurrent sweep's scan of the same leg finds it changed and stores nothing.
    for (const { leg, end } of stored === null ? [] : scans) {
      if (end.state !== "ended") continue;
      count(LOSS_METRICS.inferredEnds, state.voiceConnectorId);
      log.warn("a leg's ENDED never came: its end is read off its stream, the last fragment before a quiet stretch", {
        streamArn: leg.streamArn,
        inferredEnd: new Date(end.endMs).toISOString(),
        legIdleSeconds: config.legIdleSeconds,
      });
    }
    return stored;
  }

  /** One due call: decided from the table, its open legs scanned first when they must be. */
  async function sweepCall(call: PendingCall, log: Logger, deadlineMs: number, tally: Record<string, number>): Promise<void> {
    const deadLetter = retryMessage(call.callId, call.voiceConnectorId);
    let progress = await actions.advance(call, "lost", log, deadLetter);
    if (progress.kind !== "scan") {
      tally.recorded += 1;
      return;
    }
    const scanned = await scan(call, progress.open, log, deadlineMs);
    if (scanned === null) return;
    if (now() > deadlineMs - SWEEP_RESERVE_MS) {
      tally.leftForNextSweep += 1;
      return;
    }
    progress = await actions.advance(scanned, "lost", log, deadLetter);
    if (progress.kind === "scan") {
      const attempts = call.sweepAttempts + 1;
      const delayMs = retryDelayMs(config, attempts, MAX_OPEN_LEG_DELAY_MS);
      log.debug("a leg of the call is still streaming; scanning it again later", { retryInSeconds: delayMs / 1000 });
      await store.defer(call.callId, attempts, now() + delayMs, call.firstEventMs);
      tally.streaming += 1;
      return;
    }
    tally.recorded += 1;
  }

  /**
   * Tries every due call, the earliest due first, while the invocation has time; a call whose try
   * fails is put off with a doubling delay, so it never holds up calls behind it.
   */
  return async function sweepCalls(log: Logger, deadlineMs: number): Promise<void> {
    const calls = await store.findPending(MAX_PENDING_READ);
    backlog(calls, log);
    const due = calls.filter((call) => call.dueMs <= now());
    const tally = { recorded: 0, streaming: 0, failed: 0, leftForNextSweep: 0 };
    const unrecorded = await attemptAll(due, SWEEP_CONCURRENCY, async (call) => {
      if (now() > deadlineMs - SWEEP_RESERVE_MS) {
        tally.leftForNextSweep += 1;
        return;
      }
      const callLog = log.with({ callId: call.callId });
      try {
        await sweepCall(call, callLog, deadlineMs, tally);
      } catch (error) {
        tally.failed += 1;
        const attempts = call.sweepAttempts + 1;
        const delayMs = retryDelayMs(config, attempts);
        callLog.warn("the sweep will try the call again later", { attempts, retryInSeconds: delayMs / 1000, error });
        await store.defer(call.callId, attempts, now() + delayMs, call.firstEventMs);
      }
    });
    for (const error of unrecorded) log.error("the sweep could not put off a failed call; it stays due", { error });
    log.info("sweep finished", { pending: calls.length, due: due.length, ...tally });
  };
}
