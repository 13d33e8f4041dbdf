import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimProcess } from "@/sim/test/harness";
import { resetConfigForTests } from "@/lib/config";
import { HttpError } from "@/lib/http/errors";
import { resetKubeClientsForTests } from "@/lib/kube/clients";
import { clearBurstCacheForTests } from "./burst-cache";
import { DEMO, countAllPods } from "./demo-fixture";
import { clusterInventory, getCluster, listClusters } from "./registry";
import { useSimulator } from "./sim-env";

let sim: SimProcess;
let closedPort: number;

beforeAll(async () => {
  sim = await useSimulator(["--scenario", "demo"]);
  // A second kubeconfig file with a context whose API server refuses connections.
  closedPort = await new Promise<number>((resolve) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
  const extra = path.join(sim.dir, "extra-kubeconfig");
  fs.writeFileSync(
    extra,
    [
      "apiVersion: v1",
      "kind: Config",
      // Plain http is allowed only where the kubeconfig says so: this cluster is meant to be unreachable, not refused.
      "clusters: [{name: gone, cluster: {server: 'http://127.0.0.1:" + closedPort + "', insecure-skip-tls-verify: true}}]",
      "users: [{name: gone, user: {token: x}}]",
      "contexts: [{name: lab-gone, context: {cluster: gone, user: gone}}]",
      "current-context: lab-gone",
    ].join("\n"),
  );
  process.env.KUBECONFIG = [sim.ready.kubeconfig, extra].join(path.delimiter);
  resetConfigForTests();
  resetKubeClientsForTests();
  clearBurstCacheForTests();
});
afterAll(async () => {
  await sim?.stop();
});

describe("cluster registry on the demo scenario", () => {
  it("lists both GKE clusters as kubeconfig+GKE and the extra context as kubeconfig only", async () => {
    const clusters = await listClusters();
    const byId = Object.fromEntries(clusters.map((c) => [c.id, c]));
    expect(byId[DEMO.payments]).toMatchObject({ name: "payments", project: "acme-prod", location: "us-central1-a", source: "both" });
    expect(byId[DEMO.storefront]).toMatchObject({ name: "storefront", project: "acme-prod", location: "us-central1", source: "both" });
    expect(byId["lab-gone"]).toMatchObject({ source: "kubeconfig", project: null });
  });

  it("calls payments enforced because of Dataplane V2 though networkPolicy.enabled is unset", async () => {
    const c = await getCluster(DEMO.payments);
    expect(c.datapath).toBe("ADVANCED_DATAPATH");
    expect(c.networkPolicy).toMatchObject({ enforced: true, determined: true });
    expect(c.networkPolicy.reason).toMatch(/Dataplane V2/);
    expect(c).toMatchObject({ autopilot: false, autoRepair: true, reachable: true });
    expect(c.kubernetesVersion).toMatch(/^\d+\.\d+/);
  });

  it("calls storefront not enforced and says why enabling Calico now is not an option", async () => {
    const c = await getCluster(DEMO.storefront);
    expect(c.datapath).toBe("LEGACY_DATAPATH");
    expect(c.networkPolicy).toEqual({
      enforced: false,
      determined: true,
      reason: "not enforced: Calico add-on disabled and legacy datapath; enabling it now would recreate every node and destroy evidence",
    });
  });

  it("counts nodes and pods without listing them, and the counts are right", async () => {
    const c = await getCluster(DEMO.payments);
    expect(c.nodeCount).toBe(3);
    expect(c.podCount).toBe(await countAllPods(DEMO.payments));
  });

  it("shows an unreachable cluster as a readable error, not a failure of the whole list", async () => {
    const { items } = await clusterInventory();
    const gone = items.find((c) => c.id === "lab-gone")!;
    expect(gone.reachable).toBe(false);
    expect(gone.error).toMatch(/unreachable/i);
    expect(gone.error).not.toMatch(/\n\s+at /);
    expect(gone.networkPolicy.determined).toBe(false);
  });

  it("answers 404 for an id it does not know", async () => {
    await expect(getCluster("gke_acme-prod_us-central1-a_nope")).rejects.toMatchObject({ status: 404 });
    await expect(getCluster("gke_acme-prod_us-central1-a_nope")).rejects.toBeInstanceOf(HttpError);
  });
});
