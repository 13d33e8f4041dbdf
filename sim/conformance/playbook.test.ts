import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath, startSimProcess, type SimProcess } from "../test/harness";
import type { KObject } from "../kube/types";

// The real kubectl runs every kubectl command of the containment playbook against the demo
// scenario's `payments` cluster, placeholders filled from what the API shows, and every effect
// is then checked through the API. The tests run in order and build on each other, as an
// operator following the playbook would. Commands that wait for pods to terminate (drain,
// delete) run while the simulated clock is advanced, so grace periods pass without waiting.

const KUBECTL = findOnPath("kubectl");
const CI = process.env.CI === "true";
const CONTEXT = "gke_acme-prod_us-central1-a_payments";
const NS = "shop";
const ERRATA_1 = "cannot unmarshal bool into Go struct field LabelSelector.spec.podSelector.matchLabels of type string";

// The playbook's policy as written (ERRATA 1: `quarantine: true` is a YAML boolean).
const PLAYBOOK_POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
    name: default-deny
spec:
    podSelector:
        matchLabels: 
            quarantine: true
    policyTypes:
    - Ingress
    - Egress 
`;

it("has kubectl on PATH (required when CI=true)", () => {
  if (CI) expect(KUBECTL, "kubectl is not on PATH: the playbook conformance suite cannot run").toBeDefined();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(!KUBECTL)("kubectl against the simulator (playbook commands)", () => {
  let sim: SimProcess;
  let env: NodeJS.ProcessEnv;
  let workdir: string;
  let pod: KObject; // the compromised checkout pod
  let node: string;
  let container: string;

  const kubectl = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      // A per-command timeout so a hung kubectl fails its test instead of the whole run.
      const child = execFile(KUBECTL!, ["--context", CONTEXT, ...args], { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
      // Nothing to type: `exec -it` reads stdin until EOF.
      child.stdin?.end();
    });
  const ok = async (args: string[]): Promise<string> => {
    const r = await kubectl(args);
    expect(r.code, `kubectl ${args.join(" ")}\n${r.stderr}`).toBe(0);
    return r.stdout;
  };

  const api = async (rel: string, init?: RequestInit): Promise<{ status: number; body: KObject & { items?: KObject[] } }> => {
    const res = await fetch(`${sim.base}/clusters/payments${rel}`, init);
    return { status: res.status, body: (await res.json()) as KObject & { items?: KObject[] } };
  };
  const get = async (rel: string): Promise<KObject & { items?: KObject[] }> => {
    const r = await api(rel);
    expect(r.status, rel).toBe(200);
    return r.body;
  };
  const exists = async (rel: string): Promise<boolean> => (await api(rel)).status === 200;
  const podsWhere = async (query: string): Promise<KObject[]> => (await get(`/api/v1/namespaces/${NS}/pods?${query}`)).items ?? [];

  /** Runs fn while simulated time moves on, so grace periods and controller delays pass. */
  const withClock = async <T>(fn: () => Promise<T>): Promise<T> => {
    let running = true;
    const ticker = (async () => {
      while (running) {
        await fetch(`${sim.base}/_sim/clock/advance`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ seconds: 5 }),
        }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      return await fn();
    } finally {
      running = false;
      await ticker;
    }
  };
  /** Polls until check passes (controllers react asynchronously); the test timeout bounds it. */
  const eventually = async (check: () => Promise<void>): Promise<void> => {
    for (;;) {
      try {
        await check();
        return;
      } catch (err) {
        if ((err as Error).name !== "AssertionError") throw err;
      }
      await fetch(`${sim.base}/_sim/clock/advance`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ seconds: 5 }),
      }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    sim = await startSimProcess(["--scenario", "demo", "--netpol-delay", "5"]);
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-playbook-"));
    // A private discovery/OpenAPI cache: ports are reused between runs.
    env = { ...sim.env, KUBECACHEDIR: path.join(workdir, "cache"), HOME: workdir };
    // The compromised pod: a checkout pod the scenario marked, with events telling its story.
    const checkout = await podsWhere("labelSelector=app%3Dcheckout");
    const marked = checkout.filter((p) => p.metadata.annotations?.["airlock.sim/compromised"] === "true");
    expect(marked, "the demo scenario marks one checkout pod as compromised").toHaveLength(1);
    pod = marked[0];
    node = pod.spec.nodeName;
    container = pod.spec.containers[0].name;
    const events = await get(`/api/v1/namespaces/${NS}/events?fieldSelector=involvedObject.name%3D${pod.metadata.name}`);
    expect(events.items?.length, "events about the compromised pod").toBeGreaterThan(0);
  });
  afterAll(async () => {
    await sim?.stop();
    if (workdir) fs.rmSync(workdir, { recursive: true, force: true });
  });

  it("kubectl cordon <node_name>", async () => {
    expect(await ok(["cordon", node])).toContain(`node/${node} cordoned`);
    expect((await get(`/api/v1/nodes/${node}`)).spec.unschedulable).toBe(true);
    const listed = await ok(["get", "nodes"]);
    expect(listed).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/m);
    expect(listed).toMatch(new RegExp(`^${node}\\s+Ready,SchedulingDisabled\\s`, "m"));
  });

  it("kubectl label pods <pod_name> quarantine=true", async () => {
    expect(await ok(["label", "pods", pod.metadata.name, "quarantine=true", "-n", NS])).toContain(`pod/${pod.metadata.name} labeled`);
    expect((await get(`/api/v1/namespaces/${NS}/pods/${pod.metadata.name}`)).metadata.labels?.quarantine).toBe("true");
  });

  it("kubectl drain <node_name> --pod-selector='!quarantine' --ignore-daemonsets --delete-emptydir-data", async () => {
    const onNode = async () => (await get(`/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`)).items ?? [];
    const before = await onNode();
    const controllerKind = (p: KObject) => p.metadata.ownerReferences?.find((r) => r.controller)?.kind;
    const bare = before.filter((p) => !controllerKind(p) && p.metadata.labels?.quarantine === undefined);
    const args = ["drain", node, "--pod-selector=!quarantine", "--ignore-daemonsets", "--delete-emptydir-data"];

    if (bare.length) {
      // ERRATA 6: pods without a controller need --force; drain refuses before evicting anything.
      const refused = await kubectl(args);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain("cannot delete Pods that declare no controller (use --force to override)");
      for (const p of bare) expect(refused.stderr).toContain(`${p.metadata.namespace}/${p.metadata.name}`);
      expect((await onNode()).map((p) => p.metadata.uid).sort()).toEqual(before.map((p) => p.metadata.uid).sort());
      args.push("--force");
    }
    const out = await withClock(() => ok(args));
    expect(out).toContain(`node/${node} drained`);

    const after = await onNode();
    // The quarantined pod stays (excluded by the selector, never evicted); DaemonSet pods stay.
    expect(after.find((p) => p.metadata.uid === pod.metadata.uid)).toBeDefined();
    for (const p of after) {
      const isQuarantined = p.metadata.uid === pod.metadata.uid;
      expect(isQuarantined || controllerKind(p) === "DaemonSet", `${p.metadata.name} left on the drained node`).toBe(true);
    }
    for (const p of before.filter((x) => x.metadata.uid !== pod.metadata.uid && controllerKind(x) !== "DaemonSet")) {
      expect(out).toContain(`pod/${p.metadata.name} evicted`);
    }
    // The checkout budget held: the other checkout pod still runs.
    const checkout = (await podsWhere("labelSelector=app%3Dcheckout")).filter((p) => p.metadata.uid !== pod.metadata.uid && !p.metadata.deletionTimestamp);
    expect(checkout.length).toBeGreaterThanOrEqual(1);
  });

  it("kubectl label pod <pod_name> <label_key>- (each label that binds it to its ReplicaSet)", async () => {
    const current = await get(`/api/v1/namespaces/${NS}/pods/${pod.metadata.name}`);
    const owner = current.metadata.ownerReferences?.find((r) => r.controller);
    expect(owner?.kind).toBe("ReplicaSet");
    const rs = await get(`/apis/apps/v1/namespaces/${NS}/replicasets/${owner!.name}`);
    const keys = Object.keys(rs.spec.selector.matchLabels ?? {});
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(await ok(["label", "pod", pod.metadata.name, `${key}-`, "-n", NS])).toContain(`pod/${pod.metadata.name} unlabeled`);
    }
    const released = await get(`/api/v1/namespaces/${NS}/pods/${pod.metadata.name}`);
    for (const key of keys) expect(released.metadata.labels?.[key]).toBeUndefined();
    expect(released.metadata.labels?.quarantine).toBe("true");
    // ERRATA 5: the ReplicaSet releases it and starts a replacement.
    await eventually(async () => {
      const p = await get(`/api/v1/namespaces/${NS}/pods/${pod.metadata.name}`);
      expect(p.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid) ?? false).toBe(false);
      const selector = encodeURIComponent(keys.map((k) => `${k}=${rs.spec.selector.matchLabels[k]}`).join(","));
      const members = (await podsWhere(`labelSelector=${selector}`)).filter((x) => !x.metadata.deletionTimestamp);
      expect(members.map((x) => x.metadata.uid)).not.toContain(pod.metadata.uid);
      expect(members).toHaveLength(rs.spec.replicas);
    });
  });

  it("kubectl apply -f <yaml_file>: the playbook's policy is rejected (ERRATA 1), the quoted one applies", async () => {
    const asWritten = path.join(workdir, "default-deny.yaml");
    fs.writeFileSync(asWritten, PLAYBOOK_POLICY);
    const rejected = await kubectl(["apply", "-f", asWritten, "-n", NS]);
    expect(rejected.code).not.toBe(0);
    expect(rejected.stderr).toContain(
      `Error from server (BadRequest): error when creating "${asWritten}": NetworkPolicy in version "v1" cannot be handled as a NetworkPolicy: json: ${ERRATA_1}`,
    );
    expect(await exists(`/apis/networking.k8s.io/v1/namespaces/${NS}/networkpolicies/default-deny`)).toBe(false);

    const quoted = path.join(workdir, "default-deny-quoted.yaml");
    fs.writeFileSync(quoted, PLAYBOOK_POLICY.replace("quarantine: true", 'quarantine: "true"'));
    expect(await ok(["apply", "-f", quoted, "-n", NS])).toContain("networkpolicy.networking.k8s.io/default-deny created");
    const policy = await get(`/apis/networking.k8s.io/v1/namespaces/${NS}/networkpolicies/default-deny`);
    expect(policy.spec.podSelector.matchLabels).toEqual({ quarantine: "true" });
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);

    // kubectl get networkpolicies
    const listed = await ok(["get", "networkpolicies", "-n", NS]);
    expect(listed).toMatch(/^NAME\s+POD-SELECTOR\s+AGE$/m);
    expect(listed).toMatch(/^default-deny\s+quarantine=true\s/m);
  });

  it("kubectl get services", async () => {
    const out = await ok(["get", "services", "-n", NS]);
    expect(out).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    const services = (await get(`/api/v1/namespaces/${NS}/services`)).items ?? [];
    expect(services.length).toBeGreaterThan(0);
    for (const s of services) expect(out).toMatch(new RegExp(`^${s.metadata.name}\\s+${s.spec.type}\\s`, "m"));
  });

  it("kubectl delete service <service_name> (the LoadBalancer that exposes the workload)", async () => {
    const services = (await get(`/api/v1/namespaces/${NS}/services`)).items ?? [];
    const lb = services.find((s) => s.spec.type === "LoadBalancer");
    expect(lb).toBeDefined();
    expect(await withClock(() => ok(["delete", "service", lb!.metadata.name, "-n", NS]))).toContain(`service "${lb!.metadata.name}" deleted`);
    expect(await exists(`/api/v1/namespaces/${NS}/services/${lb!.metadata.name}`)).toBe(false);
  });

  it(`kubectl patch service <service_name> -p '{"spec":{"selector":{"<key>": "<value>"}}}' (endpoints follow)`, async () => {
    const svc = await get(`/api/v1/namespaces/${NS}/services/checkout`);
    const out = await ok(["patch", "service", "checkout", "-n", NS, "-p", '{"spec":{"selector":{"tier": "backend"}}}']);
    expect(out).toContain("service/checkout patched");
    const patched = await get(`/api/v1/namespaces/${NS}/services/checkout`);
    // A strategic merge patch merges maps: the old selector keys stay.
    expect(patched.spec.selector).toEqual({ ...svc.spec.selector, tier: "backend" });
    const selector = encodeURIComponent(
      Object.entries(patched.spec.selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
    );
    await eventually(async () => {
      const members = (await podsWhere(`labelSelector=${selector}`)).filter((p) => p.status?.podIP && !p.metadata.deletionTimestamp);
      const ep = await get(`/api/v1/namespaces/${NS}/endpoints/checkout`);
      const ips = ((ep.subsets as { addresses?: { ip: string }[] }[] | undefined) ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
      expect(ips.sort()).toEqual(members.map((p) => p.status.podIP).sort());
      expect(ips).not.toContain(pod.status.podIP);
    });
  });

  it("kubectl scale --replicas=0 deployment.apps/<deployment_name>", async () => {
    expect(await ok(["scale", "--replicas=0", "deployment.apps/frontend", "-n", NS])).toContain("deployment.apps/frontend scaled");
    expect((await get(`/apis/apps/v1/namespaces/${NS}/deployments/frontend`)).spec.replicas).toBe(0);
    await eventually(async () => {
      expect(await podsWhere("labelSelector=app%3Dfrontend")).toHaveLength(0);
    });
  });

  it('kubectl exec -it <pod_name> -c <container_name> -- /bin/sh -c "kill 1" (restarts the container)', async () => {
    const before = await get(`/api/v1/namespaces/${NS}/pods/${pod.metadata.name}`);
    const restarts = (p: KObject) => (p.status.containerStatuses as { name: string; restartCount: number }[]).find((c) => c.name === container)!.restartCount;
    const r = await kubectl(["exec", "-it", pod.metadata.name, "-n", NS, "-c", container, "--", "/bin/sh", "-c", "kill 1"]);
    expect(r.code, r.stderr).toBe(0);
    await eventually(async () => {
      const after = await get(`/api/v1/namespaces/${NS}/pods/${pod.metadata.name}`);
      expect(restarts(after)).toBe(restarts(before) + 1);
      const status = (after.status.containerStatuses as { name: string; lastState?: { terminated?: unknown } }[]).find((c) => c.name === container)!;
      expect(status.lastState?.terminated).toBeDefined();
    });
  });

  it("kubectl delete pod <pod_name>", async () => {
    expect(await withClock(() => ok(["delete", "pod", pod.metadata.name, "-n", NS]))).toContain(`pod "${pod.metadata.name}" deleted`);
    expect(await exists(`/api/v1/namespaces/${NS}/pods/${pod.metadata.name}`)).toBe(false);
  });

  it("kubectl delete pod -l <selector>", async () => {
    const cache = await podsWhere("labelSelector=app%3Dcache");
    expect(cache.length).toBeGreaterThan(0);
    const out = await withClock(() => ok(["delete", "pod", "-l", "app=cache", "-n", NS]));
    for (const p of cache) expect(out).toContain(`pod "${p.metadata.name}" deleted`);
    const left = await podsWhere("labelSelector=app%3Dcache");
    for (const p of cache) expect(left.map((x) => x.metadata.uid)).not.toContain(p.metadata.uid);
  });

  it("kubectl delete <high_level_construct> <name> (deployment: its ReplicaSets and pods go too)", async () => {
    const deployment = await get(`/apis/apps/v1/namespaces/${NS}/deployments/checkout`);
    const replicaSets = ((await get(`/apis/apps/v1/namespaces/${NS}/replicasets`)).items ?? []).filter((rs) =>
      rs.metadata.ownerReferences?.some((o) => o.uid === deployment.metadata.uid),
    );
    expect(replicaSets.length).toBeGreaterThan(0);
    expect(await withClock(() => ok(["delete", "deployment", "checkout", "-n", NS]))).toContain('deployment.apps "checkout" deleted');
    expect(await exists(`/apis/apps/v1/namespaces/${NS}/deployments/checkout`)).toBe(false);
    for (const rs of replicaSets) expect(await exists(`/apis/apps/v1/namespaces/${NS}/replicasets/${rs.metadata.name}`)).toBe(false);
    const rsUids = new Set(replicaSets.map((rs) => rs.metadata.uid));
    await eventually(async () => {
      const pods = (await get(`/api/v1/namespaces/${NS}/pods`)).items ?? [];
      expect(pods.filter((p) => p.metadata.ownerReferences?.some((o) => rsUids.has(o.uid)))).toHaveLength(0);
    });
  });
});
