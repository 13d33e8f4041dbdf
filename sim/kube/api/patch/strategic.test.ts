import { describe, expect, it } from "vitest";
import { applyStrategicMergePatch, patchMetaFor } from "./strategic";

const pod = () => ({
  metadata: {
    name: "p",
    labels: { app: "web" },
    finalizers: ["a"],
    ownerReferences: [{ uid: "u1", kind: "ReplicaSet", name: "rs" }],
  },
  spec: {
    containers: [
      {
        name: "web",
        image: "nginx:1",
        env: [
          { name: "A", value: "1" },
          { name: "B", value: "2" },
        ],
        ports: [{ containerPort: 80 }],
        volumeMounts: [{ name: "d", mountPath: "/d" }],
      },
      { name: "sidecar", image: "envoy:1" },
    ],
    volumes: [{ name: "d", emptyDir: {} }],
    tolerations: [{ key: "a", operator: "Exists" }],
  },
  status: {
    conditions: [
      { type: "Ready", status: "True" },
      { type: "Initialized", status: "True" },
    ],
  },
});
const smp = (patch: unknown, key = "pods") => applyStrategicMergePatch(pod(), patch, patchMetaFor(key));

describe("strategic merge patch", () => {
  it("merges containers by name, env by name, ports by containerPort", () => {
    const out = smp({
      spec: {
        containers: [
          {
            name: "web",
            image: "nginx:2",
            env: [
              { name: "B", value: "3" },
              { name: "C", value: "4" },
            ],
            ports: [{ containerPort: 8080 }],
          },
        ],
      },
    });
    expect(out.spec.containers).toHaveLength(2);
    expect(out.spec.containers[0].image).toBe("nginx:2");
    expect(out.spec.containers[0].env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "3" },
      { name: "C", value: "4" },
    ]);
    expect(out.spec.containers[0].ports).toEqual([{ containerPort: 80 }, { containerPort: 8080 }]);
    expect(out.spec.containers[1]).toEqual({ name: "sidecar", image: "envoy:1" });
  });

  it("replaces lists without a merge key (tolerations) and merges conditions by type", () => {
    const out = smp({ spec: { tolerations: [{ key: "b", operator: "Exists" }] }, status: { conditions: [{ type: "Ready", status: "False" }] } });
    expect(out.spec.tolerations).toEqual([{ key: "b", operator: "Exists" }]);
    expect(out.status.conditions).toEqual([
      { type: "Ready", status: "False" },
      { type: "Initialized", status: "True" },
    ]);
  });

  it("deletes keys with null and list items with $patch: delete", () => {
    const out = smp({ metadata: { labels: { app: null, quarantine: "true" } }, spec: { containers: [{ name: "sidecar", $patch: "delete" }] } });
    expect(out.metadata.labels).toEqual({ quarantine: "true" });
    expect(out.spec.containers.map((c: { name: string }) => c.name)).toEqual(["web"]);
  });

  it("merges ownerReferences by uid and finalizers as a set, with $deleteFromPrimitiveList", () => {
    const out = smp({ metadata: { ownerReferences: [{ uid: "u1", $patch: "delete" }], finalizers: ["b", "a"], "$deleteFromPrimitiveList/finalizers": ["a"] } });
    expect(out.metadata.ownerReferences).toEqual([]);
    expect(out.metadata.finalizers).toEqual(["b"]);
  });

  it("honours $patch: replace on maps and lists", () => {
    const out = smp({
      metadata: { labels: { $patch: "replace", only: "this" } },
      spec: { containers: [{ $patch: "replace" }, { name: "solo", image: "busybox" }] },
    });
    expect(out.metadata.labels).toEqual({ only: "this" });
    expect(out.spec.containers).toEqual([{ name: "solo", image: "busybox" }]);
  });

  it("orders merged lists by $setElementOrder, as kubectl apply sends it", () => {
    const out = smp({
      spec: {
        "$setElementOrder/containers": [{ name: "sidecar" }, { name: "web" }, { name: "new" }],
        containers: [{ name: "new", image: "x" }],
      },
    });
    expect(out.spec.containers.map((c: { name: string }) => c.name)).toEqual(["sidecar", "web", "new"]);
  });

  it("clears keys outside $retainKeys (Deployment strategy)", () => {
    const deployment = { spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%" } } } };
    const out = applyStrategicMergePatch(deployment, { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } }, patchMetaFor("apps/deployments"));
    expect(out.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("merges Service ports by port and maps (selector) key by key", () => {
    const svc = { spec: { selector: { app: "checkout" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] } };
    const out = applyStrategicMergePatch(svc, { spec: { selector: { tier: "backend" }, ports: [{ port: 80, targetPort: 9090 }] } }, patchMetaFor("services"));
    expect(out.spec.selector).toEqual({ app: "checkout", tier: "backend" });
    expect(out.spec.ports).toEqual([{ name: "http", port: 80, targetPort: 9090 }]);
  });

  it("rejects a merge-list item without its merge key", () => {
    expect(() => smp({ spec: { containers: [{ image: "x" }] } })).toThrowError(expect.objectContaining({ code: 400 }));
  });
});
