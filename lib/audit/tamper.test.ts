import { expect, it } from "vitest";
import { describeEachEngine } from "@/lib/store/testing";
import { runScenario, SCENARIOS } from "@/test/audit-tamper";

// Every way an attacker holding the database (append-only triggers lifted) rewrites the record:
// each must be caught, and verify must name the first bad entry (or row). On both engines.
describeEachEngine("anchored audit under tampering", ({ engine, open }) => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))("catches: %s", async (_name, scenario) => {
    const o = await runScenario(open, engine, scenario);
    expect(o.got).toBe(o.expected);
    expect(o.caught && o.named).toBe(true);
  });
});

// `npm run audit:verify -- --checkpoint` signs a chain whose only problem is that it is unanchored:
// its rows must have been checked by then, so a changed row is named instead.
describeEachEngine("an unanchored chain", ({ engine, open }) => {
  it("still has its rows checked: a rewritten step run is named, not the missing checkpoint", async () => {
    const rebuild = SCENARIOS.find((s) => s.name === "rebuild the whole chain from scratch")!;
    const rewrite = SCENARIOS.find((s) => s.name === "rewrite a step run's record (what release restores)")!;
    const o = await runScenario(open, engine, {
      name: "rebuild the chain and rewrite a step run's record",
      async apply(s) {
        await rebuild.apply(s);
        return rewrite.apply(s);
      },
    });
    expect(o.got).toBe(o.expected);
  });
});
