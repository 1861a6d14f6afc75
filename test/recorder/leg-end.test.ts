import { type Fragment, legEnd } from "../../lambda/recorder/leg-end";

const IDLE_MS = 30_000;
const START = Date.parse("2026-12-07T10:00:00.000Z");

/** Contiguous two-second fragments from `fromMs` to `toMs`, received 300 ms after they start. */
function fragments(fromMs: number, toMs: number): Fragment[] {
  const result: Fragment[] = [];
  for (let at = fromMs; at < toMs; at += 2000) result.push({ producerMs: at, serverMs: at + 300, lengthMs: 2000 });
  return result;
}

/** The same fragments in no order, as ListFragments answers. */
const unordered = (list: Fragment[]) => [...list].sort((a, b) => ((a.producerMs * 7919) % 13) - ((b.producerMs * 7919) % 13));

describe("where a leg whose ENDED never came ended, from its stream's fragments", () => {
  it("ended with the last fragment before the first quiet stretch of LEG_IDLE_SECONDS, whatever the order", () => {
    const call = fragments(START, START + 60_000);
    const nextCall = fragments(START + 60_000 + IDLE_MS, START + 200_000);
    expect(legEnd(unordered([...nextCall, ...call]), START, START + 300_000, IDLE_MS)).toEqual({
      state: "ended",
      endMs: START + 60_000,
    });
  });

  it("is still streaming while its last fragment is more recent than LEG_IDLE_SECONDS, read up to that fragment's end", () => {
    const now = START + 120_000;
    expect(legEnd(fragments(START, now - 5_000), START, now, IDLE_MS)).toEqual({ state: "open", scannedToMs: now - 4_000 });
  });

  it("ended when its stream has been quiet for LEG_IDLE_SECONDS since the last fragment", () => {
    expect(legEnd(fragments(START, START + 60_000), START, START + 60_000 + IDLE_MS + 300, IDLE_MS)).toEqual({
      state: "ended",
      endMs: START + 60_000,
    });
  });

  it("keeps a silence shorter than LEG_IDLE_SECONDS inside the leg: a pause is not an end", () => {
    const talk = [...fragments(START, START + 20_000), ...fragments(START + 20_000 + IDLE_MS - 2_000, START + 90_000)];
    expect(legEnd(talk, START, START + 200_000, IDLE_MS)).toEqual({ state: "ended", endMs: START + 90_000 });
  });

  it("ended at its start when no fragment came within LEG_IDLE_SECONDS of it", () => {
    expect(legEnd([], START, START + IDLE_MS, IDLE_MS)).toEqual({ state: "ended", endMs: START });
  });

  it("is open when it started less than LEG_IDLE_SECONDS ago and nothing came yet", () => {
    expect(legEnd([], START, START + IDLE_MS - 1, IDLE_MS)).toEqual({ state: "open", scannedToMs: START });
  });

  it("goes on from where the last scan stopped, counting a fragment asked for again only once", () => {
    const seen = START + 100_000;
    const overlap = fragments(seen - 4_000, seen + 40_000);
    expect(legEnd(overlap, seen, seen + 200_000, IDLE_MS)).toEqual({ state: "ended", endMs: seen + 40_000 });
  });
});
