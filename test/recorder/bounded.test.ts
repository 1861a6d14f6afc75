import { attemptAll, mapBounded } from "../../lambda/recorder/bounded";

/** Work that records how many items are in flight, resolving in an order other than the items'. */
function tracked() {
  let inFlight = 0;
  let most = 0;
  const work = async (item: number): Promise<number> => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, (7 - (item % 7)) * 2));
    inFlight -= 1;
    return item * 10;
  };
  return { work, most: () => most };
}

describe("mapBounded", () => {
  it("answers in the items' order, never more than the limit at once", async () => {
    const { work, most } = tracked();
    const items = Array.from({ length: 20 }, (_, index) => index);
    expect(await mapBounded(items, 3, work)).toEqual(items.map((item) => item * 10));
    expect(most()).toBe(3);
  });

  it("takes no item twice and runs nothing for no items", async () => {
    const seen: number[] = [];
    await mapBounded([1, 2, 3, 4, 5], 8, async (item) => seen.push(item));
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await mapBounded([], 4, async () => 1)).toEqual([]);
  });
});

describe("attemptAll", () => {
  it("attempts every item though some fail, and returns each failure", async () => {
    const attempted: number[] = [];
    const failures = await attemptAll([1, 2, 3, 4, 5, 6], 2, async (item) => {
      attempted.push(item);
      if (item % 3 === 0) throw new Error(`failed ${item}`);
    });
    expect(attempted.sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(failures.map((error) => (error as Error).message)).toEqual(["failed 3", "failed 6"]);
  });
});
