import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath, startSimProcess, type SimProcess } from "../test/harness";
import { evaluateFirewall } from "../gcp/firewall-eval";
import type { GcpJson } from "../gcp/state";

// The real gcloud (Cloud SDK) runs the playbook's Google Cloud commands against the simulator
// as written, and every effect is then checked through the REST API. gcloud reaches the
// simulator only through the harness's environment (endpoint overrides, no credentials, a
// private CLOUDSDK_CONFIG). Tests run in order and build on each other, like the playbook.

const GCLOUD = findOnPath("gcloud");
const CI = process.env.CI === "true";
const INVESTIGATOR_IP = "203.0.113.7";

it("has gcloud on PATH (required when CI=true)", () => {
  if (CI) expect(GCLOUD, "gcloud is not on PATH: the Google Cloud conformance suite cannot run").toBeDefined();
});

describe.skipIf(!GCLOUD)("gcloud against the simulator (playbook commands)", () => {
  let sim: SimProcess;
  let project: string;
  let node: GcpJson;
  let zone: string;
  let network: string;

  interface Run {
    code: number;
    stdout: string;
    stderr: string;
  }
  const gcloud = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      // A per-command timeout so a hung gcloud fails its test instead of the whole run.
      execFile(GCLOUD!, args, { env: sim.env, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    });
  const ok = async (args: string[]): Promise<string> => {
    const r = await gcloud(args);
    expect(r.code, `gcloud ${args.join(" ")}\n${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const rest = async (rel: string): Promise<GcpJson> => {
    const res = await fetch(`${sim.base}/compute/v1/projects/${project}/${rel}`);
    expect(res.status, rel).toBe(200);
    return (await res.json()) as GcpJson;
  };
  const instanceRest = () => rest(`zones/${zone}/instances/${node.name}`);

  beforeAll(async () => {
    sim = await startSimProcess(["--scenario", "demo"]);
    project = sim.ready.project;
    // Names come from the API, never from the scenario's code: prefer a payments node.
    const agg = await rest("aggregated/instances");
    const all: GcpJson[] = Object.values(agg.items as Record<string, GcpJson>).flatMap((s) => s.instances ?? []);
    expect(all.length).toBeGreaterThan(0);
    node = all.find((i) => i.labels?.["goog-k8s-cluster-name"] === "payments") ?? all[0];
    zone = String(node.zone).split("/").pop()!;
    network = String(node.networkInterfaces[0].network).split("/").pop()!;
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it("lists the node instances (gcloud compute instances list)", async () => {
    const listed = JSON.parse(await ok(["compute", "instances", "list", "--format=json"])) as GcpJson[];
    expect(listed.map((i) => i.name)).toContain(node.name);
    expect(listed.find((i) => i.name === node.name)?.networkInterfaces[0].accessConfigs[0].natIP).toBe(node.networkInterfaces[0].accessConfigs[0].natIP);
  });

  it("tags the node: gcloud compute instances add-tags NODE --zone Z --tags quarantine (appends, ERRATA 12)", async () => {
    const before = await instanceRest();
    const out = await gcloud(["compute", "instances", "add-tags", node.name, "--zone", zone, "--tags", "quarantine"]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain(`Updated [https://www.googleapis.com/compute/v1/projects/${project}/zones/${zone}/instances/${node.name}]`);
    const after = await instanceRest();
    expect(after.tags.items).toEqual(expect.arrayContaining([...before.tags.items, "quarantine"]));
    expect(after.tags.items).toHaveLength(before.tags.items.length + 1);
    expect(after.tags.fingerprint).not.toBe(before.tags.fingerprint);
  });

  it("creates the three quarantine firewall rules exactly as the playbook writes them", async () => {
    // gcloud compute firewall-rules create quarantine-egress-deny \
    //     --network <network_name> --action deny --direction egress --rules tcp \
    //     --destination-ranges 0.0.0.0/0 --priority 0 --target-tags quarantine
    await ok([
      "compute",
      "firewall-rules",
      "create",
      "quarantine-egress-deny",
      "--network",
      network,
      "--action",
      "deny",
      "--direction",
      "egress",
      "--rules",
      "tcp",
      "--destination-ranges",
      "0.0.0.0/0",
      "--priority",
      "0",
      "--target-tags",
      "quarantine",
    ]);
    await ok([
      "compute",
      "firewall-rules",
      "create",
      "quarantine-ingress-deny",
      "--network",
      network,
      "--action",
      "deny",
      "--direction",
      "ingress",
      "--rules",
      "tcp",
      "--source-ranges",
      "0.0.0.0/0",
      "--priority",
      "1",
      "--target-tags",
      "quarantine",
    ]);
    await ok([
      "compute",
      "firewall-rules",
      "create",
      "quarantine-ingress-allow",
      "--network",
      network,
      "--action",
      "allow",
      "--direction",
      "ingress",
      "--rules",
      "tcp:22",
      "--source-ranges",
      INVESTIGATOR_IP,
      "--priority",
      "0",
      "--target-tags",
      "quarantine",
    ]);

    const egressDeny = await rest("global/firewalls/quarantine-egress-deny");
    expect(egressDeny).toMatchObject({
      priority: 0,
      direction: "EGRESS",
      denied: [{ IPProtocol: "tcp" }],
      destinationRanges: ["0.0.0.0/0"],
      targetTags: ["quarantine"],
    });
    expect(egressDeny.network).toMatch(new RegExp(`/projects/${project}/global/networks/${network}$`));
    expect(await rest("global/firewalls/quarantine-ingress-deny")).toMatchObject({
      priority: 1,
      direction: "INGRESS",
      denied: [{ IPProtocol: "tcp" }],
      sourceRanges: ["0.0.0.0/0"],
      targetTags: ["quarantine"],
    });
    expect(await rest("global/firewalls/quarantine-ingress-allow")).toMatchObject({
      priority: 0,
      direction: "INGRESS",
      allowed: [{ IPProtocol: "tcp", ports: ["22"] }],
      sourceRanges: [INVESTIGATOR_IP],
      targetTags: ["quarantine"],
    });
  });

  it("isolates the tagged node as the rules say (and only for TCP, ERRATA 10)", async () => {
    const effective = (await rest(`zones/${zone}/instances/${node.name}/getEffectiveFirewalls?networkInterface=nic0`)).firewalls as GcpJson[];
    expect(effective.map((f) => f.name)).toEqual(expect.arrayContaining(["quarantine-egress-deny", "quarantine-ingress-deny", "quarantine-ingress-allow"]));
    const instance = await instanceRest();
    const decide = (c: Parameters<typeof evaluateFirewall>[2]) => evaluateFirewall(effective, instance, c);
    expect(decide({ direction: "INGRESS", protocol: "tcp", port: 22, remoteIp: INVESTIGATOR_IP }).rule.name).toBe("quarantine-ingress-allow");
    expect(decide({ direction: "INGRESS", protocol: "tcp", port: 22, remoteIp: "198.51.100.4" }).rule.name).toBe("quarantine-ingress-deny");
    expect(decide({ direction: "EGRESS", protocol: "tcp", port: 443, remoteIp: "198.51.100.4" })).toMatchObject({
      action: "deny",
      rule: { name: "quarantine-egress-deny" },
    });
    expect(decide({ direction: "EGRESS", protocol: "udp", port: 53, remoteIp: "198.51.100.4" }).action).toBe("allow");
  });

  it("refuses a duplicate rule the way the real API does", async () => {
    const dup = await gcloud([
      "compute",
      "firewall-rules",
      "create",
      "quarantine-ingress-allow",
      "--network",
      network,
      "--action",
      "allow",
      "--direction",
      "ingress",
      "--rules",
      "tcp:22",
      "--source-ranges",
      INVESTIGATOR_IP,
      "--priority",
      "0",
      "--target-tags",
      "quarantine",
    ]);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain(`The resource 'projects/${project}/global/firewalls/quarantine-ingress-allow' already exists`);
  });

  it('shows the access config: gcloud compute instances describe NODE --zone Z --format="flattened(networkInterfaces)"', async () => {
    const natIP = (await instanceRest()).networkInterfaces[0].accessConfigs[0].natIP;
    for (const format of ["flattened(networkInterfaces)", "flattened([networkInterfaces])"]) {
      const out = await ok(["compute", "instances", "describe", node.name, "--zone", zone, `--format=${format}`]);
      expect(out).toMatch(/^networkInterfaces\[0\]\.accessConfigs\[0\]\.name:\s+external-nat$/m);
      expect(out).toMatch(new RegExp(`^networkInterfaces\\[0\\]\\.accessConfigs\\[0\\]\\.natIP:\\s+${natIP.replace(/\./g, "\\.")}$`, "m"));
    }
  });

  it("removes the external IP: gcloud compute instances delete-access-config NODE --zone Z --access-config-name external-nat", async () => {
    const r = await gcloud(["compute", "instances", "delete-access-config", node.name, "--zone", zone, "--access-config-name", "external-nat"]);
    expect(r.code, r.stderr).toBe(0);
    const after = await instanceRest();
    expect(after.networkInterfaces[0].accessConfigs ?? []).toEqual([]);
  });

  it("describes the cluster: gcloud container clusters describe payments --zone us-central1-a --project acme-prod | grep -i networkpolicy -A3", async () => {
    const res = await fetch(`${sim.base}/v1/projects/${project}/locations/-/clusters`);
    const clusters = ((await res.json()) as GcpJson).clusters as GcpJson[];
    const cluster = clusters.find((c) => c.name === "payments") ?? clusters[0];
    if (project === "acme-prod" && cluster.name === "payments") {
      expect(cluster.location).toBe("us-central1-a");
      expect(cluster.networkConfig.datapathProvider).toBe("ADVANCED_DATAPATH");
    }
    const locationFlag = /-[a-z]$/.test(cluster.location) ? "--zone" : "--region";
    const yaml = await ok(["container", "clusters", "describe", cluster.name, locationFlag, cluster.location, "--project", project]);
    const grepped = grepAfter(yaml, /networkpolicy/i, 3);
    // What the playbook's grep shows: the Calico add-on switch.
    const calico = cluster.addonsConfig?.networkPolicyConfig?.disabled !== true;
    expect(grepped).toMatch(/^\s+networkPolicyConfig:/m);
    if (!calico) expect(grepped).toMatch(/^\s+networkPolicyConfig:\n\s+disabled: true$/m);
    // What it does not show (ERRATA 4): Dataplane V2, which enforces policy without Calico.
    expect(yaml).toMatch(new RegExp(`^\\s+datapathProvider: ${cluster.networkConfig.datapathProvider}$`, "m"));
    expect(grepped).not.toMatch(/datapathProvider/);
  });

  it("lists the clusters: gcloud container clusters list", async () => {
    const res = await fetch(`${sim.base}/v1/projects/${project}/locations/-/clusters`);
    const names = (((await res.json()) as GcpJson).clusters as GcpJson[]).map((c) => c.name).sort();
    const table = await ok(["container", "clusters", "list"]);
    expect(table.split("\n")[0]).toMatch(/^NAME\s+LOCATION\s+MASTER_VERSION/);
    for (const n of names) expect(table).toMatch(new RegExp(`^${n}\\s`, "m"));
    const json = JSON.parse(await ok(["container", "clusters", "list", "--format=json"])) as GcpJson[];
    expect(json.map((c) => c.name).sort()).toEqual(names);
  });

  it("releases: lists the quarantine rules by filter and deletes two at once (gcloud batches them)", async () => {
    const listed = JSON.parse(await ok(["compute", "firewall-rules", "list", "--filter=name~^quarantine-", "--format=json"])) as GcpJson[];
    expect(listed.map((f) => f.name).sort()).toEqual(["quarantine-egress-deny", "quarantine-ingress-allow", "quarantine-ingress-deny"]);
    await ok(["compute", "firewall-rules", "delete", "quarantine-ingress-deny", "quarantine-ingress-allow", "--quiet"]);
    const left = ((await rest("global/firewalls")).items as GcpJson[]).map((f) => f.name);
    expect(left).toContain("quarantine-egress-deny");
    expect(left).not.toContain("quarantine-ingress-deny");
    expect(left).not.toContain("quarantine-ingress-allow");
  });
});

/** `grep -i PATTERN -A N` in JavaScript: matching lines plus N after each, groups split by "--". */
function grepAfter(text: string, pattern: RegExp, after: number): string {
  const lines = text.split("\n");
  const keep = new Set<number>();
  lines.forEach((line, i) => {
    if (pattern.test(line)) for (let j = i; j <= Math.min(i + after, lines.length - 1); j++) keep.add(j);
  });
  const out: string[] = [];
  let last = -2;
  for (const i of [...keep].sort((a, b) => a - b)) {
    if (last >= 0 && i !== last + 1) out.push("--");
    out.push(lines[i]);
    last = i;
  }
  return out.join("\n");
}
