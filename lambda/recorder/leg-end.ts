/** One fragment of a leg's Kinesis Video stream, as ListFragments describes it. */
export interface Fragment {
  /** Producer time of its start: the recording's FragmentSelector selects on it. */
  producerMs: number;
  /** When Kinesis Video Streams received it. */
  serverMs: number;
  lengthMs: number;
}

/** `ended`: the leg's inferred end; `open`: still streaming, read up to `scannedToMs` (the next scan starts there). */
export type LegEnd = { state: "ended"; endMs: number } | { state: "open"; scannedToMs: number };

/**
 * Where a leg whose ENDED never came ended, from its stream's fragments at or after `fromMs` (its
 * start, or where the last scan stopped), in any order: at the end of the last fragment before the
 * first gap of at least `idleMs`. A connector reuses a stream for a later call only after such a gap,
 * so what follows it is not this leg. Without such a gap, the leg ended when its stream has been
 * quiet for `idleMs` by the service's clock, or is still streaming.
 */
export function legEnd(fragments: readonly Fragment[], fromMs: number, nowMs: number, idleMs: number): LegEnd {
  const ordered = [...fragments].sort((a, b) => a.producerMs - b.producerMs);
  let endMs = fromMs;
  // The stream's clock for "quiet since": the server time of the last fragment, or our own before any.
  let receivedEndMs = fromMs;
  for (const fragment of ordered) {
    if (fragment.producerMs - endMs >= idleMs) return { state: "ended", endMs };
    const fragmentEnd = fragment.producerMs + fragment.lengthMs;
    if (fragmentEnd > endMs) {
      endMs = fragmentEnd;
      receivedEndMs = fragment.serverMs + fragment.lengthMs;
    }
  }
  if (nowMs - Math.max(endMs, receivedEndMs) >= idleMs) return { state: "ended", endMs };
  return { state: "open", scannedToMs: endMs };
}
