import { describe, expect, it } from "vitest";
import { kubeApis } from "@/lib/kube/clients";
import { applyDenyAll } from "./apply-deny-all";
import { attestIsolation, type Attestation } from "./attest-isolation";
import { excludeFromPolicies } from "./exclude-from-policies";
import { firewallIsolate } from "./firewall-isolate";
import { labelQuarantine } from "./label-quarantine";
import { advanceClock, compromisedPod, Harness, openIncident, PAYMENTS, shell, simPost, simRequestSeq, simWritesSince } from "./support/testing";
import { tagNode } from "./tag-node";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();
const STOREFRONT = "gke_acme-prod_us-central1_storefront";
const MINER = "198.51.100.23";

async function attest(h: Harness): Promise<{ rec: Attestation; message: string; holds: boolean | undefined }> {
  const { result } = await h.execute(attestIsolation);
  return { rec: result.record as Attestation, message: result.message, holds: result.verdict?.holds };
}

const fromFrontend = (rec: Attestation) => rec.ingress.filter((p) => /app=frontend/.test(p.source));

describe("attest-isolation", () => {
  it("before containment: a frontend-labelled probe connects and the miner pool is reachable, so the pod is not isolated", async () => {
    const h = new Harness(await openIncident());
    const plan = await h.plan(attestIsolation);
    expect(plan.blocked).toBeUndefined();
    expect(plan.warnings.map((w) => w.code)).toContain("ephemeral-container");
    expect(plan.changes.some((c) => c.field === "spec.ephemeralContainers")).toBe(true);
    // The commands a person could paste: a probe per source, the debug container, nc from it.
    expect(plan.commands).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kubectl --context \S+ -n shop run airlock-probe-1 --image=\S+@sha256:[0-9a-f]{64} --restart=Never --labels=app=frontend /),
        expect.stringMatching(/ -n shop exec airlock-probe-1 -- nc -zv -w 3 10\.\d+\.\d+\.\d+ 8080$/),
        expect.stringMatching(/ debug checkout-\S+ --image=\S+ --container=airlock-attest-manual --attach=false -- sleep 86400$/),
        expect.stringMatching(/ exec checkout-\S+ -c airlock-attest-manual -- nc -zv -w 3 198\.51\.100\.23 3333$/),
      ]),
    );

    const { rec, message, holds } = await attest(h);
    expect(holds).toBe(false);
    expect(message).toMatch(/^NOT ISOLATED/);
    // The policy recorded at open admits app=frontend: that probe connects on 8080.
    expect(fromFrontend(rec).map((p) => [p.port, p.result])).toEqual([[8080, "connected"]]);
    // A pod the policy does not admit is dropped, from another node and from the pod's own.
    expect(rec.ingress.filter((p) => !/app=frontend/.test(p.source)).every((p) => p.result === "timeout")).toBe(true);
    expect(rec.probePods.map((p) => p.source).join(" ")).toMatch(/another node .* own node/);
    expect(rec.verdicts.podIngress.state).toBe("not-isolated");
    // Egress is open: the miner pool (named by the logs and the held connection) and the metadata server.
    const egress = (host: string, port: number) => rec.egress.find((p) => p.target === host && p.port === port)?.result;
    expect(egress(MINER, 3333)).toBe("connected");
    expect(egress("169.254.169.254", 80)).toBe("connected");
    // kube-dns answers nothing to nc's empty datagram: silence, which proves nothing either way.
    expect(rec.egress.find((p) => p.port === 53 && p.protocol === "UDP")).toMatchObject({
      result: "no-reply",
      detail: expect.stringMatching(/silence is not proof/),
    });
    expect(rec.verdicts.podEgress.state).toBe("not-isolated");
    expect(rec.established.connections.some((c) => c.remote === `${MINER}:3333`)).toBe(true);
    expect(rec.established.datapath).toMatch(/Dataplane V2/);
    expect(rec.ephemeralContainer?.reused).toBe(false);
    expect(rec.document.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(rec.document.body).verdicts.podIngress.state).toBe("not-isolated");

    // Every probe pod it started is gone; the ephemeral container stays (and is reused next time).
    const left = await kubeApis(PAYMENTS).core.listNamespacedPod({ namespace: "shop", labelSelector: "airlock.io/probe" });
    expect(left.items.filter((p) => !p.metadata?.deletionTimestamp)).toEqual([]);
    expect(rec.probePods.every((p) => p.deleted)).toBe(true);
    const again = await attest(h);
    expect(again.rec.ephemeralContainer).toEqual({ name: rec.ephemeralContainer!.name, reused: true });
  });

  it("after the deny-all and the exclusion: every ingress probe from every admitted source and egress to the miner and the metadata server time out", async () => {
    const h = new Harness(await openIncident());
    await h.execute(labelQuarantine);
    await h.execute(excludeFromPolicies);
    await h.execute(applyDenyAll);
    await advanceClock(sim(), 600);
    const { rec, message, holds } = await attest(h);
    expect(rec.ingress.length).toBeGreaterThanOrEqual(3);
    expect(rec.ingress.every((p) => p.result === "timeout")).toBe(true);
    // The frontend peer comes from the policy recorded at open, though it no longer selects the pod.
    expect(fromFrontend(rec).length).toBeGreaterThan(0);
    expect(rec.egress.find((p) => p.target === MINER && p.port === 3333)?.result).toBe("timeout");
    expect(rec.egress.find((p) => p.target === "169.254.169.254")?.result).toBe("timeout");
    // Every TCP probe is dropped. The dropped kube-dns datagram is silence, as busybox reports it on
    // a real cluster: recorded as no-reply, neither a connection nor proof of isolation.
    expect(rec.egress.filter((p) => p.protocol === "TCP").every((p) => p.result === "timeout")).toBe(true);
    expect(rec.egress.filter((p) => p.protocol === "UDP").map((p) => [p.port, p.result])).toEqual([[53, "no-reply"]]);
    expect(rec.verdicts.podIngress.state).toBe("isolated");
    expect(rec.verdicts.podEgress).toMatchObject({
      state: "isolated",
      why: expect.stringMatching(/^Every TCP egress probe \(\d+\) timed out: .* UDP not provable by probe: 1 probe\(s\) \(10\.8\.0\.10:53\/udp\)/),
    });
    expect(rec.verdicts.nodeNetwork.state).toBe("not-isolated");
    // Dataplane V2 cut the miner's connection: from inside the pod it reads stalled.
    expect(rec.established.connections.find((c) => c.remote === `${MINER}:3333`)?.stalled).toBe(true);
    expect(holds).toBe(true);
    expect(message).toMatch(/^Isolated: .*1 no-reply.* UDP not provable by probe: 1 UDP probe\(s\) heard nothing back\.$/);
  });

  it("a listener the pod closed answers refused, which is reachability: not isolated", async () => {
    const pod = await compromisedPod();
    await simPost(sim(), `/_sim/pods/payments/shop/${pod}/listeners`, { close: [{ port: 8080 }] });
    const h = new Harness(await openIncident());
    const { rec, holds } = await attest(h);
    expect(fromFrontend(rec).map((p) => [p.port, p.result])).toEqual([[8080, "refused"]]);
    expect(rec.listening).toEqual([]);
    expect(rec.verdicts.podIngress.state).toBe("not-isolated");
    expect(rec.verdicts.podIngress.why).toMatch(/8080\/tcp from .*app=frontend.*: refused/);
    expect(holds).toBe(false);
  });

  it("also probes from the peers of a policy that selects the pod now but did not when the incident opened (namespace and pod selectors both)", async () => {
    const h = new Harness(await openIncident());
    await kubeApis(PAYMENTS).networking.createNamespacedNetworkPolicy({
      namespace: "shop",
      body: {
        metadata: { name: "allow-scanner" },
        spec: {
          podSelector: { matchLabels: { tier: "backend" } },
          policyTypes: ["Ingress"],
          ingress: [{ _from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: "role", operator: "In", values: ["scanner"] }] } }] }],
        },
      },
    });
    await advanceClock(sim(), 10); // past the simulator's policy propagation delay
    const { rec } = await attest(h);
    expect(rec.policies.recorded).toEqual(["allow-checkout-from-frontend"]);
    const scanner = rec.ingress.filter((p) => /role=scanner/.test(p.source));
    expect(scanner.map((p) => [p.port, p.result])).toEqual([[8080, "connected"]]);
    expect(scanner[0].why).toMatch(/admitted by allow-scanner: namespaces any, pods role In \(scanner\)/);
  });

  it("on storefront (no NetworkPolicy enforcement) says not isolated, and why", async () => {
    const pods = await kubeApis(STOREFRONT).core.listNamespacedPod({ namespace: "shop", labelSelector: "app=frontend" });
    const h = new Harness(await openIncident(STOREFRONT, "shop", pods.items[0].metadata!.name!));
    const { rec, holds, message } = await attest(h);
    expect(holds).toBe(false);
    expect(rec.enforcement.enforced).toBe(false);
    for (const v of [rec.verdicts.podIngress, rec.verdicts.podEgress]) {
      expect(v.state).toBe("not-isolated");
      expect(v.why).toMatch(/does not enforce NetworkPolicy/);
    }
    expect(rec.established.datapath).toMatch(/nothing cuts established connections/);
    expect(message).toMatch(/^NOT ISOLATED/);
  });

  // storefront's nodes are in a dual-stack subnetwork: the IPv4 denies alone leave IPv6 open.
  it("on a dual-stack subnetwork calls the node isolated only while the IPv6 denies apply too", async () => {
    const pods = await kubeApis(STOREFRONT).core.listNamespacedPod({ namespace: "shop", labelSelector: "app=frontend" });
    const h = new Harness(await openIncident(STOREFRONT, "shop", pods.items[0].metadata!.name!));
    await h.execute(tagNode);
    expect((await h.execute(firewallIsolate, { sshSourceRange: "203.0.113.7" })).result.outcome).toBe("success");
    const isolated = (await attest(h)).rec.verdicts.nodeNetwork;
    expect(isolated.state).toBe("isolated");
    expect(isolated.why).toMatch(/quarantine-ingress-deny-ipv6 apply/);
    await shell(sim(), "gcloud compute firewall-rules delete quarantine-ingress-deny-ipv6 --quiet");
    const open = (await attest(h)).rec.verdicts.nodeNetwork;
    expect(open.state).toBe("not-isolated");
    expect(open.why).toMatch(/dual-stack and quarantine-ingress-deny-ipv6 does not/);
  });

  it("keeps the attestation when the subnetwork cannot be read, with the node unknown (IPv6 not proven), never isolated", async () => {
    const pods = await kubeApis(STOREFRONT).core.listNamespacedPod({ namespace: "shop", labelSelector: "app=frontend" });
    const h = new Harness(await openIncident(STOREFRONT, "shop", pods.items[0].metadata!.name!));
    await h.execute(tagNode);
    await h.execute(firewallIsolate, { sshSourceRange: "203.0.113.7" });
    await simPost(sim(), "/_sim/faults", { path: "/subnetworks/", method: "GET", rate: 1, status: 403 });
    try {
      const node = (await attest(h)).rec.verdicts.nodeNetwork;
      expect(node.state).toBe("unknown");
      expect(node.why).toMatch(/dual-stack could not be read: IPv6 isolation is not proven/);
    } finally {
      await fetch(`${sim().base}/_sim/faults`, { method: "DELETE" });
    }
  });

  it("creates every probe pod before it adds the ephemeral container, so their kubelets start them while the egress side gets ready", async () => {
    const h = new Harness(await openIncident());
    const since = await simRequestSeq(sim());
    const { rec } = await attest(h);
    const writes = await simWritesSince(sim(), since);
    const creates = writes.flatMap((w, i) => (/^POST \S*\/namespaces\/shop\/pods$/.test(w) ? [i] : []));
    const ephemeral = writes.findIndex((w) => /\/ephemeralcontainers$/.test(w));
    expect(creates.length).toBe(rec.probePods.length);
    expect(creates.length).toBeGreaterThanOrEqual(3);
    expect(ephemeral).toBeGreaterThan(Math.max(...creates));
  });

  it("verifies from the last attestation's record without writing to the cluster", async () => {
    const h = new Harness(await openIncident());
    expect((await h.verify(attestIsolation)).message).toMatch(/No attestation on record/);
    await h.execute(attestIsolation);
    const since = await simRequestSeq(sim());
    const v = await h.verify(attestIsolation);
    expect(v.holds).toBe(false);
    expect(v.message).toMatch(/^Last attestation at .* \(\d+ min ago, SHA-256 [0-9a-f]{12}…\): NOT ISOLATED.* Run attest-isolation again to probe now\.$/);
    expect(await simWritesSince(sim(), since)).toEqual([]);
  });
});
