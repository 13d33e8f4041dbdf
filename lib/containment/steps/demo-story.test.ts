import { describe, expect, it } from "vitest";
import { computeClients } from "@/lib/gcp/clients";
import { kubeApis } from "@/lib/kube/clients";
import { abandonNodeVm } from "./abandon-node-vm";
import { firewallIsolate } from "./firewall-isolate";
import { protectNode } from "./protect-node";
import { Harness, advanceClock, openIncident, PAYMENTS } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";
import { tagNode } from "./tag-node";

// Issue 11's demo story, "10 minutes later": node isolation cuts the kubelet from the control
// plane, and GKE's auto-repair recreates a node that stays NotReady, boot disk and all. Without
// protect-node the evidence is gone; with it, the same VM and disk are still there.

const { sim } = useDemoSim();
const SSH = "203.0.113.7";

async function vmAndDisk(h: Harness) {
  const ref = h.incident.targets.instance!;
  const [vm] = await computeClients().instances.get({ project: ref.project, zone: ref.zone, instance: ref.name });
  // GKE names a node's boot disk after its VM.
  const [disk] = await computeClients().disks.get({ project: ref.project, zone: ref.zone, disk: ref.name });
  return { vm: String(vm.id), disk: String(disk.id), tags: vm.tags?.items ?? [] };
}

async function compromisedPodExists(h: Harness) {
  const pods = await kubeApis(PAYMENTS).core.listNamespacedPod({ namespace: h.incident.targets.namespace });
  return pods.items.some((p) => p.metadata?.uid === h.incident.targets.podUid);
}

async function ready(h: Harness) {
  const node = await kubeApis(PAYMENTS).core.readNode({ name: h.incident.targets.node! });
  return node.status?.conditions?.find((c) => c.type === "Ready")?.status;
}

async function isolateNode(h: Harness) {
  await h.execute(tagNode);
  await h.execute(firewallIsolate, { sshSourceRange: SSH });
}

describe("demo story: the node GKE takes away", () => {
  it("without protect-node, 11 sim minutes after firewalling the node it is recreated: new VM, new disk, the pod gone", async () => {
    const h = new Harness(await openIncident());
    // Through the executor this plan is locked until protect-node runs; here we show why.
    expect((await h.plan(firewallIsolate, { sshSourceRange: SSH })).lock?.id).toBe("protect-node-first");
    const before = await vmAndDisk(h);
    await isolateNode(h);
    await advanceClock(sim(), 660);
    const after = await vmAndDisk(h);
    expect(after.vm).not.toBe(before.vm);
    expect(after.disk).not.toBe(before.disk);
    // Recreated from the instance template: the quarantine tag went with the old VM.
    expect(after.tags).not.toContain("quarantine");
    expect(await compromisedPodExists(h)).toBe(false);
    expect((await h.verify(protectNode)).holds).toBe(false);
  });

  it("with protect-node first, the node stays NotReady with the same VM and disk after 30 sim minutes", async () => {
    const h = new Harness(await openIncident());
    await h.execute(protectNode);
    expect((await h.plan(firewallIsolate, { sshSourceRange: SSH })).lock).toBeUndefined();
    const before = await vmAndDisk(h);
    await isolateNode(h);
    await advanceClock(sim(), 1800);
    expect(await ready(h)).toBe("Unknown");
    const after = await vmAndDisk(h);
    expect({ vm: after.vm, disk: after.disk }).toEqual({ vm: before.vm, disk: before.disk });
    expect(after.tags).toContain("quarantine");
    expect(await compromisedPodExists(h)).toBe(true);
    expect((await h.verify(protectNode)).holds).toBe(true);
  });

  it("with abandon-node-vm instead, the same VM and disk are there after 30 sim minutes while the pool keeps auto-repair", async () => {
    const h = new Harness(await openIncident());
    await h.execute(abandonNodeVm);
    expect((await h.plan(firewallIsolate, { sshSourceRange: SSH })).lock).toBeUndefined();
    const before = await vmAndDisk(h);
    await isolateNode(h);
    await advanceClock(sim(), 1800);
    const after = await vmAndDisk(h);
    expect({ vm: after.vm, disk: after.disk }).toEqual({ vm: before.vm, disk: before.disk });
    expect(await compromisedPodExists(h)).toBe(true);
    // Only this VM left GKE's care: the pool still repairs every other node.
    expect((await h.verify(protectNode)).message).toMatch(/auto-repair/);
  });
});
