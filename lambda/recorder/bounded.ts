/** `work` over every item, at most `limit` at once; results in the items' order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Runs `work` over `items` with at most `limit` in flight; every item is attempted. Returns what failed. */
export async function attemptAll<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<unknown[]> {
  const outcomes = await mapBounded(items, limit, (item) =>
    work(item).then(
      () => ({ failed: false as const }),
      (error: unknown) => ({ failed: true as const, error }),
    ),
  );
  return outcomes.flatMap((outcome) => (outcome.failed ? [outcome.error] : []));
}
