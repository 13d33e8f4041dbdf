import { describe, expect, it } from "vitest";
import { resourceType } from "../resources";
import { typeCheck, unknownFields } from "./decode";

const netpol = resourceType("networking.k8s.io/networkpolicies");

describe("decoding into the kinds' Go types", () => {
  it("rejects the playbook's unquoted `quarantine: true` exactly as the API server does (ERRATA 1)", () => {
    const err = typeCheck(netpol, {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "default-deny" },
      spec: { podSelector: { matchLabels: { quarantine: true } }, policyTypes: ["Ingress", "Egress"] },
    });
    expect(err?.code).toBe(400);
    expect(err?.reason).toBe("BadRequest");
    expect(err?.message).toBe(
      'NetworkPolicy in version "v1" cannot be handled as a NetworkPolicy: json: cannot unmarshal bool into Go struct field LabelSelector.spec.podSelector.matchLabels of type string',
    );
  });

  it("accepts the quoted value", () => {
    expect(typeCheck(netpol, { metadata: { name: "d" }, spec: { podSelector: { matchLabels: { quarantine: "true" } } } })).toBeUndefined();
  });

  it("names the innermost struct and the path without indexes", () => {
    const deploy = resourceType("apps/deployments");
    expect(typeCheck(deploy, { spec: { template: { spec: { nodeSelector: { pool: true } } } } })?.message).toContain(
      "json: cannot unmarshal bool into Go struct field PodSpec.spec.template.spec.nodeSelector of type string",
    );
    expect(typeCheck(deploy, { spec: { template: { spec: { containers: [{ name: "a", ports: [{ containerPort: "80" }] }] } } } })?.message).toContain(
      "json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32",
    );
    expect(typeCheck(resourceType("configmaps"), { metadata: { labels: { a: 1 } } })?.message).toContain(
      "cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
    );
    expect(typeCheck(deploy, { spec: { replicas: 1.5 } })?.message).toContain(
      "cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32",
    );
    expect(typeCheck(resourceType("nodes"), { spec: { unschedulable: "yes" } })?.message).toContain("of type bool");
  });

  it("lists unknown top-level and metadata fields for fieldValidation=Strict", () => {
    expect(unknownFields(netpol, { apiVersion: "x", kind: "y", metadata: { name: "n", bogus: 1 }, spec: {}, extra: 1 })).toEqual(["extra", "metadata.bogus"]);
  });
});
