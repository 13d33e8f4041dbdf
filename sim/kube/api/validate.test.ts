import { describe, expect, it } from "vitest";
import { resourceType } from "../resources";
import type { KObject } from "../types";
import { validateObject, validateUpdate } from "./validate";

const obj = (o: Partial<KObject>): KObject => ({ apiVersion: "v1", kind: "X", metadata: { name: "ok" }, ...o }) as KObject;
const causesOf = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return (err as { code: number; details: { causes: { field: string; message: string }[] } }).details.causes;
  }
  return [];
};

describe("validation", () => {
  const pods = resourceType("pods");
  const pod = (name: string, spec: unknown = { containers: [{ name: "c", image: "i" }] }) => obj({ metadata: { name }, spec });

  it("checks names per kind: subdomain for pods, DNS-1035 label for services, label for namespaces", () => {
    expect(causesOf(() => validateObject(pods, pod("web.v1")))).toEqual([]);
    const bad = causesOf(() => validateObject(pods, pod("Web")));
    expect(bad[0]).toMatchObject({ field: "metadata.name", message: expect.stringContaining('Invalid value: "Web": a lowercase RFC 1123 subdomain') });
    expect(causesOf(() => validateObject(resourceType("services"), obj({ metadata: { name: "1svc" }, spec: { ports: [{ port: 80 }] } })))[0].message).toContain(
      "a DNS-1035 label",
    );
    expect(causesOf(() => validateObject(resourceType("namespaces"), obj({ metadata: { name: "a.b" } })))[0].message).toContain("a lowercase RFC 1123 label");
  });

  it("checks label keys and values, 63 characters at most", () => {
    const causes = causesOf(() =>
      validateObject(pods, obj({ metadata: { name: "p", labels: { "bad key": "x", ok: "v".repeat(64) } }, spec: { containers: [{ name: "c", image: "i" }] } })),
    );
    expect(causes.map((c) => c.field)).toEqual(["metadata.labels", "metadata.labels"]);
    expect(causes[1].message).toContain("must be no more than 63 characters");
  });

  it("answers 422 with field causes for required fields", () => {
    let error: { code?: number; reason?: string; message?: string } = {};
    try {
      validateObject(pods, pod("p", { containers: [{ name: "c" }] }));
    } catch (err) {
      error = err as typeof error;
    }
    expect(error).toMatchObject({ code: 422, reason: "Invalid", message: 'Pod "p" is invalid: spec.containers[0].image: Required value' });
    expect(causesOf(() => validateObject(pods, pod("p", {})))[0]).toMatchObject({ field: "spec.containers", message: "Required value" });
    expect(causesOf(() => validateObject(resourceType("services"), obj({ metadata: { name: "s" }, spec: { type: "ClusterIP" } })))[0].field).toBe("spec.ports");
  });

  it("requires a Deployment's selector to match its template labels", () => {
    const d = obj({
      metadata: { name: "d" },
      spec: { selector: { matchLabels: { app: "a" } }, template: { metadata: { labels: { app: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } } },
    });
    expect(causesOf(() => validateObject(resourceType("apps/deployments"), d))[0]).toMatchObject({
      field: "spec.template.metadata.labels",
      message: expect.stringContaining("`selector` does not match template `labels`"),
    });
  });

  it("keeps immutable fields immutable", () => {
    const rs = resourceType("apps/replicasets");
    const old = obj({ metadata: { name: "r" }, spec: { selector: { matchLabels: { app: "a" } } } });
    const changed = obj({ metadata: { name: "r" }, spec: { selector: { matchLabels: { app: "b" } } } });
    expect(causesOf(() => validateUpdate(rs, old, changed))[0]).toMatchObject({
      field: "spec.selector",
      message: expect.stringContaining("field is immutable"),
    });

    const p = pod("p", { containers: [{ name: "c", image: "i:1" }], nodeName: "n1" });
    expect(causesOf(() => validateUpdate(pods, p, pod("p", { containers: [{ name: "c", image: "i:2" }], nodeName: "n1" })))).toEqual([]);
    expect(causesOf(() => validateUpdate(pods, p, pod("p", { containers: [{ name: "c", image: "i:1" }], nodeName: "n2" })))[0]).toMatchObject({
      field: "spec",
      message: expect.stringContaining("pod updates may not change fields other than"),
    });

    const svc = resourceType("services");
    expect(causesOf(() => validateUpdate(svc, obj({ spec: { clusterIP: "10.8.0.9" } }), obj({ spec: { clusterIP: "10.8.0.10" } })))[0].field).toBe(
      "spec.clusterIP",
    );
  });
});
