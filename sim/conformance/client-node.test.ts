import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, Watch, makeInformer, setHeaderOptions, type V1Pod } from "@kubernetes/client-node";
import { startSimProcess, type SimProcess } from "../test/harness";

// @kubernetes/client-node 2 (what the console uses) against the simulator process, through
// the kubeconfig the simulator writes: paging, strategic merge patch, eviction, dry run and
// watches behave as against a real API server.

const CONTEXT = "gke_acme-prod_us-central1-a_payments";
const NS = "shop";

describe("@kubernetes/client-node against the simulator", () => {
  let sim: SimProcess;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  beforeAll(async () => {
    sim = await startSimProcess(["--scenario", "demo"]);
    kc = new KubeConfig();
    kc.loadFromFile(sim.ready.kubeconfig);
    kc.setCurrentContext(CONTEXT);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  afterAll(async () => {
    await sim?.stop();
  });

  const advance = (seconds: number) =>
    fetch(`${sim.base}/_sim/clock/advance`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ seconds }) });

  it("lists with limit and _continue until the last page", async () => {
    const all = await core.listPodForAllNamespaces();
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 2, _continue: token });
      expect(page.items.length).toBeLessThanOrEqual(2);
      names.push(...page.items.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`));
      token = page.metadata?._continue;
      pages++;
    } while (token);
    expect(pages).toBe(Math.ceil(all.items.length / 2));
    expect(names).toEqual(all.items.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`));
  });

  it("selects with label and field selectors", async () => {
    const checkout = await core.listNamespacedPod({ namespace: NS, labelSelector: "app=checkout,tier in (backend)" });
    expect(checkout.items.length).toBeGreaterThan(0);
    const node = checkout.items[0].spec!.nodeName!;
    const onNode = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` });
    expect(onNode.items.every((p) => p.spec!.nodeName === node)).toBe(true);
    expect(onNode.items.map((p) => p.metadata!.uid)).toContain(checkout.items[0].metadata!.uid);
  });

  it("applies a strategic merge patch set through setHeaderOptions", async () => {
    const pod = (await core.listNamespacedPod({ namespace: NS, labelSelector: "app=cart" })).items[0];
    const patched = await core.patchNamespacedPod(
      {
        name: pod.metadata!.name!,
        namespace: NS,
        body: { metadata: { labels: { quarantine: "true" } }, spec: { containers: [{ name: pod.spec!.containers[0].name, image: "cart:patched" }] } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    expect(patched.metadata!.labels).toMatchObject({ ...pod.metadata!.labels, quarantine: "true" });
    // Containers merge by name: the one container is changed, not replaced by a partial one.
    expect(patched.spec!.containers).toHaveLength(pod.spec!.containers.length);
    expect(patched.spec!.containers[0]).toMatchObject({ ...pod.spec!.containers[0], image: "cart:patched" });
  });

  it("answers a dry run without storing it", async () => {
    const body: V1Pod = { metadata: { name: "dry-run-probe" }, spec: { containers: [{ name: "c", image: "busybox:1.36" }] } };
    const created = await core.createNamespacedPod({ namespace: NS, body, dryRun: "All" });
    expect(created.metadata!.name).toBe("dry-run-probe");
    await expect(core.readNamespacedPod({ name: "dry-run-probe", namespace: NS })).rejects.toMatchObject({ code: 404 });
  });

  it("evicts a pod through createNamespacedPodEviction", async () => {
    const pod = (await core.listNamespacedPod({ namespace: NS, labelSelector: "app=frontend" })).items[0];
    await core.createNamespacedPodEviction({
      name: pod.metadata!.name!,
      namespace: NS,
      body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: pod.metadata!.name!, namespace: NS } },
    });
    const after = await core.readNamespacedPod({ name: pod.metadata!.name!, namespace: NS });
    expect(after.metadata!.deletionTimestamp).toBeDefined();
  });

  it("follows changes with an informer and a raw Watch", async () => {
    const informer = makeInformer<V1Pod>(
      kc,
      `/api/v1/namespaces/${NS}/pods`,
      () => core.listNamespacedPod({ namespace: NS, labelSelector: "app=checkout" }),
      "app=checkout",
    );
    const seen: string[] = [];
    const labelled = new Promise<V1Pod>((resolve) => {
      informer.on("update", (p) => {
        if (p.metadata?.labels?.["airlock.test/seen"] === "yes") resolve(p);
      });
    });
    informer.on("add", (p) => seen.push(p.metadata!.name!));
    await informer.start();
    const target = informer.list(NS)[0];
    expect(target?.metadata?.labels?.app).toBe("checkout");

    const events: string[] = [];
    const watch = new Watch(kc);
    const gotModified = new Promise<void>((resolve) => {
      void watch
        .watch(
          `/api/v1/namespaces/${NS}/pods`,
          { fieldSelector: `metadata.name=${target.metadata!.name}` },
          (type) => {
            events.push(type);
            if (type === "MODIFIED") resolve();
          },
          () => undefined,
        )
        .then((req) => gotModified.finally(() => req.abort()));
    });

    await core.patchNamespacedPod(
      { name: target.metadata!.name!, namespace: NS, body: { metadata: { labels: { "airlock.test/seen": "yes" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    const updated = await labelled;
    expect(updated.metadata!.name).toBe(target.metadata!.name);
    await gotModified;
    expect(events[0]).toBe("ADDED");
    expect(events).toContain("MODIFIED");
    expect(seen).toContain(target.metadata!.name);
    await informer.stop();
  });

  it("scales a deployment through the scale subresource", async () => {
    const scale = await apps.readNamespacedDeploymentScale({ name: "cart", namespace: NS });
    expect(scale.spec!.replicas).toBeGreaterThan(0);
    await apps.patchNamespacedDeploymentScale(
      { name: "cart", namespace: NS, body: { spec: { replicas: 0 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect((await apps.readNamespacedDeployment({ name: "cart", namespace: NS })).spec!.replicas).toBe(0);
    await advance(60);
  });
});
