import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ISOLATION_VERIFIED } from "@/lib/containment/board";
import { createIncident } from "@/lib/containment/incidents";
import { firewallIsolate } from "@/lib/containment/steps/firewall-isolate";
import { tagNode } from "@/lib/containment/steps/tag-node";
import { Harness, openIncident } from "@/lib/containment/steps/support/testing";
import { useDemoSim } from "@/lib/containment/steps/support/testing-hooks";
import { caller, freshDb } from "@/lib/containment/testing";
import type { Db } from "@/lib/store";
import { buildReport } from "./build";

// The report reads the board first: the isolation-verified entry its board may write is in the
// report's timeline and chain check, matches its clock, and each step is read live once.

useDemoSim();

let db: Db;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ db, close } = await freshDb());
});
afterAll(async () => {
  await close?.();
});

describe("incident report", () => {
  it("includes the isolation-verified entry its own board wrote, agrees with the clock, and verifies each step once", async () => {
    const h = new Harness(await openIncident());
    const inc = await createIncident(caller("analyst@demo.local", "analyst"), { title: "Miner", severity: "high", targets: h.incident.targets });
    h.incident = inc;
    await h.execute(tagNode);
    await h.execute(firewallIsolate, { sshSourceRange: "203.0.113.7" });
    await db
      .insertInto("step_runs")
      .values(h.runs.map((r, i) => ({ ...r, id: `${inc.id}-${i}`, incident_id: inc.id })))
      .execute();

    const verifies = [vi.spyOn(firewallIsolate, "verify"), vi.spyOn(tagNode, "verify")];
    try {
      const r = await buildReport({ email: "lead@demo.local" }, inc.id);
      expect(r.containment.rows.find((x) => x.layer === "node-network")!.state).toBe("in-effect");
      expect(r.containment.timeToContain.containedBy).toBe("node-network");

      // Written by this report's board, and read after it: in the timeline, counted, and chain-checked.
      const isolated = r.timeline.filter((e) => e.kind === ISOLATION_VERIFIED);
      expect(isolated).toHaveLength(1);
      expect(isolated[0].message).toMatch(/^Node network: in effect\./);
      expect(r.summary.entries).toBe(r.timeline.length);
      expect(r.auditChain).toMatchObject({ ok: true, head: { id: isolated[0].id } });
      const stored = await db.selectFrom("timeline").select("details").where("id", "=", isolated[0].id).executeTakeFirstOrThrow();
      expect(JSON.parse(stored.details).containedAt).toBe(r.containment.timeToContain.containedAt);

      // The board and the live state share one read of each step.
      for (const v of verifies) expect(v).toHaveBeenCalledTimes(1);
      expect(r.liveState.map((l) => [l.stepId, l.holds])).toEqual([
        ["tag-node", true],
        ["firewall-isolate", true],
      ]);

      // A second report writes nothing more and keeps the clock.
      const again = await buildReport({ email: "lead@demo.local" }, inc.id);
      expect(again.timeline.filter((e) => e.kind === ISOLATION_VERIFIED)).toHaveLength(1);
      expect(again.containment.timeToContain).toEqual(r.containment.timeToContain);
    } finally {
      for (const v of verifies) v.mockRestore();
    }
  });
});
