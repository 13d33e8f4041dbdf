import { describe, expect, it } from "vitest";
import { containPoints, containStats } from "./time-to-contain";

const p = (id: string, seconds: number, openedAt = `2026-01-0${id}T00:00:00Z`) => ({ id, title: `Incident ${id}`, openedAt, seconds });

describe("time-to-contain figures", () => {
  it("gives the median and the worst incident", () => {
    expect(containStats([p("1", 30), p("2", 400), p("3", 12)])).toEqual({ count: 3, median: 30, worst: p("2", 400) });
    // An even count: the mean of the two middle values.
    expect(containStats([p("1", 10), p("2", 20), p("3", 31), p("4", 500)]).median).toBe(26);
    expect(containStats([])).toEqual({ count: 0, median: null, worst: null });
  });

  it("keeps contained incidents only, oldest first", () => {
    const incidents = [
      { id: "3", title: "c", createdAt: "2026-01-03T00:00:00Z" },
      { id: "1", title: "a", createdAt: "2026-01-01T00:00:00Z" },
      { id: "2", title: "b", createdAt: "2026-01-02T00:00:00Z" },
    ];
    const seconds: Record<string, number | null> = { "1": 40, "2": null, "3": 0 };
    expect(containPoints(incidents, (id) => seconds[id]).map((x) => [x.id, x.seconds])).toEqual([
      ["1", 40],
      ["3", 0],
    ]);
  });
});
