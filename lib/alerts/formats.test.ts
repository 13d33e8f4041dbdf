import { describe, expect, it } from "vitest";
import { fromFalco, fromGeneric, fromScc, tacticName } from "./formats";

const MAP = { field: "hostname", rules: [{ pattern: "gke-payments-*", context: "gke_acme-prod_us-central1-a_payments" }] };
const falco = {
  uuid: "u-1",
  output: "Critical shell",
  priority: "CRITICAL",
  rule: "Terminal shell in container",
  time: "2026-11-28T10:00:00.123456789Z",
  output_fields: { "k8s.ns.name": "shop", "k8s.pod.name": "checkout-1", "proc.cmdline": "sh" },
  tags: ["T1059", "mitre_command_and_control"],
  hostname: "gke-payments-default-pool-1",
};

describe("Falco", () => {
  it("maps Falcosidekick's payload: cluster by hostname, priority to severity, MITRE tactic from tags, nanosecond time", () => {
    expect(fromFalco(falco, MAP, "abc")).toMatchObject({
      externalId: "u-1",
      cluster: "gke_acme-prod_us-central1-a_payments",
      namespace: "shop",
      pod: "checkout-1",
      severity: "critical",
      mitreTactic: "Command and Control",
      eventTime: "2026-11-28T10:00:00.123Z",
    });
    expect(fromFalco({ ...falco, priority: "Warning" }, MAP, "abc").severity).toBe("medium");
    // No uuid: the body's hash stands in, so a replayed body is still a replay.
    expect(fromFalco({ ...falco, uuid: undefined }, MAP, "abc").externalId).toBe("sha256:abc");
  });

  it("finds the cluster by a custom output field when configured", () => {
    const byField = { field: "cluster", rules: [{ pattern: "payments", context: "ctx" }] };
    expect(fromFalco({ ...falco, output_fields: { ...falco.output_fields, cluster: "payments" } }, byField, "h").cluster).toBe("ctx");
  });

  it("refuses what it cannot act on: no pod (422), no mapping (422), bad fields (400)", () => {
    expect(() => fromFalco({ ...falco, output_fields: {} }, MAP, "h")).toThrow(/names no Kubernetes pod/);
    expect(() => fromFalco({ ...falco, hostname: "laptop" }, MAP, "h")).toThrow(/No cluster is configured for Falco hostname "laptop"/);
    try {
      fromFalco({ ...falco, priority: "meh" }, MAP, "h");
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ status: 400, fieldErrors: { priority: [expect.any(String)] } });
    }
  });
});

describe("Security Command Center", () => {
  const finding = {
    name: "organizations/1/sources/2/findings/f",
    resourceName: "//container.googleapis.com/projects/acme-prod/locations/us-central1/clusters/storefront",
    category: "Execution: Added Binary Executed",
    severity: "CRITICAL",
    eventTime: "2026-11-28T10:00:00Z",
    mitreAttack: { primaryTactic: "EXECUTION" },
    kubernetes: { pods: [{ ns: "web", name: "front-1" }] },
  };
  const envelope = (n: unknown, messageId = "m-1") => ({
    message: { data: Buffer.from(JSON.stringify(n)).toString("base64"), messageId },
    subscription: "projects/acme-prod/subscriptions/s",
  });

  it("maps the finding's cluster to the gcloud context name, the first pod, category, severity and tactic", () => {
    expect(fromScc(envelope({ finding }))).toMatchObject({
      externalId: "m-1",
      cluster: "gke_acme-prod_us-central1_storefront",
      namespace: "web",
      pod: "front-1",
      rule: "Execution: Added Binary Executed",
      severity: "critical",
      mitreTactic: "Execution",
    });
  });

  it("refuses an envelope without a message id, data that is not a finding, and a finding about something other than GKE", () => {
    expect(() => fromScc({ message: { data: "e30=" }, subscription: "s" })).toThrow(/Invalid Pub\/Sub push envelope/);
    expect(() => fromScc(envelope({ nothing: true }))).toThrow(/Invalid Security Command Center finding notification/);
    expect(() => fromScc(envelope({ finding: { ...finding, resourceName: "//compute.googleapis.com/projects/p/zones/z/instances/i" } }))).toThrow(/Invalid/);
  });
});

it("generic: the sender's id namespaced by sender, and the tactic normalised", () => {
  const g = fromGeneric({
    id: "9",
    sender: "soar",
    cluster: "c",
    namespace: "ns",
    pod: "p",
    rule: "r",
    severity: "high",
    eventTime: "2026-11-28T10:00:00Z",
    mitreTactic: "lateral_movement",
  });
  expect(g).toMatchObject({ externalId: "soar:9", mitreTactic: "Lateral Movement", title: "r" });
  expect(tacticName("mitre_initial_access")).toBe("Initial Access");
});
