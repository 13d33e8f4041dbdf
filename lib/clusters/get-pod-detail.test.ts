import { describe, expect, it } from "vitest";
import { DEMO, findCompromisedPod } from "./demo-fixture";
import { getPodDetail } from "./get-pod-detail";
import { listPods } from "./list-pods";
import { simulatorPerFile } from "./sim-env";

simulatorPerFile(["--scenario", "demo"]);

describe("pod detail on the demo scenario", () => {
  it("follows the compromised pod's owners up to its Deployment", async () => {
    const { name } = await findCompromisedPod();
    const d = await getPodDetail(DEMO.payments, "shop", name);
    expect(d.ownerChain.map((o) => o.kind)).toEqual(["ReplicaSet", "Deployment"]);
    expect(d.ownerChain[0].name).toMatch(/^checkout-/);
    expect(d.ownerChain[1]).toEqual({ kind: "Deployment", name: "checkout" });
    expect(d.pod.annotations[DEMO.compromisedAnnotation]).toBe("true");
    expect(d.containers.find((c) => c.name === "checkout")?.image).toMatch(/checkout:1\.9\.3$/);
  });

  it("names the Services and NetworkPolicies that select it, and only those", async () => {
    const { name } = await findCompromisedPod();
    const d = await getPodDetail(DEMO.payments, "shop", name);
    expect(d.services.ok && d.services.value.map((s) => s.name)).toEqual(["checkout"]);
    expect(d.networkPolicies.ok && d.networkPolicies.value.map((n) => n.name)).toEqual(["allow-checkout-from-frontend"]);
  });

  it("shows the node and the VM behind it, events and a log tail", async () => {
    const { name, node } = await findCompromisedPod();
    const d = await getPodDetail(DEMO.payments, "shop", name);
    expect(d.node).toMatchObject({ ok: true, value: { name: node, ready: true } });
    expect(d.vm.ok && d.vm.value?.ref).toEqual({ project: "acme-prod", zone: "us-central1-a", name: node });
    expect(d.vm.ok && d.vm.value?.networkInterfaces[0].accessConfigs[0]?.natIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(d.events.ok).toBe(true);
    if (d.events.ok) expect(d.events.value.length).toBeGreaterThan(0);
    const log = d.logs.find((l) => l.container === "checkout")!;
    expect(log.error).toBeUndefined();
    const lines = (log.lines ?? "").trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(50);
    expect(log.lines).toMatch(/kworkerd|XMRig/);
  });

  it("has an empty owner chain for a bare pod and a DaemonSet for a node agent", async () => {
    const bare = await getPodDetail(DEMO.payments, "shop", "debug-shell");
    expect(bare.ownerChain).toEqual([]);
    const agents = await listPods(DEMO.payments, { namespace: "kube-system", labelSelector: "k8s-app=fluentbit-gke", limit: 1 });
    const agent = await getPodDetail(DEMO.payments, "kube-system", agents.items[0].name);
    expect(agent.ownerChain).toEqual([{ kind: "DaemonSet", name: "fluentbit-gke" }]);
  });

  it("answers 404 with the API server's message for a pod that does not exist", async () => {
    await expect(getPodDetail(DEMO.payments, "shop", "no-such-pod")).rejects.toMatchObject({ status: 404, message: expect.stringMatching(/not found/) });
  });
});
