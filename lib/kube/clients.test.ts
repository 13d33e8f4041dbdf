import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimProcess } from "@/sim/test/harness";
import { useSimulator } from "@/lib/clusters/sim-env";
import { computeClients, containerClient } from "@/lib/gcp/clients";
import { HttpError } from "@/lib/http/errors";
import { kubeApis, kubeContexts } from "./clients";

let sim: SimProcess;
beforeAll(async () => {
  sim = await useSimulator(["--scenario", "empty"]);
});
afterAll(async () => {
  await sim?.stop();
});

describe("client layers against the simulator", () => {
  it("makes every kubeconfig context a cluster with its own cached clients", () => {
    const contexts = kubeContexts();
    expect(contexts.map((c) => c.name)).toContain(`gke_${sim.ready.project}_us-central1-a_sandbox`);
    const id = contexts[0].name;
    const apis = kubeApis(id);
    expect(apis.kc.getCurrentContext()).toBe(id);
    expect(kubeApis(id)).toBe(apis);
  });

  it("answers 404 for a context the kubeconfig does not have", () => {
    expect(() => kubeApis("gke_nope_nowhere_none")).toThrow(HttpError);
    try {
      kubeApis("gke_nope_nowhere_none");
    } catch (e) {
      expect((e as HttpError).status).toBe(404);
    }
  });

  it("reaches the simulated GKE and Compute APIs without credentials", async () => {
    const [resp] = await containerClient().listClusters({ parent: `projects/${sim.ready.project}/locations/-` });
    expect(resp.clusters?.map((c) => c.name)).toContain("sandbox");
    const instances = [];
    for await (const vm of computeClients().instances.listAsync({ project: sim.ready.project, zone: "us-central1-a" })) instances.push(vm);
    expect(instances.length).toBeGreaterThan(0);
  });
});
