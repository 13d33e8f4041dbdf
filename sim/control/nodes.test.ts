import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimProcess, type SimProcess } from "../test/harness";
import type { GcpJson } from "../gcp/state";

// Issue 11's demo story against a real simulator process, through the public APIs and the
// documented /_sim/ routes only: firewall the compromised pod's node, jump the clock, and the
// node is recreated (evidence gone); abandon it from its group first and it stays.

let sim: SimProcess;
beforeAll(async () => {
  sim = await startSimProcess(["--scenario", "demo"]);
});
afterAll(() => sim?.stop());

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: GcpJson }> {
  const res = await fetch(`${sim.base}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}
async function ok(method: string, path: string, body?: unknown): Promise<GcpJson> {
  const r = await call(method, path, body);
  expect(r.status, `${method} ${path} ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
}

const compute = (rest: string) => `/compute/v1/projects/${sim.ready.project}/${rest}`;

async function compromisedNode(): Promise<{ name: string; zone: string }> {
  const pods = await ok("GET", "/clusters/payments/api/v1/namespaces/shop/pods");
  const pod = (pods.items as GcpJson[]).find((p) => p.metadata.annotations?.["airlock.sim/compromised"] === "true")!;
  const node = await ok("GET", `/clusters/payments/api/v1/nodes/${pod.spec.nodeName}`);
  return { name: pod.spec.nodeName, zone: node.metadata.labels["topology.kubernetes.io/zone"] };
}

async function firewall(node: { name: string; zone: string }): Promise<void> {
  const existing = await call("GET", compute("global/firewalls/quarantine-egress-deny"));
  if (existing.status === 404) {
    await ok("POST", compute("global/firewalls"), {
      name: "quarantine-egress-deny",
      network: "global/networks/default",
      direction: "EGRESS",
      priority: 0,
      denied: [{ IPProtocol: "all" }],
      destinationRanges: ["0.0.0.0/0"],
      targetTags: ["quarantine"],
    });
  }
  const vm = await ok("GET", compute(`zones/${node.zone}/instances/${node.name}`));
  await ok("POST", compute(`zones/${node.zone}/instances/${node.name}/setTags`), { items: [...vm.tags.items, "quarantine"], fingerprint: vm.tags.fingerprint });
}

describe("node lifecycle through the public surface", () => {
  it("an unprotected firewalled node goes NotReady, then is recreated after 10 minutes NotReady (one 11-minute clock jump)", async () => {
    await ok("POST", "/_sim/reset");
    const node = await compromisedNode();
    const before = await ok("GET", compute(`zones/${node.zone}/instances/${node.name}`));
    const diskBefore = await ok("GET", compute(`zones/${node.zone}/disks/${node.name}`));
    await firewall(node);
    await ok("POST", "/_sim/clock/advance", { seconds: 50 });
    const state = ((await ok("GET", "/_sim/nodes/payments")).items as GcpJson[]).find((s) => s.node === node.name)!;
    expect(state).toMatchObject({ kubeletReachesControlPlane: false, autoRepair: true, autoscaling: true });
    expect(state.notReadySince).toBeDefined();
    expect(state.autoRepairDueAt).toBeDefined();
    const k8sNode = await ok("GET", `/clusters/payments/api/v1/nodes/${node.name}`);
    expect(k8sNode.status.conditions.find((c: GcpJson) => c.type === "Ready").status).toBe("Unknown");

    await ok("POST", "/_sim/clock/advance", { seconds: 610 });
    const after = await ok("GET", compute(`zones/${node.zone}/instances/${node.name}`));
    expect(after.id).not.toBe(before.id);
    expect((await ok("GET", compute(`zones/${node.zone}/disks/${node.name}`))).id).not.toBe(diskBefore.id);
    const fresh = await ok("GET", `/clusters/payments/api/v1/nodes/${node.name}`);
    expect(fresh.metadata.uid).not.toBe(k8sNode.metadata.uid);
    const pods = await ok("GET", "/clusters/payments/api/v1/namespaces/shop/pods");
    expect((pods.items as GcpJson[]).some((p) => p.metadata.annotations?.["airlock.sim/compromised"] === "true")).toBe(false);
  });

  it("a firewalled node abandoned from its instance group keeps its VM and disk for 30 minutes", async () => {
    await ok("POST", "/_sim/reset");
    const node = await compromisedNode();
    const pool = await ok("GET", `/v1/projects/${sim.ready.project}/locations/us-central1-a/clusters/payments/nodePools/default-pool`);
    const mig = String(pool.instanceGroupUrls[0]).split("/").pop();
    await ok("POST", compute(`zones/${node.zone}/instanceGroupManagers/${mig}/abandonInstances`), { instances: [`zones/${node.zone}/instances/${node.name}`] });
    const before = await ok("GET", compute(`zones/${node.zone}/instances/${node.name}`));
    const diskBefore = await ok("GET", compute(`zones/${node.zone}/disks/${node.name}`));
    await firewall(node);
    await ok("POST", "/_sim/clock/advance", { seconds: 1860 });
    expect((await ok("GET", compute(`zones/${node.zone}/instances/${node.name}`))).id).toBe(before.id);
    expect((await ok("GET", compute(`zones/${node.zone}/disks/${node.name}`))).id).toBe(diskBefore.id);
    const pods = await ok("GET", "/clusters/payments/api/v1/namespaces/shop/pods");
    expect((pods.items as GcpJson[]).some((p) => p.metadata.annotations?.["airlock.sim/compromised"] === "true")).toBe(true);
    // Nothing else in the demo is removed by the autoscaler meanwhile: every payments node has work.
    expect(((await ok("GET", "/clusters/payments/api/v1/nodes")).items as GcpJson[]).length).toBe(3);
  });

  it("answers 404 for an unknown cluster", async () => {
    expect((await call("GET", "/_sim/nodes/nope")).status).toBe(404);
  });
});

describe("the demo's established miner connection", () => {
  it("is cut on payments (Dataplane V2) once a deny-all egress policy is programmed", async () => {
    await ok("POST", "/_sim/reset");
    const before = await ok("GET", "/_sim/flows/payments");
    expect(before.datapath).toBe("dataplane-v2");
    expect(before.items).toHaveLength(1);
    const flow = before.items[0];
    expect(flow).toMatchObject({ namespace: "shop", container: "checkout", process: "kworkerd", remoteAddress: "198.51.100.23:3333", state: "established" });
    const pod = await ok("GET", `/clusters/payments/api/v1/namespaces/shop/pods/${flow.pod}`);
    expect(flow.localAddress).toBe(`${pod.status.podIP}:43512`);
    const created = await call("POST", "/clusters/payments/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies", {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "airlock-deny-all" },
      spec: { podSelector: { matchLabels: { "airlock.io/quarantine": "true" } }, policyTypes: ["Ingress", "Egress"] },
    });
    expect(created.status).toBe(201);
    const labels = { ...pod.metadata.labels, "airlock.io/quarantine": "true" };
    const patched = await fetch(`${sim.base}/clusters/payments/api/v1/namespaces/shop/pods/${flow.pod}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/merge-patch+json" },
      body: JSON.stringify({ metadata: { labels } }),
    });
    expect(patched.status).toBe(200);
    // Programmed after the simulator's --netpol-delay (300 s by default).
    expect((await ok("GET", "/_sim/flows/payments")).items[0].state).toBe("established");
    await ok("POST", "/_sim/clock/advance", { seconds: 301 });
    const cut = (await ok("GET", "/_sim/flows/payments")).items[0];
    expect(cut.state).toBe("dropping");
    expect(cut.reason).toContain("airlock-deny-all");
  });

  it("storefront has no miner flow and says why nothing would cut one", async () => {
    const sf = await ok("GET", "/_sim/flows/storefront");
    expect(sf).toMatchObject({ datapath: "none", items: [] });
    expect(sf.reason).toContain("not enforced");
  });
});
