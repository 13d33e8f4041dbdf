import { describe, expect, it } from "vitest";
import { computeClients } from "@/lib/gcp/clients";
import { firewallIsolate } from "./firewall-isolate";
import { protectNode } from "./protect-node";
import { tagNode } from "./tag-node";
import { Harness, openIncident, resetSim, shell } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();

async function tags(ref: { project: string; zone: string; name: string }) {
  const [vm] = await computeClients().instances.get({ project: ref.project, zone: ref.zone, instance: ref.name });
  return vm.tags?.items ?? [];
}

describe("tag-node", () => {
  it("appends quarantine to the existing tags, repeats as a no-op and removes only quarantine on undo", async () => {
    const h = new Harness(await openIncident());
    const ref = h.incident.targets.instance!;
    const original = await tags(ref);
    expect(original.length).toBeGreaterThan(0);
    const plan = await h.plan(tagNode);
    expect(plan.changes[0]).toMatchObject({ before: original, after: [...original, "quarantine"] });
    expect(plan.commands[0]).toBe(
      `gcloud compute instances add-tags ${ref.name} \\\n    --zone ${ref.zone} \\\n    --tags quarantine \\\n    --project ${ref.project}`,
    );
    expect((await h.execute(tagNode)).result.outcome).toBe("success");
    expect(await tags(ref)).toEqual([...original, "quarantine"]);
    expect((await h.verify(tagNode)).holds).toBe(true);
    expect((await h.plan(tagNode)).noop).toBe(true);
    expect((await h.executePlan(tagNode, await h.plan(tagNode))).outcome).toBe("noop");
    expect((await h.undo(tagNode)).outcome).toBe("success");
    expect(await tags(ref)).toEqual(original);
  });

  it("is locked until protect-node once the quarantine rules exist, since the tag then cuts the node's egress", async () => {
    const h = new Harness(await openIncident());
    expect((await h.plan(tagNode)).lock).toBeUndefined();
    await h.execute(firewallIsolate, { sshSourceRange: "203.0.113.7/32" });
    const locked = await h.plan(tagNode);
    expect(locked.lock).toMatchObject({ id: "protect-node-first" });
    expect(locked.warnings.map((w) => w.code)).toContain("cuts-egress");
    await h.execute(protectNode);
    expect((await h.plan(tagNode)).lock).toBeUndefined();
  });

  it("leaves the same tags as the playbook's gcloud add-tags", async () => {
    const h = new Harness(await openIncident());
    const ref = h.incident.targets.instance!;
    await h.execute(tagNode);
    const ours = [...(await tags(ref))].sort();
    await resetSim(sim());
    await shell(sim(), `gcloud compute instances add-tags ${ref.name} --zone ${ref.zone} --tags quarantine`);
    expect([...(await tags(ref))].sort()).toEqual(ours);
  });
});
