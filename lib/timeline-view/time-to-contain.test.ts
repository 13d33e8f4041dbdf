import { describe, expect, it } from "vitest";
import { containPoints, containRow, containStats } from "./time-to-contain";

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

  it("never puts a contained status beside a clock that has not seen containment", () => {
    // A label ran (status "contained"), no layer is in effect yet: the row says open and not yet contained, and why.
    const early = containRow({ status: "contained" }, false, { seconds: null, containedBy: null });
    expect(early.status).toBe("open");
    expect(early.contain).toBe("not yet contained: a containment step ran, but no pod-network or node-network layer has been seen in effect");
    expect(containRow({ status: "open" }, false, undefined)).toEqual({ status: "open", contain: "not yet contained" });
    expect(containRow({ status: "contained" }, false, { seconds: 75, containedBy: "pod-ingress" })).toEqual({
      status: "open",
      contain: "1 min 15 s (pod-ingress)",
    });
    // The clock keeps its reading after release and after closing; the lifecycle says closed and reviewed.
    expect(containRow({ status: "released" }, false, { seconds: 40, containedBy: "node-network" }).contain).toBe("40 s (node-network); released since");
    expect(containRow({ status: "closed" }, true, { seconds: null, containedBy: null })).toEqual({ status: "closed, reviewed", contain: "not yet contained" });
    for (const status of ["open", "contained", "released", "closed"] as const) {
      expect(containRow({ status }, false, { seconds: null, containedBy: null }).status).not.toMatch(/contain/);
    }
  });
});
