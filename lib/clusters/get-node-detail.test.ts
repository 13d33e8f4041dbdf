import { describe, expect, it } from "vitest";
import { DEMO, findCompromisedPod } from "./demo-fixture";
import { getNodeDetail } from "./get-node-detail";
import { simulatorPerFile } from "./sim-env";

simulatorPerFile(["--scenario", "demo"]);

describe("node detail on the demo scenario", () => {
  it("lists the node's pods, including the compromised one and the bare debug pod", async () => {
    const { name, node } = await findCompromisedPod();
    const d = await getNodeDetail(DEMO.payments, node);
    expect(d.pods.ok).toBe(true);
    if (!d.pods.ok) return;
    const names = d.pods.value.items.map((p) => p.name);
    expect(names).toContain(name);
    expect(names).toContain("debug-shell");
    expect(d.pods.value.items.every((p) => p.node === node)).toBe(true);
    expect(d.node.podCount).toBe(d.pods.value.items.length);
  });

  it("shows the VM's tags and access configs and its effective firewall rules in evaluation order", async () => {
    const { node } = await findCompromisedPod();
    const d = await getNodeDetail(DEMO.payments, node);
    expect(d.vm.ok).toBe(true);
    if (!d.vm.ok || !d.vm.value) return;
    expect(d.vm.value.tags.some((t) => /^gke-payments-.*-node$/.test(t))).toBe(true);
    expect(d.vm.value.tagsFingerprint).toBeTruthy();
    expect(d.vm.value.networkInterfaces[0].accessConfigs[0]).toMatchObject({ type: "ONE_TO_ONE_NAT" });
    expect(d.firewalls.ok).toBe(true);
    if (!d.firewalls.ok || !d.firewalls.value) return;
    expect(d.firewalls.value.length).toBeGreaterThan(0);
    const priorities = d.firewalls.value.map((f) => f.priority ?? 1000);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
  });

  it("answers 404 for a node that does not exist", async () => {
    await expect(getNodeDetail(DEMO.payments, "gke-payments-nope")).rejects.toMatchObject({ status: 404 });
  });
});
