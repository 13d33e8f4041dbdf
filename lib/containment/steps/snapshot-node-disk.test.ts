import { describe, expect, it } from "vitest";
import { computeClients } from "@/lib/gcp/clients";
import { collectEvidence } from "./collect-evidence";
import { cordonNode } from "./cordon-node";
import { firewallIsolate } from "./firewall-isolate";
import { snapshotName, snapshotNodeDisk } from "./snapshot-node-disk";
import { Harness, openIncident } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

useDemoSim();

describe("snapshot-node-disk", () => {
  it("names snapshots validly within 63 characters", () => {
    const n = snapshotName("INC_0123456789abcdef", "gke-payments-default-pool-0123abcd-wxyz-extra-long-disk-name");
    expect(n.length).toBeLessThanOrEqual(63);
    expect(n).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(snapshotName("i1", "disk")).toBe("airlock-i1-disk");
  });

  it("snapshots the boot disk, verifies it, and repeats as a no-op", async () => {
    const h = new Harness(await openIncident());
    const ref = h.incident.targets.instance!;
    const plan = await h.plan(snapshotNodeDisk);
    expect(plan.blocked).toBeUndefined();
    expect(plan.commands[0]).toMatch(/^gcloud compute disks snapshot /);
    const { result } = await h.execute(snapshotNodeDisk);
    expect(result.outcome).toBe("success");
    const name = result.record?.snapshot as string;
    const [snap] = await computeClients().snapshots.get({ project: ref.project, snapshot: name });
    expect(snap.sourceDisk).toContain(ref.name);
    expect(result.record?.sourceDisk).toContain(ref.name);
    expect((await h.verify(snapshotNodeDisk)).holds).toBe(true);
    expect((await h.plan(snapshotNodeDisk)).noop).toBe(true);
    expect((await h.executePlan(snapshotNodeDisk, await h.plan(snapshotNodeDisk))).outcome).toBe("noop");
  });

  it("once the snapshot is taken, cordon and firewall plans stop asking for it", async () => {
    const h = new Harness(await openIncident());
    const fw = { sshSourceRange: "203.0.113.7/32" };
    const warningsOf = async () => [...(await h.plan(cordonNode)).warnings, ...(await h.plan(firewallIsolate, fw)).warnings].map((w) => w.message).join("\n");
    expect(await warningsOf()).toMatch(/[Ss]napshot the (node's )?boot disk|snapshot-node-disk\) before/);

    await h.execute(snapshotNodeDisk);
    await h.execute(collectEvidence);
    const after = await warningsOf();
    expect(after).not.toMatch(/[Ss]napshot the (node's )?boot disk|before isolating\./);
    expect(after).toMatch(/already snapshotted for this incident/);

    // Plans read their own incident's runs: another incident's snapshot does not count.
    const fresh = new Harness(await openIncident());
    expect((await fresh.plan(cordonNode)).warnings.map((w) => w.message).join("\n")).not.toMatch(/already snapshotted/);
  });
});
