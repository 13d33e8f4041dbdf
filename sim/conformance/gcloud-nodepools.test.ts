import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath, startSimProcess, type SimProcess } from "../test/harness";
import type { GcpJson } from "../gcp/state";

// The real gcloud against node pools and their managed instance groups: what protect-node
// (issue 11) does by hand. `node-pools update --no-enable-autorepair` is a
// nodePools.setManagement call (gcloud reads the pool first and sends the whole
// NodeManagement); `abandon-instances` is instanceGroupManagers.abandonInstances with full
// instance URLs. Effects are checked through the REST APIs.

const GCLOUD = findOnPath("gcloud");

describe.skipIf(!GCLOUD)("gcloud node pools and managed instance groups against the simulator", () => {
  let sim: SimProcess;
  let project: string;
  let migName: string;
  const zone = "us-central1-a";

  const gcloud = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(GCLOUD!, args, { env: sim.env, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
      });
    });
  const ok = async (args: string[]): Promise<string> => {
    const r = await gcloud(args);
    expect(r.code, `gcloud ${args.join(" ")}\n${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const rest = async (path: string, method = "GET"): Promise<GcpJson> => {
    const res = await fetch(`${sim.base}${path}`, { method });
    expect(res.status, path).toBe(200);
    return (await res.json()) as GcpJson;
  };
  const poolRest = () => rest(`/v1/projects/${project}/locations/${zone}/clusters/payments/nodePools/default-pool`);
  const members = async () =>
    (
      (await rest(`/compute/v1/projects/${project}/zones/${zone}/instanceGroupManagers/${migName}/listManagedInstances`, "POST")).managedInstances as GcpJson[]
    ).map((m) => m.name as string);

  beforeAll(async () => {
    sim = await startSimProcess(["--scenario", "demo"]);
    project = sim.ready.project;
    migName = String((await poolRest()).instanceGroupUrls[0])
      .split("/")
      .pop()!;
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it("describes the pool: management, autoscaling, its groups and the metadata mode", async () => {
    const pool = JSON.parse(
      await ok(["container", "node-pools", "describe", "default-pool", "--cluster", "payments", "--zone", zone, "--format=json"]),
    ) as GcpJson;
    expect(pool.management).toEqual({ autoRepair: true, autoUpgrade: true });
    expect(pool.autoscaling).toMatchObject({ enabled: true });
    expect(pool.instanceGroupUrls[0]).toContain(`/zones/${zone}/instanceGroupManagers/${migName}`);
    expect(pool.config.workloadMetadataConfig.mode).toBe("GCE_METADATA");
  });

  it("gcloud container node-pools update --no-enable-autorepair --no-enable-autoupgrade turns both off", async () => {
    const r = await gcloud([
      "container",
      "node-pools",
      "update",
      "default-pool",
      "--cluster",
      "payments",
      "--zone",
      zone,
      "--no-enable-autorepair",
      "--no-enable-autoupgrade",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Updated [");
    expect((await poolRest()).management).toEqual({ autoRepair: false, autoUpgrade: false });
    const ops = (await rest(`/v1/projects/${project}/locations/${zone}/operations`)).operations as GcpJson[];
    expect(ops.map((o) => [o.operationType, o.status])).toContainEqual(["SET_NODE_POOL_MANAGEMENT", "DONE"]);
    // And back on, so the pool is as the scenario built it for the rest of the suite.
    await ok(["container", "node-pools", "update", "default-pool", "--cluster", "payments", "--zone", zone, "--enable-autorepair"]);
    expect((await poolRest()).management).toEqual({ autoRepair: true, autoUpgrade: false });
  });

  it("gcloud compute instance-groups managed list-instances lists the node VMs", async () => {
    const listed = JSON.parse(await ok(["compute", "instance-groups", "managed", "list-instances", migName, "--zone", zone, "--format=json"])) as GcpJson[];
    const nodes = (await rest(`/compute/v1/projects/${project}/zones/${zone}/instances`)).items as GcpJson[];
    const payments = nodes
      .filter((i) => i.labels?.["goog-k8s-cluster-name"] === "payments")
      .map((i) => i.name)
      .sort();
    expect(listed.map((m) => String(m.instance).split("/").pop()).sort()).toEqual(payments);
    expect(listed.every((m) => m.instanceStatus === "RUNNING" && m.currentAction === "NONE")).toBe(true);
  });

  it("lists the groups and describes the pool's instance template (gcloud compute instance-groups managed list, instance-templates describe)", async () => {
    const groups = JSON.parse(await ok(["compute", "instance-groups", "managed", "list", "--format=json"])) as GcpJson[];
    const mig = groups.find((g) => g.name === migName)!;
    expect(mig).toBeDefined();
    expect(groups.filter((g) => String(g.name).startsWith("gke-storefront-default-pool-"))).toHaveLength(3);
    const template = String(mig.instanceTemplate).split("/").pop()!;
    const described = JSON.parse(await ok(["compute", "instance-templates", "describe", template, "--format=json"])) as GcpJson;
    expect(described.properties.disks[0]).toMatchObject({ boot: true, autoDelete: true });
    expect(described.properties.labels).toMatchObject({ "goog-k8s-cluster-name": "payments", "goog-k8s-node-pool-name": "default-pool" });
  });

  it("gcloud compute instance-groups managed abandon-instances takes a VM out of the group and leaves it running", async () => {
    const [victim, ...rest_] = (await members()).sort();
    const r = await gcloud(["compute", "instance-groups", "managed", "abandon-instances", migName, "--zone", zone, "--instances", victim]);
    expect(r.code, r.stderr).toBe(0);
    expect(await members()).toEqual(rest_);
    expect((await rest(`/compute/v1/projects/${project}/zones/${zone}/instances/${victim}`)).status).toBe("RUNNING");
    expect((await rest(`/compute/v1/projects/${project}/zones/${zone}/instanceGroupManagers/${migName}`)).targetSize).toBe(rest_.length);
    // Abandoning it again fails: it is no longer a member.
    const again = await gcloud(["compute", "instance-groups", "managed", "abandon-instances", migName, "--zone", zone, "--instances", victim]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("not a member");
    await ok(["compute", "instance-groups", "managed", "describe", migName, "--zone", zone]);
  });
});
