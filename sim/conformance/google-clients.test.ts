import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DisksClient, FirewallsClient, GlobalOperationsClient, InstancesClient, SnapshotsClient, ZoneOperationsClient } from "@google-cloud/compute";
import { ClusterManagerClient } from "@google-cloud/container";
import { PassThroughClient } from "google-auth-library";
import { startSimProcess, type SimProcess } from "../test/harness";

// The Google client libraries the console uses, pointed at the simulator exactly as
// docs/gcp-clients.md tells the console to: REST fallback over plain HTTP, no credentials.
// google-gax maps HTTP statuses to gRPC codes on errors: 400→3, 404→5, 409→10 (ABORTED, not
// ALREADY_EXISTS: the reason `alreadyExists` is only in the message), 412→9.

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const ABORTED = 10;
const FAILED_PRECONDITION = 9;

let sim: SimProcess;
let project: string;
let opts: { apiEndpoint: string; port: number; protocol: string; fallback: boolean; authClient: PassThroughClient };

beforeAll(async () => {
  sim = await startSimProcess(["--scenario", "demo"]);
  project = sim.ready.project;
  const url = new URL(sim.ready.computeEndpoint);
  opts = { apiEndpoint: url.hostname, port: Number(url.port), protocol: "http", fallback: true, authClient: new PassThroughClient() };
});
afterAll(async () => {
  await sim?.stop();
});

/** Compute mutations answer with a compute#operation; wait on it with the matching operations client. */
async function waitFor(op: { latestResponse: unknown }): Promise<{ status?: unknown; error?: unknown }> {
  const latest = op.latestResponse as { name: string; zone?: string | null; status?: string };
  if (latest.zone) {
    const [done] = await new ZoneOperationsClient(opts).wait({ project, zone: latest.zone.split("/").pop()!, operation: latest.name });
    return done;
  }
  const [done] = await new GlobalOperationsClient(opts).wait({ project, operation: latest.name });
  return done;
}

async function firstNode(): Promise<{ name: string; zone: string }> {
  const instances = new InstancesClient(opts);
  for await (const [scope, list] of instances.aggregatedListAsync({ project })) {
    const found = (list.instances ?? []).find((i) => i.labels?.["goog-k8s-cluster-name"] === "payments") ?? list.instances?.[0];
    if (found) return { name: found.name!, zone: scope.replace(/^zones\//, "") };
  }
  throw new Error("no instances in the simulated project");
}

describe("@google-cloud/compute against the simulator", () => {
  it("pages through aggregatedListAsync and gets an instance", async () => {
    const instances = new InstancesClient(opts);
    const seen: string[] = [];
    const scopes: string[] = [];
    // maxResults 1 forces several pages: the iterator must follow nextPageToken.
    for await (const [scope, list] of instances.aggregatedListAsync({ project, maxResults: 1 })) {
      scopes.push(scope);
      for (const i of list.instances ?? []) seen.push(i.name!);
    }
    expect(scopes.every((s) => s.startsWith("zones/"))).toBe(true);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    const node = await firstNode();
    const [inst] = await instances.get({ project, zone: node.zone, instance: node.name });
    expect(inst.name).toBe(node.name);
    expect(inst.tags?.fingerprint).toBeTruthy();
    expect(inst.networkInterfaces?.[0]?.accessConfigs?.[0]?.name).toBe("external-nat");
    await expect(instances.get({ project, zone: node.zone, instance: "no-such-node" })).rejects.toMatchObject({ code: NOT_FOUND });
  });

  it("setTags appends with the current fingerprint and fails with FAILED_PRECONDITION on a stale one", async () => {
    const instances = new InstancesClient(opts);
    const node = await firstNode();
    const [before] = await instances.get({ project, zone: node.zone, instance: node.name });
    const [op] = await instances.setTags({
      project,
      zone: node.zone,
      instance: node.name,
      tagsResource: { items: [...(before.tags?.items ?? []), "quarantine"], fingerprint: before.tags?.fingerprint },
    });
    expect((await waitFor(op)).status).toBe("DONE");
    const [after] = await instances.get({ project, zone: node.zone, instance: node.name });
    expect(after.tags?.items).toEqual([...(before.tags?.items ?? []), "quarantine"]);
    const stale = instances.setTags({ project, zone: node.zone, instance: node.name, tagsResource: { items: ["x"], fingerprint: before.tags?.fingerprint } });
    await expect(stale).rejects.toMatchObject({
      code: FAILED_PRECONDITION,
      message: expect.stringContaining("Supplied fingerprint does not match current fingerprint."),
    });
  });

  it("inserts and lists firewalls, rejects duplicates and invalid priorities", async () => {
    const firewalls = new FirewallsClient(opts);
    const rule = {
      name: "quarantine-all-egress-deny",
      network: "global/networks/default",
      direction: "EGRESS",
      priority: 0,
      denied: [{ IPProtocol: "all" }],
      destinationRanges: ["0.0.0.0/0"],
      targetTags: ["quarantine"],
    };
    const [op] = await firewalls.insert({ project, firewallResource: rule });
    expect((await waitFor(op)).status).toBe("DONE");
    const names: string[] = [];
    for await (const f of firewalls.listAsync({ project })) names.push(f.name!);
    expect(names).toContain("quarantine-all-egress-deny");
    await expect(firewalls.insert({ project, firewallResource: rule })).rejects.toMatchObject({
      code: ABORTED,
      message: expect.stringContaining("already exists"),
    });
    await expect(firewalls.insert({ project, firewallResource: { ...rule, name: "too-low", priority: 70000 } })).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
    });
  });

  it("finds quarantined nodes with the console's filter (tags.items=quarantine)", async () => {
    const instances = new InstancesClient(opts);
    const node = await firstNode();
    const found: string[] = [];
    for await (const [, scoped] of instances.aggregatedListAsync({ project, filter: "tags.items=quarantine" })) {
      for (const i of scoped.instances ?? []) found.push(i.name!);
    }
    expect(found).toEqual([node.name]);
  });

  it("testIamPermissions on the instance and its disk grants what is asked", async () => {
    const node = await firstNode();
    const asked = ["compute.instances.setTags", "compute.instances.deleteAccessConfig"];
    const [onInstance] = await new InstancesClient(opts).testIamPermissions({
      project,
      zone: node.zone,
      resource: node.name,
      testPermissionsRequestResource: { permissions: asked },
    });
    expect(onInstance.permissions).toEqual(asked);
    const [onDisk] = await new DisksClient(opts).testIamPermissions({
      project,
      zone: node.zone,
      resource: node.name,
      testPermissionsRequestResource: { permissions: ["compute.disks.createSnapshot"] },
    });
    expect(onDisk.permissions).toEqual(["compute.disks.createSnapshot"]);
  });

  it("getEffectiveFirewalls reports the rule once the node carries the tag", async () => {
    const instances = new InstancesClient(opts);
    const node = await firstNode();
    const [eff] = await instances.getEffectiveFirewalls({ project, zone: node.zone, instance: node.name, networkInterface: "nic0" });
    const names = (eff.firewalls ?? []).map((f) => f.name);
    expect(names).toContain("quarantine-all-egress-deny");
    expect(names).toContain("default-allow-internal");
  });

  it("deletes and re-adds the access config; ZoneOperationsClient.wait completes the operation", async () => {
    const instances = new InstancesClient(opts);
    const node = await firstNode();
    const [before] = await instances.get({ project, zone: node.zone, instance: node.name });
    const oldIp = before.networkInterfaces![0].accessConfigs![0].natIP;
    const [del] = await instances.deleteAccessConfig({ project, zone: node.zone, instance: node.name, accessConfig: "external-nat", networkInterface: "nic0" });
    const [waited] = await new ZoneOperationsClient(opts).wait({ project, zone: node.zone, operation: del.latestResponse!.name! });
    expect(waited.status).toBe("DONE");
    expect(waited.operationType).toBe("deleteAccessConfig");
    const [gone] = await instances.get({ project, zone: node.zone, instance: node.name });
    expect(gone.networkInterfaces![0].accessConfigs ?? []).toEqual([]);
    const [add] = await instances.addAccessConfig({
      project,
      zone: node.zone,
      instance: node.name,
      networkInterface: "nic0",
      accessConfigResource: { name: "external-nat", type: "ONE_TO_ONE_NAT" },
    });
    await waitFor(add);
    const [back] = await instances.get({ project, zone: node.zone, instance: node.name });
    const restored = back.networkInterfaces![0].accessConfigs![0];
    expect(restored.name).toBe("external-nat");
    expect(restored.natIP).toBeTruthy();
    expect(restored.natIP).not.toBe(oldIp);
  });

  it("snapshots the boot disk; the snapshot is READY once the operation is done", async () => {
    const node = await firstNode();
    const disks = new DisksClient(opts);
    const [disk] = await disks.get({ project, zone: node.zone, disk: node.name });
    const [op] = await disks.createSnapshot({
      project,
      zone: node.zone,
      disk: node.name,
      snapshotResource: { name: "evidence-payments-1", description: "before isolation" },
    });
    expect(op.latestResponse).toMatchObject({ operationType: "createSnapshot", status: "RUNNING" });
    expect((await waitFor(op)).status).toBe("DONE");
    const [snap] = await new SnapshotsClient(opts).get({ project, snapshot: "evidence-payments-1" });
    expect(snap).toMatchObject({ status: "READY", sourceDisk: disk.selfLink, sourceDiskId: disk.id, diskSizeGb: disk.sizeGb });
  });
});

describe("@google-cloud/container against the simulator", () => {
  it("lists clusters everywhere and gets one with the NetworkPolicy facts", async () => {
    const gke = new ClusterManagerClient(opts);
    const [list] = await gke.listClusters({ parent: `projects/${project}/locations/-` });
    const clusters = list.clusters ?? [];
    expect(clusters.length).toBeGreaterThan(0);
    const payments = clusters.find((c) => c.name === "payments") ?? clusters[0];
    const [got] = await gke.getCluster({ name: `projects/${project}/locations/${payments.location}/clusters/${payments.name}` });
    expect(got.name).toBe(payments.name);
    expect(got.status).toBe("RUNNING");
    expect(["ADVANCED_DATAPATH", "LEGACY_DATAPATH"]).toContain(got.networkConfig?.datapathProvider);
    expect(got.nodePools?.[0]?.management?.autoRepair).toBe(true);
    if (project === "acme-prod" && got.name === "payments") {
      expect(got.location).toBe("us-central1-a");
      expect(got.networkConfig?.datapathProvider).toBe("ADVANCED_DATAPATH");
      const storefront = clusters.find((c) => c.name === "storefront");
      expect(storefront?.location).toBe("us-central1");
      expect(storefront?.networkConfig?.datapathProvider).toBe("LEGACY_DATAPATH");
      expect(storefront?.addonsConfig?.networkPolicyConfig?.disabled).toBe(true);
    }
    await expect(gke.getCluster({ name: `projects/${project}/locations/us-central1-a/clusters/no-such-cluster` })).rejects.toMatchObject({ code: NOT_FOUND });
  });
});
