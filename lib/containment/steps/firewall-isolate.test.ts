import { describe, expect, it } from "vitest";
import { computeClients } from "@/lib/gcp/clients";
import { firewallIsolate } from "./firewall-isolate";
import { protectNode } from "./protect-node";
import { tagNode } from "./tag-node";
import { kubeApis } from "@/lib/kube/clients";
import { QUARANTINE_RULES, QUARANTINE_RULES_V6 } from "./support/firewall";
import { Harness, openIncident, resetSim, shell } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();
const SSH = "203.0.113.7";

async function rules(project: string, names: readonly string[] = QUARANTINE_RULES) {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const [r] = await computeClients()
      .firewalls.get({ project, firewall: name })
      .catch(() => [null]);
    out[name] = r && {
      direction: r.direction,
      priority: r.priority,
      allowed: (r.allowed ?? []).map((a) => ({ IPProtocol: a.IPProtocol, ports: a.ports ?? [] })),
      denied: (r.denied ?? []).map((a) => ({ IPProtocol: a.IPProtocol, ports: a.ports ?? [] })),
      targetTags: r.targetTags,
      sourceRanges: r.sourceRanges ?? [],
      destinationRanges: r.destinationRanges ?? [],
      network: r.network?.split("/").pop(),
    };
  }
  return out;
}

describe("firewall-isolate", () => {
  it("refuses 0.0.0.0/0 and wide ranges for SSH", async () => {
    expect(firewallIsolate.params!.safeParse({ sshSourceRange: "0.0.0.0/0" }).success).toBe(false);
    expect(firewallIsolate.params!.safeParse({ sshSourceRange: "10.0.0.0/8" }).success).toBe(false);
    const r = firewallIsolate.params!.safeParse({ sshSourceRange: "0.0.0.0/0" });
    expect(r.error?.issues[0].message).toMatch(/whole internet/);
    const h = new Harness(await openIncident());
    const plan = await firewallIsolate.plan(h.ctx(firewallIsolate, { sshSourceRange: "0.0.0.0/0", protocol: "all" }));
    expect(plan.blocked).toMatch(/whole internet/);
  });

  it("creates the three rules, reports the effective firewall, repeats as a no-op and deletes them on undo", async () => {
    const h = new Harness(await openIncident());
    const ref = h.incident.targets.instance!;
    const params = { sshSourceRange: SSH };
    await h.execute(tagNode);
    const plan = await h.plan(firewallIsolate, params);
    expect(plan.blocked).toBeUndefined();
    expect(plan.warnings.map((w) => w.code)).toContain("control-plane-tunnels");
    expect(plan.commands).toHaveLength(3);
    expect(plan.commands[0]).toBe(
      `gcloud compute firewall-rules create quarantine-egress-deny \\\n    --network default \\\n    --action deny \\\n    --direction egress \\\n    --rules all \\\n    --destination-ranges 0.0.0.0/0 \\\n    --priority 0 \\\n    --target-tags quarantine \\\n    --project ${ref.project}`,
    );
    const { result } = await h.execute(firewallIsolate, params);
    expect(result.outcome).toBe("success");
    const r = await rules(ref.project);
    expect(r["quarantine-egress-deny"]).toMatchObject({ direction: "EGRESS", priority: 0, denied: [{ IPProtocol: "all", ports: [] }] });
    expect(r["quarantine-ingress-deny"]).toMatchObject({ direction: "INGRESS", priority: 1 });
    expect(r["quarantine-ingress-allow"]).toMatchObject({ direction: "INGRESS", priority: 0, allowed: [{ IPProtocol: "tcp", ports: ["22"] }] });
    const effective = result.record?.effectiveFirewalls as { name: string }[];
    expect(effective.map((f) => f.name)).toEqual(expect.arrayContaining([...QUARANTINE_RULES]));
    const v = await h.verify(firewallIsolate, params);
    expect(v.holds).toBe(true);
    expect(v.message).toMatch(/Effective on/);
    const again = await h.plan(firewallIsolate, params);
    expect(again.noop).toBe(true);
    expect((await h.executePlan(firewallIsolate, again, params)).outcome).toBe("noop");
    expect((await h.undo(firewallIsolate)).outcome).toBe("success");
    expect(Object.values(await rules(ref.project)).every((x) => x === null)).toBe(true);
  });

  it("is locked until protect-node or abandon-node-vm has run, since auto-repair recreates a NotReady node", async () => {
    const h = new Harness(await openIncident());
    const params = { sshSourceRange: SSH };
    expect((await h.plan(firewallIsolate, params)).lock).toMatchObject({ id: "protect-node-first", message: expect.stringMatching(/protect-node/) });
    await h.execute(protectNode);
    expect((await h.plan(firewallIsolate, params)).lock).toBeUndefined();
    // Undone, the node is exposed again.
    await h.undo(protectNode);
    expect((await h.plan(firewallIsolate, params)).lock).toMatchObject({ id: "protect-node-first" });
  });

  it("blocks when a rule of the same name differs", async () => {
    const h = new Harness(await openIncident());
    await h.execute(firewallIsolate, { sshSourceRange: SSH });
    const plan = await h.plan(firewallIsolate, { sshSourceRange: "198.51.100.9" });
    expect(plan.blocked).toMatch(/quarantine-ingress-allow exists but differs/);
  });

  it("matches the playbook's gcloud commands (tcp variant)", async () => {
    const h = new Harness(await openIncident());
    const ref = h.incident.targets.instance!;
    const params = { sshSourceRange: SSH, protocol: "tcp" };
    await h.execute(firewallIsolate, params);
    const ours = await rules(ref.project);
    await resetSim(sim());
    const common = "--network default --target-tags quarantine";
    await shell(
      sim(),
      `gcloud compute firewall-rules create quarantine-egress-deny ${common} --action deny --direction egress --rules tcp --destination-ranges 0.0.0.0/0 --priority 0`,
    );
    await shell(
      sim(),
      `gcloud compute firewall-rules create quarantine-ingress-deny ${common} --action deny --direction ingress --rules tcp --source-ranges 0.0.0.0/0 --priority 1`,
    );
    await shell(
      sim(),
      `gcloud compute firewall-rules create quarantine-ingress-allow ${common} --action allow --direction ingress --rules tcp:22 --source-ranges ${SSH} --priority 0`,
    );
    expect(await rules(ref.project)).toEqual(ours);
  });

  // storefront's nodes are in a dual-stack subnetwork: IPv4-only rules would leave IPv6 open.
  it("on a dual-stack subnetwork also denies IPv6 (::/0) both ways, verifies and removes those rules", async () => {
    const described = await shell(sim(), "gcloud compute networks subnets describe storefront-dual-stack --region us-central1 --format='value(stackType)'");
    expect(described.stdout.trim()).toBe("IPV4_IPV6");
    const STOREFRONT = "gke_acme-prod_us-central1_storefront";
    const pods = await kubeApis(STOREFRONT).core.listNamespacedPod({ namespace: "shop" });
    const pod = pods.items.find((p) => p.metadata?.labels?.app === "checkout")!.metadata!.name!;
    const h = new Harness(await openIncident(STOREFRONT, "shop", pod));
    const ref = h.incident.targets.instance!;
    const params = { sshSourceRange: SSH };
    await h.execute(tagNode);
    const plan = await h.plan(firewallIsolate, params);
    expect(plan.blocked).toBeUndefined();
    expect(plan.warnings.map((w) => w.code)).toContain("dual-stack");
    expect(plan.changes.filter((c) => c.action === "create").map((c) => c.target)).toEqual([
      ...QUARANTINE_RULES.map((n) => `Firewall ${n}`),
      ...QUARANTINE_RULES_V6.map((n) => `Firewall ${n}`),
    ]);
    expect(plan.commands).toHaveLength(5);
    expect(plan.commands[3]).toContain("--destination-ranges ::/0");
    expect(plan.commands[4]).toContain("--source-ranges ::/0");

    expect((await h.execute(firewallIsolate, params)).result.outcome).toBe("success");
    const v6 = await rules(ref.project, QUARANTINE_RULES_V6);
    expect(v6["quarantine-egress-deny-ipv6"]).toMatchObject({ direction: "EGRESS", priority: 0, denied: [{ IPProtocol: "all" }], destinationRanges: ["::/0"] });
    expect(v6["quarantine-ingress-deny-ipv6"]).toMatchObject({ direction: "INGRESS", priority: 1, denied: [{ IPProtocol: "all" }], sourceRanges: ["::/0"] });
    expect((await h.verify(firewallIsolate, params)).holds).toBe(true);

    // Someone deletes the IPv6 ingress deny: verify says so.
    await shell(sim(), "gcloud compute firewall-rules delete quarantine-ingress-deny-ipv6 --quiet");
    const broken = await h.verify(firewallIsolate, params);
    expect(broken.holds).toBe(false);
    expect(broken.message).toMatch(/quarantine-ingress-deny-ipv6 is missing/);

    await h.execute(firewallIsolate, params);
    expect((await h.undo(firewallIsolate)).outcome).toBe("success");
    expect(Object.values(await rules(ref.project, [...QUARANTINE_RULES, ...QUARANTINE_RULES_V6])).every((x) => x === null)).toBe(true);
  });
});
