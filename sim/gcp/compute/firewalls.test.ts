import { afterEach, describe, expect, it } from "vitest";
import { testProject, type TestProject } from "../testing";

let t: TestProject;
afterEach(() => t?.world.stop());

const playbook = {
  egressDeny: {
    name: "quarantine-egress-deny",
    network: "global/networks/default",
    direction: "EGRESS",
    priority: 0,
    denied: [{ IPProtocol: "tcp" }],
    destinationRanges: ["0.0.0.0/0"],
    targetTags: ["quarantine"],
  },
  ingressDeny: {
    name: "quarantine-ingress-deny",
    network: "global/networks/default",
    direction: "INGRESS",
    priority: 1,
    denied: [{ IPProtocol: "tcp" }],
    sourceRanges: ["0.0.0.0/0"],
    targetTags: ["quarantine"],
  },
};

describe("firewalls", () => {
  it("inserts with a global operation and stores the normalized rule", () => {
    t = testProject();
    const op = t.ok("POST", "global/firewalls", playbook.egressDeny);
    expect(op).toMatchObject({ kind: "compute#operation", operationType: "insert", status: "RUNNING" });
    expect(op.zone).toBeUndefined();
    expect(op.selfLink).toBe(`https://www.googleapis.com/compute/v1/projects/acme-test/global/operations/${op.name}`);
    expect(t.ok("POST", `global/operations/${op.name}/wait`).status).toBe("DONE");
    const fw = t.ok("GET", "global/firewalls/quarantine-egress-deny");
    expect(fw).toMatchObject({
      kind: "compute#firewall",
      priority: 0,
      direction: "EGRESS",
      denied: [{ IPProtocol: "tcp" }],
      destinationRanges: ["0.0.0.0/0"],
      targetTags: ["quarantine"],
      network: "https://www.googleapis.com/compute/v1/projects/acme-test/global/networks/default",
      disabled: false,
    });
  });

  it("fills the defaults: priority 1000, INGRESS, from anywhere, the default network", () => {
    t = testProject();
    t.ok("POST", "global/firewalls", { name: "allow-web", allowed: [{ IPProtocol: "TCP", ports: ["80", "443"] }] });
    expect(t.ok("GET", "global/firewalls/allow-web")).toMatchObject({
      priority: 1000,
      direction: "INGRESS",
      sourceRanges: ["0.0.0.0/0"],
      allowed: [{ IPProtocol: "tcp", ports: ["80", "443"] }],
    });
  });

  it("answers a duplicate name with 409 alreadyExists", () => {
    t = testProject();
    t.ok("POST", "global/firewalls", playbook.ingressDeny);
    const dup = t.call("POST", "global/firewalls", playbook.ingressDeny);
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({
      code: 409,
      message: "The resource 'projects/acme-test/global/firewalls/quarantine-ingress-deny' already exists",
      errors: [{ reason: "alreadyExists", domain: "global" }],
    });
  });

  it.each([
    [{ ...playbook.ingressDeny, priority: 65536 }, "Invalid value for field 'resource.priority': '65536'. Must be less than or equal to 65535"],
    [{ ...playbook.ingressDeny, priority: -1 }, "Invalid value for field 'resource.priority': '-1'. Must be greater than or equal to 0"],
    [{ ...playbook.ingressDeny, direction: "SIDEWAYS" }, "Invalid value for field 'resource.direction': 'SIDEWAYS'. Must be one of [INGRESS, EGRESS]."],
    [{ ...playbook.ingressDeny, name: "Bad_Name" }, "Invalid value for field 'resource.name': 'Bad_Name'."],
    [{ ...playbook.ingressDeny, allowed: [{ IPProtocol: "tcp" }] }, "Exactly one of 'allowed' or 'denied' must be specified."],
    [{ ...playbook.ingressDeny, denied: [] }, "Exactly one of 'allowed' or 'denied' must be specified."],
    [
      { ...playbook.ingressDeny, denied: [{ IPProtocol: "icmp", ports: ["22"] }] },
      "Ports may only be specified on rules whose protocol is one of [TCP, UDP, SCTP].",
    ],
    [{ ...playbook.ingressDeny, denied: [{ IPProtocol: "tcp", ports: ["70000"] }] }, "Invalid value for field 'resource.denied[0].ports[0]': '70000'."],
    [{ ...playbook.ingressDeny, denied: [{ IPProtocol: "gre" }] }, "Invalid value for field 'resource.denied[0].IPProtocol': 'gre'."],
    [{ ...playbook.ingressDeny, sourceRanges: ["300.1.1.1/8"] }, "Invalid value for field 'resource.sourceRanges[0]': '300.1.1.1/8'."],
    [{ ...playbook.egressDeny, sourceTags: ["web"] }, "cannot be specified for EGRESS rules"],
  ])("rejects invalid input with 400 (%#)", (body, message) => {
    t = testProject();
    const answer = t.call("POST", "global/firewalls", body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain(message);
    expect(answer.body.error.errors[0].domain).toBe("global");
  });

  it("answers 404 for an unknown network or rule", () => {
    t = testProject();
    expect(t.call("POST", "global/firewalls", { ...playbook.ingressDeny, network: "global/networks/nope" }).body.error.message).toBe(
      "The resource 'projects/acme-test/global/networks/nope' was not found",
    );
    expect(t.call("GET", "global/firewalls/nope").status).toBe(404);
    expect(t.call("DELETE", "global/firewalls/nope").status).toBe(404);
    expect(t.call("PATCH", "global/firewalls/nope", { priority: 1 }).status).toBe(404);
  });

  it("accepts protocol numbers and 'all'", () => {
    t = testProject();
    t.ok("POST", "global/firewalls", { name: "num", denied: [{ IPProtocol: "17", ports: ["53"] }] });
    t.ok("POST", "global/firewalls", { name: "everything", direction: "EGRESS", denied: [{ IPProtocol: "all" }] });
    expect(t.ok("GET", "global/firewalls/everything").destinationRanges).toEqual(["0.0.0.0/0"]);
  });

  it("patches by merging, keeps name and network, and can switch the action", () => {
    t = testProject();
    t.ok("POST", "global/firewalls", playbook.ingressDeny);
    const op = t.ok("PATCH", "global/firewalls/quarantine-ingress-deny", { priority: 5, denied: [{ IPProtocol: "all" }] });
    expect(op.operationType).toBe("patch");
    expect(t.ok("GET", "global/firewalls/quarantine-ingress-deny")).toMatchObject({
      priority: 5,
      denied: [{ IPProtocol: "all" }],
      targetTags: ["quarantine"],
      sourceRanges: ["0.0.0.0/0"],
    });
    t.ok("PATCH", "global/firewalls/quarantine-ingress-deny", { allowed: [{ IPProtocol: "tcp", ports: ["22"] }] });
    const switched = t.ok("GET", "global/firewalls/quarantine-ingress-deny");
    expect(switched.allowed).toEqual([{ IPProtocol: "tcp", ports: ["22"] }]);
    expect(switched.denied).toBeUndefined();
    expect(t.call("PATCH", "global/firewalls/quarantine-ingress-deny", { priority: 99999 }).status).toBe(400);
    expect(t.call("PATCH", "global/firewalls/quarantine-ingress-deny", { name: "renamed" }).status).toBe(400);
  });

  it("deletes, and lists with a filter", () => {
    t = testProject();
    t.ok("POST", "global/firewalls", playbook.egressDeny);
    t.ok("POST", "global/firewalls", playbook.ingressDeny);
    const q = t.ok("GET", `global/firewalls?filter=${encodeURIComponent('targetTags = "quarantine"')}`);
    expect(q.items.map((f: { name: string }) => f.name)).toEqual(["quarantine-egress-deny", "quarantine-ingress-deny"]);
    expect(t.ok("DELETE", "global/firewalls/quarantine-egress-deny").operationType).toBe("delete");
    expect(t.call("GET", "global/firewalls/quarantine-egress-deny").status).toBe(404);
  });
});
