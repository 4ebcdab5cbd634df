import { describe, expect, test } from "bun:test";
import { createRing } from "./ring.ts";

const KEYS = Array.from({ length: 100_000 }, (_, i) => `owner-${i}@example.org`);
const ids = (n: number) => Array.from({ length: n }, (_, i) => `owner-${i + 1}`);

function assign(members: string[]) {
  const ring = createRing(members);
  return KEYS.map((key) => ring.owner(key)!);
}

describe("consistent hashing over 100k keys", () => {
  for (let n = 3; n <= 10; n++) {
    test(`${n} instances: max/mean ≤ 1.10; adding one moves ≤ 1/(n+1)+0.02, removing one ≤ 1/n+0.02, only to/from it`, () => {
      const members = ids(n);
      const base = assign(members);
      const counts = new Map<string, number>();
      for (const owner of base) counts.set(owner, (counts.get(owner) ?? 0) + 1);
      expect(counts.size).toBe(n);
      expect(Math.max(...counts.values()) / (KEYS.length / n)).toBeLessThanOrEqual(1.1);

      const added = `owner-${n + 1}`;
      const grown = assign([...members, added]);
      let movedIn = 0;
      let betweenSurvivors = 0;
      for (let i = 0; i < KEYS.length; i++) {
        if (grown[i] === base[i]) continue;
        if (grown[i] === added) movedIn++;
        else betweenSurvivors++;
      }
      expect(betweenSurvivors).toBe(0);
      expect(movedIn / KEYS.length).toBeLessThanOrEqual(1 / (n + 1) + 0.02);

      const removed = members[Math.floor(n / 2)]!;
      const shrunk = assign(members.filter((m) => m !== removed));
      let movedOut = 0;
      betweenSurvivors = 0;
      for (let i = 0; i < KEYS.length; i++) {
        if (shrunk[i] === base[i]) continue;
        if (base[i] === removed) movedOut++;
        else betweenSurvivors++;
      }
      expect(betweenSurvivors).toBe(0);
      expect(movedOut / KEYS.length).toBeLessThanOrEqual(1 / n + 0.02);
    });
  }

  test("skipping an instance in ring order picks what a ring without it would pick (how ejection routes)", () => {
    const members = ids(5);
    const full = createRing(members);
    const without = createRing(members.filter((m) => m !== "owner-3"));
    let checked = 0;
    for (const key of KEYS.slice(0, 20_000)) {
      const order = full.order(key);
      expect(order.length).toBe(5);
      expect(order.find((m) => m !== "owner-3")).toBe(without.owner(key)!);
      checked++;
    }
    expect(checked).toBe(20_000);
  });

  test("no key moves between survivors where hashring's float rounding is off (6 → 7 → 6 at 400 vnodes; 49 → 48)", () => {
    const keys = KEYS.slice(0, 20_000);
    for (const [n, vnodes] of [
      [7, 400],
      [49, 512],
    ] as const) {
      const members = ids(n);
      const before = createRing(members, vnodes);
      const after = createRing(members.slice(1), vnodes);
      let between = 0;
      for (const key of keys) {
        const was = before.owner(key);
        if (was !== members[0] && after.owner(key) !== was) between++;
      }
      expect(between).toBe(0);
    }
  });

  test("an empty ring owns nothing", () => {
    expect(createRing([]).owner("k")).toBeUndefined();
    expect(createRing([]).order("k")).toEqual([]);
  });
});
