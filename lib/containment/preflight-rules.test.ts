import type { V1NetworkPolicy, V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { blockingPdbs, defeatingPolicies, evidenceAdvice, nodePodFacts, podGoneMessage, podRemoval, stepReadiness, needKey } from "./preflight-rules";
import type { IncidentTargets } from "./types";

const np = (name: string, spec: V1NetworkPolicy["spec"]): V1NetworkPolicy => ({ metadata: { name, namespace: "shop" }, spec });
const pod = (name: string, extra: Partial<V1Pod> & { labels?: Record<string, string>; ns?: string } = {}): V1Pod => ({
  metadata: {
    name,
    namespace: extra.ns ?? "shop",
    labels: extra.labels,
    ownerReferences: extra.metadata?.ownerReferences,
    annotations: extra.metadata?.annotations,
  },
  spec: { containers: [], ...extra.spec },
  status: { phase: "Running" },
});
const rs = (name: string) => ({ metadata: { ownerReferences: [{ kind: "ReplicaSet", name, apiVersion: "apps/v1", uid: "u", controller: true }] } });

describe("defeatingPolicies (ERRATA 3)", () => {
  const labels = { app: "checkout" };
  it("names an allow policy that selects the pod and ignores the deny-all and excluded ones", () => {
    const out = defeatingPolicies(
      [
        np("allow-checkout-from-frontend", {
          podSelector: { matchLabels: { app: "checkout" } },
          ingress: [{ _from: [{ podSelector: { matchLabels: { app: "frontend" } } }] }],
        }),
        np("airlock-deny-all", { podSelector: { matchLabels: { quarantine: "true" } }, policyTypes: ["Ingress", "Egress"] }),
        np("excluded", {
          podSelector: { matchLabels: { app: "checkout" }, matchExpressions: [{ key: "quarantine", operator: "NotIn", values: ["true"] }] },
          ingress: [{}],
        }),
        np("other-app", { podSelector: { matchLabels: { app: "frontend" } }, ingress: [{}] }),
        np("egress-open", { podSelector: {}, policyTypes: ["Egress"], egress: [{}] }),
      ],
      labels,
    );
    expect(out).toEqual([
      { name: "allow-checkout-from-frontend", directions: ["ingress"] },
      { name: "egress-open", directions: ["egress"] },
    ]);
  });
});

describe("nodePodFacts and blockingPdbs (ERRATA 6)", () => {
  const pods = [
    pod("checkout-1", { ...rs("checkout-abc"), labels: { app: "checkout" } }),
    pod("fluentbit-x", {
      ns: "kube-system",
      metadata: { ownerReferences: [{ kind: "DaemonSet", name: "fluentbit", apiVersion: "apps/v1", uid: "d", controller: true }] },
    }),
    pod("cache-1", { ...rs("cache-abc"), labels: { app: "cache" }, spec: { containers: [], volumes: [{ name: "scratch", emptyDir: {} }] } }),
    pod("debug", { labels: { app: "debug" } }),
    pod("kube-proxy", { ns: "kube-system", metadata: { annotations: { "kubernetes.io/config.mirror": "x" } } }),
  ];
  it("never counts the quarantined pod, skips DaemonSet and mirror pods, names emptyDir and bare pods", () => {
    const f = nodePodFacts(pods, { namespace: "shop", pod: "checkout-1" });
    expect(f.daemonSet).toEqual(["kube-system/fluentbit-x"]);
    expect(f.mirror).toEqual(["kube-system/kube-proxy"]);
    expect(f.emptyDir).toEqual(["shop/cache-1"]);
    expect(f.bare).toEqual(["shop/debug"]);
    expect(f.evictable).toEqual(["shop/cache-1", "shop/debug"]);
  });
  it("names budgets at zero that cover evictable pods", () => {
    const f = nodePodFacts(pods, { namespace: "shop", pod: "checkout-1" });
    const pdb = (name: string, app: string, allowed: number): V1PodDisruptionBudget => ({
      metadata: { name, namespace: "shop" },
      spec: { selector: { matchLabels: { app } } },
      status: { disruptionsAllowed: allowed, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
    });
    expect(blockingPdbs([pdb("cache-pdb", "cache", 0), pdb("debug-pdb", "debug", 1), pdb("checkout-pdb", "checkout", 0)], pods, f.evictable)).toEqual([
      { namespace: "shop", name: "cache-pdb", pods: ["shop/cache-1"] },
    ]);
  });
});

describe("stepReadiness", () => {
  const targets: IncidentTargets = {
    cluster: "c",
    namespace: "shop",
    pod: "p",
    podUid: "u",
    node: "n",
    instance: null,
    network: null,
    ownerChain: [],
    services: [],
    networkPolicies: [],
    containers: ["app"],
  };
  const base = { targets, enforced: false, enforcementReason: "Dataplane V1 without Calico", kubeAllowed: new Map(), gcpGranted: new Map() };
  it("refuses policy steps where nothing enforces them, and never suggests enabling enforcement", () => {
    const r = stepReadiness({ id: "apply-deny-all", needs: { networkPolicyEnforced: true } }, base);
    expect(r.ok).toBe(false);
    expect(r.reasons[0]).toMatch(/not enforced/);
    expect(r.reasons[0]).toMatch(/Do not enable it now/);
    expect(stepReadiness({ id: "apply-deny-all", needs: { networkPolicyEnforced: true } }, { ...base, enforced: true }).ok).toBe(true);
  });
  it("names missing instance, controller and permissions", () => {
    const need = { verb: "patch", resource: "nodes" };
    const r = stepReadiness(
      { id: "x", needs: { instance: true, controller: true, kube: [need], gcp: ["compute.instances.setTags", "compute.firewalls.create"] } },
      {
        ...base,
        kubeAllowed: new Map([[needKey(need), { allowed: false }]]),
        gcpGranted: new Map([
          ["compute.instances.setTags", false],
          ["compute.firewalls.create", null],
        ]),
      },
    );
    expect(r.ok).toBe(false);
    expect(r.reasons).toHaveLength(4);
    expect(r.reasons.join(" ")).toMatch(/patch nodes/);
    expect(r.reasons.join(" ")).toMatch(/compute\.instances\.setTags/);
    expect(r.reasons.join(" ")).not.toMatch(/firewalls/);
  });
  it("passes a step with no needs", () => {
    expect(stepReadiness({ id: "collect-evidence" }, base)).toEqual({ stepId: "collect-evidence", ok: true, reasons: [] });
  });
});

describe("a pod that is gone", () => {
  const steps: Record<string, { stage: "eradicate" | "evidence"; risk: "destructive" | "read-only" }> = {
    "delete-pod": { stage: "eradicate", risk: "destructive" },
    "node-runtime-commands": { stage: "eradicate", risk: "read-only" },
    "collect-evidence": { stage: "evidence", risk: "read-only" },
  };
  const run = (step_id: string, status = "succeeded") => ({
    step_id,
    operation: "execute",
    status,
    actor: "analyst@demo.local",
    started_at: "2030-01-01T00:00:00.000Z",
    finished_at: "2030-01-01T00:00:02.000Z",
  });
  const lookup = (id: string) => steps[id];

  it("is said in words, with the step that deleted it where the incident's runs show one", () => {
    const by = podRemoval([run("collect-evidence"), run("delete-pod"), run("node-runtime-commands")], lookup);
    expect(by).toEqual({ stepId: "delete-pod", actor: "analyst@demo.local", at: "2030-01-01T00:00:02.000Z" });
    expect(podGoneMessage({ namespace: "shop", pod: "x" }, by)).toBe(
      "Pod shop/x no longer exists (deleted at 2030-01-01T00:00:02.000Z by step delete-pod, run by analyst@demo.local).",
    );
    expect(podRemoval([run("delete-pod", "failed")], lookup)).toBeNull();
    expect(podGoneMessage({ namespace: "shop", pod: "x" }, null)).toMatch(/^Pod shop\/x no longer exists \(removed outside Airlock/);
    expect(podGoneMessage({ namespace: "shop", pod: "x" }, null)).not.toMatch(/not found/);
  });
});

describe("the auto-repair finding's advice", () => {
  it("asks only for what this incident has not done yet", () => {
    expect(evidenceAdvice({ snapshot: false, evidence: false })).toBe("Snapshot the node's disk and collect evidence first.");
    expect(evidenceAdvice({ snapshot: true, evidence: false })).not.toMatch(/[Ss]napshot the node's disk/);
    expect(evidenceAdvice({ snapshot: false, evidence: true })).toMatch(/snapshot the node's disk first/);
    expect(evidenceAdvice({ snapshot: true, evidence: true })).toMatch(/already snapshotted and evidence collected/);
  });
});
