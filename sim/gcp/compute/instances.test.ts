import { afterEach, describe, expect, it } from "vitest";
import { testProject, type TestProject } from "../testing";

let t: TestProject;
afterEach(() => t?.world.stop());

const inst = (t: TestProject, i = 0) => `zones/${t.nodes[i].zone}/instances/${t.nodes[i].name}`;

describe("instances get/list/aggregatedList", () => {
  it("serves the instance JSON and Google's 404 for an unknown one", () => {
    t = testProject();
    const got = t.ok("GET", inst(t));
    expect(got).toMatchObject({ kind: "compute#instance", name: t.nodes[0].name, status: "RUNNING" });
    expect(got.networkInterfaces[0].accessConfigs[0]).toMatchObject({ name: "external-nat", type: "ONE_TO_ONE_NAT" });
    const missing = t.call("GET", "zones/us-central1-a/instances/nope");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: {
        code: 404,
        message: "The resource 'projects/acme-test/zones/us-central1-a/instances/nope' was not found",
        errors: [{ message: "The resource 'projects/acme-test/zones/us-central1-a/instances/nope' was not found", domain: "global", reason: "notFound" }],
      },
    });
    expect(t.call("GET", "zones/atlantis-1-a/instances/x")).toMatchObject({ status: 400, body: { error: { errors: [{ reason: "invalid" }] } } });
  });

  it("pages with maxResults/pageToken and filters", () => {
    t = testProject();
    const first = t.ok("GET", "zones/us-central1-a/instances?maxResults=1");
    expect(first.items).toHaveLength(1);
    const second = t.ok("GET", `zones/us-central1-a/instances?maxResults=1&pageToken=${first.nextPageToken}`);
    expect(second.items).toHaveLength(1);
    expect(second.nextPageToken).toBeUndefined();
    expect(new Set([first.items[0].name, second.items[0].name])).toEqual(new Set(t.nodes.map((n) => n.name)));
    const byName = t.ok("GET", `zones/us-central1-a/instances?filter=${encodeURIComponent(`name = "${t.nodes[1].name}"`)}`);
    expect(byName.items.map((i: { name: string }) => i.name)).toEqual([t.nodes[1].name]);
    const legacy = t.ok("GET", `zones/us-central1-a/instances?filter=${encodeURIComponent(`(name eq ".*${t.nodes[1].name.slice(-4)}")`)}`);
    expect(legacy.items.map((i: { name: string }) => i.name)).toEqual([t.nodes[1].name]);
    expect(t.ok("GET", `zones/us-central1-b/instances`).items).toBeUndefined();
  });

  it("groups aggregatedList by zone, with a warning for empty zones", () => {
    t = testProject();
    const agg = t.ok("GET", "aggregated/instances");
    expect(agg.kind).toBe("compute#instanceAggregatedList");
    expect(agg.items["zones/us-central1-a"].instances).toHaveLength(2);
    expect(agg.items["zones/us-central1-b"].warning.code).toBe("NO_RESULTS_ON_PAGE");
  });
});

describe("setTags", () => {
  it("rejects a missing or stale fingerprint with 412 conditionNotMet", () => {
    t = testProject();
    const missing = t.call("POST", `${inst(t)}/setTags`, { items: ["quarantine"] });
    expect(missing.status).toBe(412);
    expect(missing.body.error).toMatchObject({
      code: 412,
      message: "Supplied fingerprint does not match current fingerprint.",
      errors: [{ reason: "conditionNotMet", domain: "global" }],
    });
    const { tags } = t.ok("GET", inst(t));
    t.ok("POST", `${inst(t)}/setTags`, { items: [...tags.items, "quarantine"], fingerprint: tags.fingerprint });
    // The fingerprint changed with the write: replaying the old one is stale.
    const stale = t.call("POST", `${inst(t)}/setTags`, { items: ["other"], fingerprint: tags.fingerprint });
    expect(stale.status).toBe(412);
  });

  it("replaces the tag list, changes the fingerprint and answers with a zonal operation", () => {
    t = testProject();
    const before = t.ok("GET", inst(t));
    const op = t.ok("POST", `${inst(t)}/setTags`, { items: [...before.tags.items, "quarantine"], fingerprint: before.tags.fingerprint });
    expect(op).toMatchObject({ kind: "compute#operation", operationType: "setTags", status: "RUNNING", targetLink: before.selfLink, targetId: before.id });
    expect(op.zone).toMatch(/\/zones\/us-central1-a$/);
    const after = t.ok("GET", inst(t));
    expect(after.tags.items).toEqual([...before.tags.items, "quarantine"]);
    expect(after.tags.fingerprint).not.toBe(before.tags.fingerprint);
    expect(t.ok("GET", `zones/us-central1-a/operations/${op.name}`).status).toBe("DONE");
  });

  it("accepts the fingerprint re-encoded as standard base64 (gcloud sends URL-safe bytes)", () => {
    t = testProject();
    const inst0 = t.world.gcp.instances.get(`${t.nodes[0].zone}/${t.nodes[0].name}`)!;
    inst0.tags.fingerprint = "ab-_ab-_ab8=";
    expect(t.call("POST", `${inst(t)}/setTags`, { items: ["a"], fingerprint: "ab+/ab+/ab8=" }).status).toBe(200);
  });

  it("validates tag names", () => {
    t = testProject();
    const { tags } = t.ok("GET", inst(t));
    const bad = t.call("POST", `${inst(t)}/setTags`, { items: ["Quarantine!"], fingerprint: tags.fingerprint });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Invalid value for field 'tags.items\[0\]': 'Quarantine!'/);
  });
});

describe("access configs", () => {
  it("deletes the external IP and adds a new, different one", () => {
    t = testProject();
    const before = t.ok("GET", inst(t));
    const oldIp = before.networkInterfaces[0].accessConfigs[0].natIP;
    const op = t.ok("POST", `${inst(t)}/deleteAccessConfig?accessConfig=external-nat&networkInterface=nic0`);
    expect(op.operationType).toBe("deleteAccessConfig");
    expect(t.ok("GET", inst(t)).networkInterfaces[0].accessConfigs).toBeUndefined();
    expect(t.call("POST", `${inst(t)}/deleteAccessConfig?accessConfig=external-nat&networkInterface=nic0`).status).toBe(400);
    expect(t.call("POST", `${inst(t)}/deleteAccessConfig?accessConfig=external-nat`).status).toBe(400);

    t.ok("POST", `${inst(t)}/addAccessConfig?networkInterface=nic0`, { name: "external-nat", type: "ONE_TO_ONE_NAT" });
    const restored = t.ok("GET", inst(t)).networkInterfaces[0].accessConfigs[0];
    expect(restored).toMatchObject({ name: "external-nat", type: "ONE_TO_ONE_NAT" });
    expect(restored.natIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(restored.natIP).not.toBe(oldIp);
    expect(t.call("POST", `${inst(t)}/addAccessConfig?networkInterface=nic0`, { name: "second" }).body.error.message).toBe(
      "At most one access config currently supported.",
    );
  });

  it("keeps a requested natIP and refuses one in use by another instance", () => {
    t = testProject();
    const otherIp = t.ok("GET", inst(t, 1)).networkInterfaces[0].accessConfigs[0].natIP;
    t.ok("POST", `${inst(t)}/deleteAccessConfig?accessConfig=external-nat&networkInterface=nic0`);
    expect(t.call("POST", `${inst(t)}/addAccessConfig?networkInterface=nic0`, { name: "external-nat", natIP: otherIp }).status).toBe(400);
    t.ok("POST", `${inst(t)}/addAccessConfig?networkInterface=nic0`, { name: "external-nat", natIP: "34.1.2.3" });
    expect(t.ok("GET", inst(t)).networkInterfaces[0].accessConfigs[0].natIP).toBe("34.1.2.3");
  });
});

describe("getEffectiveFirewalls and testIamPermissions", () => {
  it("lists the rules of the instance's network that target it", () => {
    t = testProject();
    const names = () => t.ok("GET", `${inst(t)}/getEffectiveFirewalls?networkInterface=nic0`).firewalls.map((f: { name: string }) => f.name);
    const before = names();
    expect(before).toEqual(expect.arrayContaining(["default-allow-internal", "default-allow-ssh"]));
    expect(before.some((n: string) => /^gke-payments-[0-9a-f]{8}-all$/.test(n))).toBe(true);
    t.ok("POST", "global/firewalls", {
      name: "quarantine-egress-deny",
      direction: "EGRESS",
      priority: 0,
      denied: [{ IPProtocol: "all" }],
      targetTags: ["quarantine"],
    });
    expect(names()).not.toContain("quarantine-egress-deny");
    const { tags } = t.ok("GET", inst(t));
    t.ok("POST", `${inst(t)}/setTags`, { items: [...tags.items, "quarantine"], fingerprint: tags.fingerprint });
    expect(names()[0]).toBe("quarantine-egress-deny");
  });

  it("grants every permission asked unless the world denies it", () => {
    t = testProject();
    const asked = { permissions: ["compute.instances.setTags", "compute.instances.deleteAccessConfig"] };
    expect(t.ok("POST", `${inst(t)}/testIamPermissions`, asked)).toEqual(asked);
    t.world.gcp.deniedPermissions.add("compute.instances.setTags");
    expect(t.ok("POST", `${inst(t)}/testIamPermissions`, asked)).toEqual({ permissions: ["compute.instances.deleteAccessConfig"] });
    t.world.gcp.deniedPermissions.add("compute.instances.deleteAccessConfig");
    expect(t.ok("POST", `${inst(t)}/testIamPermissions`, asked)).toEqual({});
  });
});
