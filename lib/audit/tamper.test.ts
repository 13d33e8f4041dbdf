import { expect, it } from "vitest";
import { describeEachEngine } from "@/lib/store/testing";
import { runScenario, SCENARIOS } from "./tamper";

// Every way an attacker holding the database (append-only triggers lifted) rewrites the record:
// each must be caught, and verify must name the first bad entry (or row). On both engines.
describeEachEngine("anchored audit under tampering", ({ engine, open }) => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))("catches: %s", async (_name, scenario) => {
    const o = await runScenario(open, engine, scenario);
    expect(o.got).toBe(o.expected);
    expect(o.caught && o.named).toBe(true);
  });
});
