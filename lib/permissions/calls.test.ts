import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { STEPS } from "@/lib/containment/steps";
import { gcpCallsIn, kubeCallOf, kubeCallsIn, type KubeCall } from "./calls";
import { GCP_READS, KUBE_READS, READ_MODULES } from "./reads";
import { ruleResource } from "./rules";

const ROOT = path.resolve(__dirname, "..", "..");
const STEP_DIR = path.join(ROOT, "lib/containment/steps");

function sourceFiles(entry: string): string[] {
  const abs = path.join(ROOT, entry);
  if (fs.statSync(abs).isFile()) return [abs];
  return fs
    .readdirSync(abs)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => path.join(abs, f));
}

const key = (c: Pick<KubeCall, "verb" | "group" | "resource" | "subresource">) => `${c.verb} ${c.group ?? ""}/${ruleResource(c)}`;

describe("kubeCallOf", () => {
  it("reads client-node method names as RBAC verbs, resources and subresources", () => {
    expect(kubeCallOf("readNamespacedPodLog")).toEqual({ verb: "get", resource: "pods", group: "", subresource: "log" });
    expect(kubeCallOf("listPodForAllNamespaces")).toEqual({ verb: "list", resource: "pods", group: "" });
    expect(kubeCallOf("createNamespacedPodEviction")).toEqual({ verb: "create", resource: "pods", group: "", subresource: "eviction" });
    expect(kubeCallOf("patchNamespacedStatefulSetScale")).toEqual({ verb: "patch", resource: "statefulsets", group: "apps", subresource: "scale" });
    expect(kubeCallOf("listNode")).toEqual({ verb: "list", resource: "nodes", group: "" });
    expect(kubeCallOf("deleteNamespacedJob")).toEqual({ verb: "delete", resource: "jobs", group: "batch" });
    expect(kubeCallOf("readFileSync")).toBeNull();
  });

  it("finds exec and the step helpers that call on a step's behalf", () => {
    const calls = kubeCallsIn("await readIncidentPod(ctx); new Exec(kc).exec(); fs.readFileSync(x)").map(key);
    expect(calls).toEqual(["get /pods", "create /pods/exec", "get /pods/exec"]);
  });

  it("maps Compute operations and GKE listing to permissions", () => {
    expect(gcpCallsIn("c.instances.setTags({}); c.firewalls.insert({}); x.listClusters({}); instances.testIamPermissions({})")).toEqual([
      ["compute.instances.setTags"],
      ["compute.firewalls.create"],
      ["container.clusters.list"],
    ]);
    expect(
      gcpCallsIn("c.instanceGroupManagers.abandonInstances({}); c.setNodePoolManagement({}); await readNodePool(p); await waitGkeOperation(op, w)"),
    ).toEqual([["compute.instanceGroupManagers.update"], ["container.clusters.get"], ["container.clusters.update"], ["container.operations.get"]]);
  });
});

describe("declared permissions cover every API call", () => {
  const stepFiles = fs.readdirSync(STEP_DIR).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "index.ts");

  it.each(stepFiles)("step %s declares what it calls in needs", (file) => {
    const source = fs.readFileSync(path.join(STEP_DIR, file), "utf8");
    const id = /\bid: "([^"]+)"/.exec(source)?.[1];
    const step = STEPS.find((s) => s.id === id);
    expect(step, `no registered step with id ${id} (${file})`).toBeDefined();
    const declaredKube = new Set((step!.needs?.kube ?? []).map((n) => key({ ...n, group: n.group ?? "" })));
    const missingKube = [...new Set(kubeCallsIn(source).map(key))].filter((k) => !declaredKube.has(k));
    expect(missingKube.join("; "), `${file} calls these without declaring them in needs.kube`).toBe("");
    const declaredGcp = new Set(step!.needs?.gcp ?? []);
    const missingGcp = gcpCallsIn(source).filter((anyOf) => !anyOf.some((p) => declaredGcp.has(p)));
    expect(missingGcp.map((p) => p.join("|")).join("; "), `${file} calls these without declaring them in needs.gcp`).toBe("");
  });

  it("the browse, target and preflight reads cover their modules' calls", () => {
    const declaredKube = new Set(KUBE_READS.map((n) => key({ ...n, group: n.group ?? "" })));
    const declaredGcp = new Set(GCP_READS.map((r) => r.permission));
    const missing: string[] = [];
    for (const file of READ_MODULES.flatMap(sourceFiles)) {
      const source = fs.readFileSync(file, "utf8");
      for (const k of new Set(kubeCallsIn(source).map(key))) if (!declaredKube.has(k)) missing.push(`${path.relative(ROOT, file)}: ${k}`);
      for (const anyOf of gcpCallsIn(source)) if (!anyOf.some((p) => declaredGcp.has(p))) missing.push(`${path.relative(ROOT, file)}: ${anyOf.join("|")}`);
    }
    expect(missing).toEqual([]);
  });
});
