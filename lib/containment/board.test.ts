import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { listEntries } from "@/lib/audit/append";
import { computeClients } from "@/lib/gcp/clients";
import { kubeApis } from "@/lib/kube/clients";
import type { Db } from "@/lib/store";
import { boardRows, containmentBoard, ISOLATION_VERIFIED, recordedTimeToContain, type BoardRow, type LayerId } from "./board";
import { createIncident } from "./incidents";
import { latestSucceeded } from "./runs";
import { applyDenyAll } from "./steps/apply-deny-all";
import { collectEvidence } from "./steps/collect-evidence";
import { cordonNode } from "./steps/cordon-node";
import { detachServices } from "./steps/detach-services";
import { excludeFromPolicies } from "./steps/exclude-from-policies";
import { firewallIsolate } from "./steps/firewall-isolate";
import { labelQuarantine } from "./steps/label-quarantine";
import { attestIsolation } from "./steps/attest-isolation";
import { revokeCredentials } from "./steps/revoke-credentials";
import { snapshotNodeDisk } from "./steps/snapshot-node-disk";
import { tagNode } from "./steps/tag-node";
import { EGRESS_DENY } from "./steps/support/firewall";
import { DENY_ALL_NAME } from "./steps/support/policies";
import { advanceClock, Harness, openIncident, PAYMENTS } from "./steps/support/testing";
import { useDemoSim } from "./steps/support/testing-hooks";
import type { AnyStep } from "./types";
import { caller, freshDb } from "./testing";

// Clusters whose NetworkPolicy enforcement a test makes undetermined (no GKE description to decide from).
const undetermined = vi.hoisted(() => new Set<string>());
vi.mock("@/lib/clusters/registry", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/clusters/registry")>();
  return {
    ...real,
    getCluster: async (id: string) => {
      const c = await real.getCluster(id);
      return undetermined.has(id) ? { ...c, networkPolicy: { enforced: false, determined: false, reason: "unknown: no GKE description for this cluster" } } : c;
    },
  };
});

// Every state the board shows, driven in the simulator through the steps and out-of-band API calls.
const { sim } = useDemoSim();
const STOREFRONT = "gke_acme-prod_us-central1_storefront";
const SSH = { sshSourceRange: "203.0.113.7" };

let db: Db;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ db, close } = await freshDb());
});
afterAll(async () => {
  await close?.();
});

const byLayer = (rows: BoardRow[], layer: LayerId): BoardRow => rows.find((r) => r.layer === layer)!;

/** Undo as the executor records it: the execution marked undone, an undo run after it. */
async function undoRecorded(h: Harness, step: AnyStep) {
  const done = latestSucceeded(h.runs, step.id)!;
  const result = await h.undo(step);
  const at = new Date().toISOString();
  h.runs.push(
    { ...done, status: "undone" },
    { ...done, id: `${done.id}-undo`, operation: "undo", status: result.outcome === "noop" ? "noop" : "succeeded", started_at: at, finished_at: at },
  );
}

/** The board as it reads after the deny-all's propagation window ended. */
function afterWindow(h: Harness): number {
  const rec = JSON.parse(latestSucceeded(h.runs, "apply-deny-all")!.record!) as { effectiveAt: string };
  return Date.parse(rec.effectiveAt) + 1000;
}

/** Ends the deny-all's window now (the simulator's clock does not move the console's). */
function windowOver(h: Harness) {
  const run = latestSucceeded(h.runs, "apply-deny-all")!;
  run.record = JSON.stringify({ ...JSON.parse(run.record!), effectiveAt: new Date(Date.now() - 1000).toISOString() });
}

async function isolatedPod(h: Harness) {
  await h.execute(labelQuarantine);
  await h.execute(excludeFromPolicies);
  await h.execute(applyDenyAll);
}

describe("containment board", () => {
  it("shows every layer not started on a fresh incident, and says a stolen token still works", async () => {
    const h = new Harness(await openIncident());
    const rows = await boardRows(h.incident, h.runs);
    expect(rows.map((r) => r.layer)).toEqual(["workload", "pod-ingress", "pod-egress", "services", "node-network", "credentials", "evidence"]);
    for (const r of rows) expect(r.state, r.layer).toBe("not-started");
    expect(byLayer(rows, "credentials").why).toMatch(/stolen service-account token still works from outside the pod until revoke-credentials runs/);
    expect(byLayer(rows, "services").why).toMatch(/checkout/);
  });

  it("credentials: in effect once revoke-credentials verifies, released after its undo", async () => {
    const h = new Harness(await openIncident());
    await h.execute(revokeCredentials);
    const contained = byLayer(await boardRows(h.incident, h.runs), "credentials");
    expect(contained.state, contained.why).toBe("in-effect");
    await undoRecorded(h, revokeCredentials);
    expect(byLayer(await boardRows(h.incident, h.runs), "credentials").state).toBe("released");
  });

  it("pod network: pending during the propagation window, unproven (never green) after it until attested, not contained once the policy is deleted out of band", async () => {
    const h = new Harness(await openIncident());
    await isolatedPod(h);
    const pending = await boardRows(h.incident, h.runs);
    expect(byLayer(pending, "pod-ingress").state).toBe("pending-propagation");
    expect(byLayer(pending, "pod-egress").state).toBe("pending-propagation");
    expect(byLayer(pending, "pod-ingress").why).toMatch(/propagation window ends at/);

    // The deny-all is in place and nothing else admits traffic, but no probe has tested it.
    const now = afterWindow(h);
    const unproven = await boardRows(h.incident, h.runs, null, now);
    for (const layer of ["pod-ingress", "pod-egress"] as const) {
      expect(byLayer(unproven, layer).state).toBe("unproven");
      expect(byLayer(unproven, layer).why).toMatch(
        /^In place: airlock-quarantine-deny-all selects the pod and no other policy allows \w+; propagation window ended at .*\. Not proven: no attestation has tested it since the window ended; run attest-isolation to prove it\.$/,
      );
      expect(byLayer(unproven, layer).provenAt).toBeUndefined();
    }
    expect(byLayer(unproven, "pod-ingress").evidence.map((e) => e.label)).toContain(`NetworkPolicy shop/${DENY_ALL_NAME}`);

    // Someone deletes the policy with the real API, not through Airlock.
    await kubeApis(PAYMENTS).networking.deleteNamespacedNetworkPolicy({ name: DENY_ALL_NAME, namespace: "shop" });
    const gone = await boardRows(h.incident, h.runs, null, now);
    for (const layer of ["pod-ingress", "pod-egress"] as const) {
      expect(byLayer(gone, layer).state).toBe("not-contained");
      expect(byLayer(gone, layer).why).toMatch(/does not exist.*removed or changed outside Airlock/);
    }
  });

  it("pod network: not contained while an allow policy still admits ingress, and when the label is removed", async () => {
    const h = new Harness(await openIncident());
    await h.execute(labelQuarantine);
    await h.execute(applyDenyAll);
    const rows = await boardRows(h.incident, h.runs, null, afterWindow(h));
    expect(byLayer(rows, "pod-ingress").state).toBe("not-contained");
    expect(byLayer(rows, "pod-ingress").why).toMatch(/allow-checkout-from-frontend still selects the pod and allows ingress/);

    await h.execute(excludeFromPolicies);
    const t = h.incident.targets;
    await kubeApis(PAYMENTS).core.patchNamespacedPod({ name: t.pod, namespace: t.namespace, body: [{ op: "remove", path: "/metadata/labels/quarantine" }] });
    const unlabelled = await boardRows(h.incident, h.runs, null, afterWindow(h));
    expect(byLayer(unlabelled, "pod-egress").state).toBe("not-contained");
    expect(byLayer(unlabelled, "pod-egress").why).toMatch(/selects nothing for this pod.*does not carry quarantine=true/);
  });

  it("pod ingress and egress read the last attestation (it never starts a probe), with its age: open is not contained", async () => {
    const h = new Harness(await openIncident());
    await isolatedPod(h);
    await advanceClock(sim(), 600);
    windowOver(h);
    await h.execute(attestIsolation);
    const isolated = await boardRows(h.incident, h.runs);
    const attestedAt = (JSON.parse(h.runs.at(-1)!.record!) as { at: string }).at;
    for (const layer of ["pod-ingress", "pod-egress"] as const) {
      expect(byLayer(isolated, layer).state).toBe("in-effect");
      expect(byLayer(isolated, layer).provenAt).toBe(attestedAt);
      expect(byLayer(isolated, layer).why).toMatch(
        /the last attestation \(.*, \d+ min ago; recorded, not re-probed\) found it isolated: Every (TCP )?\w+ probe \(\d+\) timed out/,
      );
      expect(byLayer(isolated, layer).evidence.some((e) => e.kind === "probe" && /attest-isolation at .* timeout/.test(e.label))).toBe(true);
    }
    const probesBefore = (await kubeApis(PAYMENTS).core.listNamespacedPod({ namespace: "shop", labelSelector: "airlock.io/probe" })).items.length;

    // A recorded attestation that found egress open after the window: the board believes it.
    const last = h.runs.at(-1)!;
    const rec = JSON.parse(last.record!);
    rec.verdicts.podEgress = { state: "not-isolated", why: "1 egress probe(s) got through: 198.51.100.23:3333/tcp: connected." };
    h.runs.push({ ...last, id: "run-open", record: JSON.stringify(rec) });
    const open = await boardRows(h.incident, h.runs);
    expect(byLayer(open, "pod-ingress").state).toBe("in-effect");
    expect(byLayer(open, "pod-egress").state).toBe("not-contained");
    expect(byLayer(open, "pod-egress").why).toMatch(/^The last attestation .* found egress open: 1 egress probe\(s\) got through: 198\.51\.100\.23:3333/);
    const probesAfter = (await kubeApis(PAYMENTS).core.listNamespacedPod({ namespace: "shop", labelSelector: "airlock.io/probe" })).items.length;
    expect(probesAfter).toBe(probesBefore);
  });

  it("pod network: released after the deny-all is undone and the read shows it gone; unproven when it is re-created out of band", async () => {
    const h = new Harness(await openIncident());
    await isolatedPod(h);
    const policy = await kubeApis(PAYMENTS).networking.readNamespacedNetworkPolicy({ name: DENY_ALL_NAME, namespace: "shop" });
    await undoRecorded(h, applyDenyAll);
    const rows = await boardRows(h.incident, h.runs);
    expect(byLayer(rows, "pod-ingress").state).toBe("released");
    expect(byLayer(rows, "pod-egress").why).toMatch(/deny-all was undone at .*The live read confirms it is gone\./);

    // Someone puts the same policy back with the real API: the undo run no longer decides.
    const { metadata, spec } = policy;
    await kubeApis(PAYMENTS).networking.createNamespacedNetworkPolicy({
      namespace: "shop",
      body: { metadata: { name: metadata!.name, labels: metadata!.labels, annotations: metadata!.annotations }, spec },
    });
    const back = await boardRows(h.incident, h.runs);
    for (const layer of ["pod-ingress", "pod-egress"] as const) {
      expect(byLayer(back, layer).state).toBe("unproven");
      expect(byLayer(back, layer).why).toMatch(/deny-all was undone at .* But .*re-created outside Airlock\?\).*run attest-isolation to prove it/);
    }
  });

  it("egress on a cluster without NetworkPolicy enforcement is not contained, and says why", async () => {
    const pods = await kubeApis(STOREFRONT).core.listNamespacedPod({ namespace: "shop", labelSelector: "app=frontend" });
    const h = new Harness(await openIncident(STOREFRONT, "shop", pods.items[0].metadata!.name!));
    const before = await boardRows(h.incident, h.runs);
    expect(byLayer(before, "pod-egress").why).toMatch(/does not enforce NetworkPolicy/);
    await h.execute(labelQuarantine);
    await h.execute(applyDenyAll);
    const rows = await boardRows(h.incident, h.runs, null, afterWindow(h));
    expect(byLayer(rows, "pod-egress").state).toBe("not-contained");
    expect(byLayer(rows, "pod-egress").why).toMatch(/does not enforce NetworkPolicy.*no effect/);
  });

  it("pod network on a cluster whose enforcement is not known says not proven, never that it does not enforce", async () => {
    const h = new Harness(await openIncident());
    undetermined.add(PAYMENTS);
    try {
      const before = await boardRows(h.incident, h.runs);
      expect(byLayer(before, "pod-egress").state).toBe("not-started");
      expect(byLayer(before, "pod-egress").why).toMatch(/whether this cluster enforces NetworkPolicy is not known \(unknown: .*not proven to help/);
      expect(byLayer(before, "pod-egress").why).not.toMatch(/does not enforce/);
      undetermined.delete(PAYMENTS);
      await isolatedPod(h);
      undetermined.add(PAYMENTS);
      const rows = await boardRows(h.incident, h.runs, null, afterWindow(h));
      for (const layer of ["pod-ingress", "pod-egress"] as const) {
        expect(byLayer(rows, layer).state).toBe("not-contained");
        expect(byLayer(rows, layer).why).toMatch(/exists, but whether this cluster enforces NetworkPolicy is not known.*its effect is not proven/);
        expect(byLayer(rows, layer).why).not.toMatch(/does not enforce|has no effect/);
      }
    } finally {
      undetermined.delete(PAYMENTS);
    }
  });

  it("workload: in effect when cordoned, not contained when uncordoned out of band, released after undo", async () => {
    const h = new Harness(await openIncident());
    await h.execute(cordonNode);
    expect(byLayer(await boardRows(h.incident, h.runs), "workload").state).toBe("in-effect");
    await kubeApis(PAYMENTS).core.patchNode({ name: h.incident.targets.node!, body: [{ op: "replace", path: "/spec/unschedulable", value: false }] });
    const un = byLayer(await boardRows(h.incident, h.runs), "workload");
    expect(un.state).toBe("not-contained");
    expect(un.why).toMatch(/cordon-node ran, but node .* is schedulable/);
    await h.execute(cordonNode);
    await undoRecorded(h, cordonNode);
    const released = byLayer(await boardRows(h.incident, h.runs), "workload");
    expect(released.state).toBe("released");
    expect(released.why).toMatch(/^Undone: cordon-node at .*\. The live read confirms it is gone\.$/);

    // Cordoned again outside Airlock after the undo: the board says what the node shows, not what the runs say.
    await kubeApis(PAYMENTS).core.patchNode({ name: h.incident.targets.node!, body: [{ op: "replace", path: "/spec/unschedulable", value: true }] });
    const back = byLayer(await boardRows(h.incident, h.runs), "workload");
    expect(back.state).toBe("in-effect");
    expect(back.why).toMatch(
      /^Undone: cordon-node at .*\. But the live read shows it in place again \(re-applied outside Airlock\?\): cordon-node: .*cordoned/,
    );
  });

  it("node network: in effect with the effective firewalls, not contained when a rule is deleted out of band", async () => {
    const h = new Harness(await openIncident());
    await h.execute(tagNode);
    const tagged = byLayer(await boardRows(h.incident, h.runs), "node-network");
    expect(tagged.state).toBe("not-contained");
    expect(tagged.why).toMatch(/firewall rules were not applied/);
    await h.execute(firewallIsolate, SSH);
    const on = byLayer(await boardRows(h.incident, h.runs), "node-network");
    expect(on.state).toBe("in-effect");
    expect(on.evidence.filter((e) => e.kind === "firewall").map((e) => e.label)).toContain(`effective firewall ${EGRESS_DENY}`);
    await computeClients().firewalls.delete({ project: h.incident.targets.instance!.project, firewall: EGRESS_DENY });
    const off = byLayer(await boardRows(h.incident, h.runs), "node-network");
    expect(off.state).toBe("not-contained");
    expect(off.why).toMatch(/quarantine-egress-deny is missing/);
    await undoRecorded(h, firewallIsolate);
    await undoRecorded(h, tagNode);
    expect(byLayer(await boardRows(h.incident, h.runs), "node-network").state).toBe("released");
  });

  it("services and evidence: in effect from live reads and the stored artifacts' hashes", async () => {
    const h = new Harness(await openIncident());
    await h.execute(detachServices, { mode: { checkout: "delete" } });
    await h.execute(collectEvidence);
    await h.execute(snapshotNodeDisk);
    const rows = await boardRows(h.incident, h.runs);
    expect(byLayer(rows, "services").state).toBe("in-effect");
    expect(byLayer(rows, "services").why).toMatch(/No Service routes to the pod/);
    expect(byLayer(rows, "evidence").state).toBe("in-effect");
    expect(byLayer(rows, "evidence").why).toMatch(/artifacts collected .* every SHA-256 matches.*Snapshot .* is READY/);

    // A Service that selects the pod again (recreated out of band): not contained.
    const t = h.incident.targets;
    const pod = await kubeApis(PAYMENTS).core.readNamespacedPod({ name: t.pod, namespace: t.namespace });
    await kubeApis(PAYMENTS).core.createNamespacedService({
      namespace: t.namespace,
      body: { metadata: { name: "checkout-again" }, spec: { selector: { app: pod.metadata!.labels!.app }, ports: [{ port: 80 }] } },
    });
    const back = byLayer(await boardRows(h.incident, h.runs), "services");
    expect(back.state).toBe("not-contained");
    expect(back.why).toMatch(/detach-services ran, but still routing to the pod: checkout-again/);
  });

  it("stops the clock at the attestation's time, not when the board is read; an unproven row never stops it; recorded once, so it survives release", async () => {
    const h = new Harness(await openIncident());
    const inc = await createIncident(caller("analyst@demo.local", "analyst"), { title: "Miner", severity: "high", targets: h.incident.targets });
    h.incident = inc;
    await isolatedPod(h);
    const start = Date.now();
    const ago = (s: number) => new Date(start - s * 1000).toISOString();
    // Opened 10 minutes ago; the deny-all's window ended 3 minutes ago; the attestation ran 2 minutes ago (T1).
    const openedAt = ago(600);
    await db.updateTable("incidents").set({ created_at: openedAt }).where("id", "=", inc.id).execute();
    const shift = (stepId: string, patch: Record<string, string>) => {
      for (const r of h.runs) if (r.step_id === stepId && r.record) r.record = JSON.stringify({ ...JSON.parse(r.record), ...patch });
    };
    shift("apply-deny-all", { effectiveAt: ago(180) });
    const store = async () => {
      await db.deleteFrom("step_runs").where("incident_id", "=", inc.id).execute();
      await db
        .insertInto("step_runs")
        .values(h.runs.map((r, i) => ({ ...r, id: `${inc.id}-${i}`, incident_id: inc.id })))
        .execute();
    };
    const isolations = async () => (await listEntries(db, { incidentId: inc.id })).filter((e) => e.kind === ISOLATION_VERIFIED);

    // In place but not attested: amber, and the clock keeps running.
    await store();
    const unproven = await containmentBoard(inc.id);
    expect(unproven.rows.find((r) => r.layer === "pod-ingress")!.state).toBe("unproven");
    expect(unproven.timeToContain).toMatchObject({ containedAt: null, containedBy: null, seconds: null });
    expect(await isolations()).toHaveLength(0);

    await advanceClock(sim(), 600); // the simulator enforces the policy once its own delay passed
    await h.execute(attestIsolation);
    const t1 = ago(120);
    shift("attest-isolation", { at: t1 });
    await store();
    const first = await containmentBoard(inc.id); // read at T2, two minutes after T1
    const ingress = first.rows.find((r) => r.layer === "pod-ingress")!;
    expect(ingress.state, ingress.why).toBe("in-effect");
    expect(Date.parse(first.checkedAt) - Date.parse(t1)).toBeGreaterThanOrEqual(120_000);
    expect(first.timeToContain.containedAt).toBe(t1);
    expect(first.timeToContain.containedBy).toBe("pod-ingress");
    expect(first.timeToContain.openedAt).toBe(openedAt);
    expect(first.timeToContain.openedFrom).toBe("incident");
    expect(first.timeToContain.seconds).toBe(480);
    const [entry] = await isolations();
    expect(entry.details).toMatchObject({ layer: "pod-ingress", containedAt: t1 });

    await undoRecorded(h, applyDenyAll);
    await store();
    const after = await containmentBoard(inc.id);
    expect(after.rows.find((r) => r.layer === "pod-ingress")!.state).toBe("released");
    expect(after.timeToContain).toEqual(first.timeToContain);
    expect(await isolations()).toHaveLength(1);
    expect((await recordedTimeToContain(db, [{ ...inc, createdAt: openedAt }])).get(inc.id)).toEqual(first.timeToContain);
  });

  it("node network: proven when the executor's verification of the runs held, the latest of the two", async () => {
    const h = new Harness(await openIncident());
    await h.execute(tagNode);
    await h.execute(firewallIsolate, SSH);
    const [tag, fw] = ["tag-node", "firewall-isolate"].map((id) => latestSucceeded(h.runs, id)!);
    const now = Date.now();
    const at = (s: number) => new Date(now - s * 1000).toISOString();
    const verdicts = new Map([
      [tag.id, { holds: true, message: "tagged", at: at(300) }],
      [fw.id, { holds: true, message: "rules", at: at(240) }],
    ]);
    expect(byLayer(await boardRows(h.incident, h.runs, null, now, verdicts), "node-network")).toMatchObject({ state: "in-effect", provenAt: at(240) });
    // A run whose verification did not hold was proven only by this read.
    verdicts.set(fw.id, { holds: false, message: "missing", at: at(240) });
    expect(byLayer(await boardRows(h.incident, h.runs, null, now, verdicts), "node-network").provenAt).toBe(new Date(now).toISOString());
  });
});
