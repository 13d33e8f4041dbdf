import { describe, expect, it } from "vitest";
import type { StepDefinition } from "@/lib/containment/types";
import { GCP_READS, KUBE_READS } from "./reads";
import { gcpPermissions, gcpUses, kubeRules, kubeUses, onlyChanges, onlyDestructive } from "./rules";

type FakeStep = Pick<StepDefinition, "id" | "title" | "risk" | "needs">;

const wipe: FakeStep = {
  id: "wipe",
  title: "Wipe",
  risk: "destructive",
  needs: {
    kube: [
      { verb: "delete", resource: "deployments", group: "apps" },
      { verb: "patch", resource: "statefulsets", group: "apps", subresource: "scale" },
      { verb: "create", resource: "pods", subresource: "exec" },
    ],
    gcp: ["compute.instances.delete", "compute.instances.delete"],
  },
};
const look: FakeStep = {
  id: "look",
  title: "Look",
  risk: "read-only",
  needs: {
    kube: [
      { verb: "watch", resource: "pods" },
      { verb: "get", resource: "deployments", group: "apps" },
    ],
    gcp: ["compute.instances.get"],
  },
};

describe("kubeRules", () => {
  it("unions the reads and every step's needs into one rule per group and resource, verbs sorted", () => {
    const rules = kubeRules([wipe, look]);
    expect(rules.find((r) => r.apiGroups[0] === "" && r.resources[0] === "pods")?.verbs).toEqual(["get", "list", "watch"]);
    expect(rules.find((r) => r.apiGroups[0] === "apps" && r.resources[0] === "deployments")?.verbs).toEqual(["delete", "get"]);
    for (const r of rules) {
      expect(r.apiGroups).toHaveLength(1);
      expect(r.resources).toHaveLength(1);
      expect(r.verbs).toEqual([...r.verbs].sort());
      expect(new Set(r.verbs).size).toBe(r.verbs.length);
    }
  });

  it("names subresources the RBAC way", () => {
    const resources = kubeRules([wipe]).map((r) => `${r.apiGroups[0]}/${r.resources[0]}`);
    expect(resources).toContain("apps/statefulsets/scale");
    expect(resources).toContain("/pods/exec");
    expect(resources).toContain("/pods/log");
  });

  it("orders rules by group then resource, the core group first", () => {
    const keys = kubeRules([wipe, look]).map((r) => [r.apiGroups[0], r.resources[0]] as const);
    const sorted = [...keys].sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
    expect(keys).toEqual(sorted);
    expect(keys[0][0]).toBe("");
  });

  it("without steps is exactly the browse, target and preflight reads", () => {
    const uses = kubeUses([]);
    expect(uses).toHaveLength(KUBE_READS.length);
    expect(uses.every((u) => u.users.every((x) => x.kind === "read"))).toBe(true);
  });

  it("the real steps add what containment needs beyond reading", () => {
    const rules = kubeRules();
    const verbs = (group: string, resource: string) => rules.find((r) => r.apiGroups[0] === group && r.resources[0] === resource)?.verbs ?? [];
    expect(verbs("", "nodes")).toContain("patch");
    expect(verbs("", "pods/eviction")).toEqual(["create"]);
    expect(verbs("apps", "deployments/scale")).toEqual(["get", "patch"]);
    expect(verbs("apps", "statefulsets/scale")).toEqual(["get", "patch"]);
    expect(verbs("networking.k8s.io", "networkpolicies")).toEqual(["create", "delete", "get", "list", "patch"]);
    // Least privilege: Airlock never needs these.
    expect(rules.some((r) => r.verbs.includes("*") || r.verbs.includes("watch"))).toBe(false);
    // Secrets only for revoke-credentials: finding a KSA's legacy token Secrets (list), keeping
    // their manifest as evidence (get) and deleting them; never update or create.
    expect(verbs("", "secrets")).toEqual(["delete", "get", "list"]);
  });
});

describe("who needs what", () => {
  it("marks verbs that only destructive steps use, and not those a page or a milder step also uses", () => {
    const uses = kubeUses([wipe, look]);
    const use = (group: string, resource: string, verb: string) => uses.find((u) => u.group === group && u.resource === resource && u.verb === verb)!;
    expect(onlyDestructive(use("apps", "deployments", "delete").users)).toBe(true);
    expect(onlyDestructive(use("", "pods/exec", "create").users)).toBe(true);
    expect(onlyDestructive(use("apps", "deployments", "get").users)).toBe(false);
    expect(onlyChanges(use("", "pods", "watch").users)).toBe(false);
  });
});

describe("gcpPermissions", () => {
  it("unions the reads and every step's gcp needs, sorted and without repeats", () => {
    const perms = gcpPermissions([wipe, look]);
    expect(perms).toEqual([...new Set(perms)].sort());
    expect(perms).toContain("compute.instances.delete");
    for (const r of GCP_READS) expect(perms).toContain(r.permission);
    expect(gcpUses([wipe]).find((u) => u.permission === "compute.instances.delete")?.users).toHaveLength(1);
  });

  it("covers GKE discovery and the node-VM steps", () => {
    const perms = gcpPermissions();
    for (const p of [
      "container.clusters.list",
      "compute.instances.get",
      "compute.instances.setTags",
      "compute.firewalls.create",
      "compute.disks.createSnapshot",
    ]) {
      expect(perms).toContain(p);
    }
  });
});
