import { expect, it } from "vitest";
import { instanceOfNode, lastSegment, parseProviderId, projectFromContext } from "./targets";

it("reads the GCE instance from the node's provider ID", () => {
  expect(parseProviderId("gce://acme-prod/us-central1-a/gke-payments-pool-1")).toEqual({
    project: "acme-prod",
    zone: "us-central1-a",
    name: "gke-payments-pool-1",
  });
  expect(parseProviderId("aws:///us-east-1a/i-123")).toBeNull();
  expect(parseProviderId(undefined)).toBeNull();
});

it("falls back to the zone label and the context's project", () => {
  expect(projectFromContext("gke_acme-prod_us-central1-a_payments")).toBe("acme-prod");
  expect(projectFromContext("minikube")).toBeNull();
  const node = { metadata: { name: "gke-n1", labels: { "topology.kubernetes.io/zone": "us-central1-b" } }, spec: {} };
  expect(instanceOfNode(node, "gke_acme-prod_us-central1_payments")).toEqual({ project: "acme-prod", zone: "us-central1-b", name: "gke-n1" });
  expect(instanceOfNode(node, "kind-local")).toBeNull();
});

it("names a network from its URL", () => {
  expect(lastSegment("https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/default")).toBe("default");
  expect(lastSegment(undefined)).toBeNull();
});
