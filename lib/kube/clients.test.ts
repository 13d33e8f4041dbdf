import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import type { SimProcess } from "@/sim/test/harness";
import { useSimulator } from "@/lib/clusters/sim-env";
import { resetConfigForTests } from "@/lib/config";
import { computeClients, containerClient } from "@/lib/gcp/clients";
import { HttpError } from "@/lib/http/errors";
import { kubeApis, kubeContexts, resetKubeClientsForTests } from "./clients";
import { kubeError } from "./errors";

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

describe("plain http follows the kubeconfig", () => {
  function useKubeconfig(file: string) {
    process.env.KUBECONFIG = file;
    resetConfigForTests();
    resetKubeClientsForTests();
  }

  it("reaches the simulator through its kubeconfig as written (it skips TLS verification for its http servers)", async () => {
    useKubeconfig(sim.ready.kubeconfig);
    const nodes = await kubeApis(kubeContexts()[0].name).core.listNode();
    expect(nodes.items.length).toBeGreaterThan(0);
  });

  it("refuses a plain-http server the kubeconfig does not mark, even on loopback, with a readable reason", async () => {
    const doc = YAML.parse(fs.readFileSync(sim.ready.kubeconfig, "utf8")) as { clusters: { cluster: Record<string, unknown> }[] };
    for (const c of doc.clusters) delete c.cluster["insecure-skip-tls-verify"];
    const strict = path.join(sim.dir, "kubeconfig-without-skip");
    fs.writeFileSync(strict, YAML.stringify(doc), { mode: 0o600 });
    useKubeconfig(strict);
    try {
      const err = await kubeApis(kubeContexts()[0].name)
        .core.listNode()
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).not.toBeNull();
      const info = kubeError(err);
      expect(info.reason).toBe("InsecureServer");
      expect(info.message).toMatch(/plain-http API server without insecure-skip-tls-verify/);
    } finally {
      useKubeconfig(sim.ready.kubeconfig);
    }
  });

  it("refuses a kubeconfig user whose exec plugin is not in KUBECONFIG_EXEC_ALLOWLIST, and allows a listed one", () => {
    const doc = YAML.parse(fs.readFileSync(sim.ready.kubeconfig, "utf8")) as { users: { user: Record<string, unknown> }[] };
    for (const u of doc.users)
      u.user = { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "/tmp/steal-credentials", interactiveMode: "Never" } };
    const withExec = path.join(sim.dir, "kubeconfig-with-exec");
    fs.writeFileSync(withExec, YAML.stringify(doc), { mode: 0o600 });
    useKubeconfig(withExec);
    try {
      const name = kubeContexts()[0].name;
      const refused = (() => {
        try {
          kubeApis(name);
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(refused).toBeInstanceOf(HttpError);
      expect((refused as HttpError).status).toBe(403);
      expect((refused as HttpError).message).toMatch(
        /"\/tmp\/steal-credentials", which KUBECONFIG_EXEC_ALLOWLIST does not list \(allowed: gke-gcloud-auth-plugin\)/,
      );
      process.env.KUBECONFIG_EXEC_ALLOWLIST = "gke-gcloud-auth-plugin,steal-credentials";
      useKubeconfig(withExec);
      expect(kubeApis(name).kc.getCurrentUser()?.exec?.command).toBe("/tmp/steal-credentials");
    } finally {
      delete process.env.KUBECONFIG_EXEC_ALLOWLIST;
      useKubeconfig(sim.ready.kubeconfig);
    }
  });
});
