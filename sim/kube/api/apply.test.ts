import { describe, expect, it } from "vitest";
import { ApiError } from "../errors";
import { fieldsOf, pathString, recordUpdate, serverSideApply, type ManagedFieldsEntry } from "./apply";
import { patchMetaFor } from "./patch";

const meta = patchMetaFor("apps/deployments");
const T = "2026-01-01T00:00:00Z";
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- objects as the API serves them
type Json = Record<string, any>;

const deployment = (containers: Json[], extra: Json = {}): Json => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "d", namespace: "n" },
  spec: { template: { spec: { containers } }, ...extra },
});
const apply = (current: Json | undefined, applied: Json, manager = "a", force = false) =>
  serverSideApply({ current, applied, manager, force, meta, apiVersion: "apps/v1", time: T }) as Json;

describe("server-side apply field sets", () => {
  it("keys containers by name and ports by containerPort, and leaves identity fields unowned", () => {
    const f = fieldsOf(deployment([{ name: "c", image: "i", ports: [{ containerPort: 80 }], args: ["x"] }]), meta);
    expect(f).toEqual({
      "f:spec": {
        "f:template": {
          "f:spec": {
            "f:containers": {
              'k:{"name":"c"}': {
                ".": {},
                "f:name": {},
                "f:image": {},
                "f:ports": { 'k:{"containerPort":80}': { ".": {}, "f:containerPort": {} } },
                "f:args": {},
              },
            },
          },
        },
      },
    });
    expect(pathString(["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"c"}', "f:image"])).toBe('.spec.template.spec.containers[name="c"].image');
  });

  it("removes what a manager stops applying, but not what another manager also owns", () => {
    let obj = apply(
      undefined,
      deployment(
        [
          { name: "c", image: "i" },
          { name: "side", image: "s" },
        ],
        { paused: true },
      ),
    );
    const entries = recordUpdate(obj, { ...obj, spec: { ...obj.spec, paused: true } }, "b", meta, "apps/v1", T);
    expect(entries.map((e) => e.manager)).toEqual(["a"]); // same value: nothing changed hands
    obj.metadata.managedFields = [
      ...obj.metadata.managedFields,
      {
        manager: "b",
        operation: "Update",
        apiVersion: "apps/v1",
        time: T,
        fieldsType: "FieldsV1",
        fieldsV1: { "f:spec": { "f:paused": {} } },
      } satisfies ManagedFieldsEntry,
    ];
    obj = apply(obj, deployment([{ name: "c", image: "i2" }]));
    expect(obj.spec.template.spec.containers).toEqual([{ name: "c", image: "i2" }]);
    expect(obj.spec.paused).toBe(true);
  });

  it("refuses to change another manager's field without force, naming manager and path", () => {
    const obj = apply(undefined, deployment([{ name: "c", image: "i" }]), "first");
    let err: unknown;
    try {
      apply(obj, deployment([{ name: "c", image: "other" }]), "second");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(409);
    expect((err as ApiError).message).toBe('Apply failed with 1 conflict: conflict with "first" using apps/v1: .spec.template.spec.containers[name="c"].image');
    const forced = apply(obj, deployment([{ name: "c", image: "other" }]), "second", true);
    expect(forced.spec.template.spec.containers[0].image).toBe("other");
    const first = forced.metadata.managedFields.find((e: Json) => e.manager === "first");
    expect(first.fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"c"}']).toEqual({ ".": {}, "f:name": {} });
  });

  it("records an Update's changed fields for its manager and takes them from others", () => {
    const obj = apply(undefined, deployment([{ name: "c", image: "i" }], { replicas: 1 }));
    const next = structuredClone(obj);
    next.spec.replicas = 4;
    const entries = recordUpdate(obj, next, "scaler", meta, "apps/v1", T);
    expect(entries.find((e) => e.manager === "scaler")?.fieldsV1).toEqual({ "f:spec": { "f:replicas": {} } });
    expect(entries.find((e) => e.manager === "a")?.fieldsV1["f:spec"]["f:replicas"]).toBeUndefined();
  });
});
