import "server-only";
import type { V1NetworkPolicy } from "@kubernetes/client-node";
import { firstAlertTimes } from "@/lib/alerts/store";
import { appendEntry } from "@/lib/audit/append";
import { getCluster } from "@/lib/clusters/registry";
import { listEvidence } from "@/lib/evidence/list";
import type { EvidenceList } from "@/lib/evidence/types";
import { getDb, type Db } from "@/lib/store";
import { stepContext } from "./context";
import type { StepRunRow } from "./db";
import { stepStatus, verdictsOf, type RunVerdict, type StepStatus } from "./detail";
import { readableReason } from "./errors";
import { requireIncident, timelineTargets } from "./incidents";
import { listRuns, parseRecord, runInEffect } from "./runs";
import { getStep } from "./registry";
import { safeParams } from "./run-params";
import { attestationAge, attestIsolation } from "./steps/attest-isolation";
import { readIncidentPod } from "./steps/support/kube";
import { allowPoliciesSelecting, DENY_ALL_NAME, listPolicies } from "./steps/support/policies";
import type { Incident, VerifyResult } from "./types";
import type { BoardLink, BoardRow, ContainmentBoard, LayerId, LayerState, TimeToContain } from "./board-types";

export type { BoardLink, BoardRow, ContainmentBoard, LayerId, LayerState, TimeToContain };

// The containment board: one row per layer, each state read from live facts through the steps'
// own read-only `verify` and the incident's runs. "The step ran" is never a state by itself: a
// deny-all deleted out of band is "not-contained" even though apply-deny-all succeeded.
// Green (`in-effect`) only once proven: a pod-network row whose deny-all is in place but which no
// attestation has tested since its window ended is `unproven` (amber), and does not stop the clock.
// Building the board never changes the cluster or the cloud; the only write is the one-time
// "isolation-verified" timeline entry that fixes the time-to-contain clock at the proof's own time.

/** Layers whose verified effect counts as isolation for the time-to-contain clock. */
export const ISOLATION_LAYERS: readonly LayerId[] = ["pod-ingress", "pod-egress", "node-network"];
export const ISOLATION_VERIFIED = "isolation-verified";

export const LAYER_TITLES: Record<LayerId, string> = {
  workload: "Workload (cordoned, drained, orphaned)",
  "pod-ingress": "Pod network: ingress",
  "pod-egress": "Pod network: egress",
  services: "Services",
  "node-network": "Node network",
  credentials: "Credentials",
  evidence: "Evidence (artifacts, snapshot)",
};

const ACTIVE: ReadonlySet<StepStatus> = new Set(["succeeded", "noop"]);

type Facts = {
  incident: Incident;
  runs: StepRunRow[];
  evidence: EvidenceList | null;
  now: number;
  /** The executor's verification of each run, by run id (its `verify` timeline entries). */
  verdicts: Map<string, RunVerdict>;
  verify(stepId: string): Promise<VerifyResult>;
  /** `decidedBy`: the run whose record is in force (after a failed undo, the execution it did not reverse); `last` for the run links. */
  status(stepId: string): ReturnType<typeof stepStatus>;
};

/** Reads a step's effect live (its read-only verify). */
export type StepVerifier = (stepId: string) => Promise<VerifyResult>;

/**
 * Each step's verify, run at most once per step for this incident and its runs, with the params
 * of the run in force (runInEffect, as release does; else the step's last execution, for the
 * reads after an undo). The report shares one with the board, so a report
 * reads each step once.
 */
export function stepVerifier(incident: Incident, runs: StepRunRow[]): StepVerifier {
  const cache = new Map<string, Promise<VerifyResult>>();
  return (stepId) => {
    let p = cache.get(stepId);
    if (!p) {
      p = (async () => {
        const step = getStep(stepId);
        if (!step) return { holds: false, checked: false, message: `Step ${stepId} is not registered.` };
        const exec = runInEffect(runs, stepId) ?? runs.filter((r) => r.step_id === stepId && r.operation === "execute").at(-1);
        try {
          return await step.verify(stepContext(incident, step, safeParams(exec?.params), runs));
        } catch (err) {
          // What cannot be read cannot be claimed: the layer is not shown as contained.
          return { holds: false, checked: false, message: `Could not verify ${stepId}: ${readableReason(err, { step: stepId, phase: "board" }).message}` };
        }
      })();
      cache.set(stepId, p);
    }
    return p;
  };
}

function facts(
  incident: Incident,
  runs: StepRunRow[],
  evidence: EvidenceList | null,
  now: number,
  verdicts: Map<string, RunVerdict>,
  verify: StepVerifier,
): Facts {
  return { incident, runs, evidence, now, verdicts, verify, status: (id) => stepStatus(runs, id) };
}

const runLink = (stepId: string, r: StepRunRow | null): BoardLink[] =>
  r ? [{ kind: "run", label: `${stepId} ${r.operation} ${r.status} at ${r.finished_at ?? r.started_at} by ${r.actor}` }] : [];

const row = (layer: LayerId, state: LayerState, why: string, evidence: BoardLink[] = [], provenAt?: string): BoardRow => ({
  layer,
  title: LAYER_TITLES[layer],
  state,
  why,
  evidence,
  ...(provenAt ? { provenAt } : {}),
});

const undoneAt = (r: StepRunRow | null) => r?.finished_at ?? r?.started_at;

/**
 * After an undo, "released" is a live read too: each undone step's verify says whether its effect
 * is gone. `back` lists the ones the read still (or again) finds in place, with their messages;
 * `unread` the ones whose state could not be read.
 */
async function afterUndo(f: Facts, stepIds: string[]): Promise<{ back: { id: string; message: string }[]; unread: string[] }> {
  const checks = await Promise.all(stepIds.map(async (id) => ({ id, v: await f.verify(id) })));
  return {
    back: checks.filter((c) => c.v.holds).map((c) => ({ id: c.id, message: c.v.message })),
    unread: checks.filter((c) => c.v.checked === false).map((c) => c.v.message),
  };
}

/** "Undone: … at …." and, when the live state could not be read, that it was not confirmed gone. */
function releasedWhy(undone: string, unread: string[]): string {
  return unread.length ? `${undone} Not confirmed gone: ${unread.join(" ")}` : `${undone} The live read confirms it is gone.`;
}

/**
 * A layer made of several steps: not-started until one ran; released when every one that ran
 * was undone; otherwise each one still in place is verified live and any that fails makes the
 * layer not-contained, with that step's own reason.
 */
async function stepsLayer(f: Facts, layer: LayerId, stepIds: string[], links: BoardLink[] = []): Promise<BoardRow> {
  const st = stepIds.map((id) => ({ id, ...f.status(id) }));
  const active = st.filter((s) => ACTIVE.has(s.status));
  const evidence = [...st.flatMap((s) => runLink(s.id, s.last)), ...links];
  if (!active.length) {
    if (st.some((s) => s.status === "undone")) {
      const undone = st.filter((s) => s.status === "undone");
      const said = `Undone: ${undone.map((s) => `${s.id} at ${undoneAt(s.last)}`).join(", ")}.`;
      const { back, unread } = await afterUndo(
        f,
        undone.map((s) => s.id),
      );
      // Re-applied outside Airlock (or the undo did not take): what the read shows wins over the run.
      if (back.length) {
        return row(
          layer,
          "in-effect",
          `${said} But the live read shows it in place again (re-applied outside Airlock?): ${back.map((b) => `${b.id}: ${b.message}`).join(" ")}`,
          evidence,
        );
      }
      return row(layer, "released", releasedWhy(said, unread), evidence);
    }
    const failed = st.filter((s) => s.status === "failed" || s.status === "running");
    return row(
      layer,
      "not-started",
      failed.length ? `Nothing in effect: ${failed.map((s) => `${s.id} ${s.status}`).join(", ")}.` : `Not started: none of ${stepIds.join(", ")} has run.`,
      evidence,
    );
  }
  const checks = await Promise.all(active.map(async (s) => ({ id: s.id, v: await f.verify(s.id) })));
  const failing = checks.filter((c) => !c.v.holds);
  if (failing.length) {
    return row(layer, "not-contained", failing.map((c) => `${c.id} ran, but ${lowerFirst(c.v.message)}`).join(" "), evidence);
  }
  return row(layer, "in-effect", checks.map((c) => c.v.message).join(" "), evidence);
}

const lowerFirst = (s: string) => (s ? s[0].toLowerCase() + s.slice(1) : s);

/**
 * Whether the cluster enforces NetworkPolicy: true, false, or null when Airlock cannot tell (no
 * GKE description, or the cluster's facts could not be read), as preflight branches on it.
 */
async function enforcement(f: Facts): Promise<{ enforced: boolean | null; reason: string }> {
  try {
    const c = await getCluster(f.incident.targets.cluster);
    return { enforced: c.networkPolicy.determined ? c.networkPolicy.enforced : null, reason: c.networkPolicy.reason ?? "" };
  } catch (err) {
    return { enforced: null, reason: `cluster facts could not be read (${readableReason(err, { phase: "board" }).message})` };
  }
}

/** Why a deny-all is not known to work here: a cluster that does not enforce, or one whose enforcement is not known. */
const unenforced = (enf: { enforced: boolean | null; reason: string }): string =>
  enf.enforced === false
    ? `this cluster does not enforce NetworkPolicy (${enf.reason || "no enforcement"})`
    : `whether this cluster enforces NetworkPolicy is not known (${enf.reason || "undetermined"})`;

function allowsDirection(p: V1NetworkPolicy, direction: "ingress" | "egress"): boolean {
  const types = p.spec?.policyTypes ?? (p.spec?.egress ? ["Ingress", "Egress"] : ["Ingress"]);
  if (direction === "ingress") return types.includes("Ingress") && (p.spec?.ingress ?? []).length > 0;
  return types.includes("Egress") && (p.spec?.egress ?? []).length > 0;
}

/** Pod ingress and egress: the deny-all exists as ours, selects the pod, nothing else admits that direction, and its window is over. */
async function podNetworkRows(f: Facts): Promise<[BoardRow, BoardRow]> {
  const t = f.incident.targets;
  const deny = f.status("apply-deny-all");
  const [enf, label] = await Promise.all([enforcement(f), f.status("label-quarantine").status === "not-run" ? null : f.verify("label-quarantine")]);
  const policyLink: BoardLink = {
    kind: "policy",
    label: `NetworkPolicy ${t.namespace}/${DENY_ALL_NAME}`,
    href: `/clusters/${encodeURIComponent(t.cluster)}/networkpolicies`,
  };
  const links = [...runLink("apply-deny-all", deny.last)];
  const both = (state: LayerState, why: string, extra: BoardLink[] = []): [BoardRow, BoardRow] => [
    row("pod-ingress", state, why, [...links, ...extra]),
    row("pod-egress", state, why, [...links, ...extra]),
  ];

  if (!ACTIVE.has(deny.status)) {
    if (deny.status === "undone") {
      const said = `The deny-all was undone at ${undoneAt(deny.last)} by ${deny.last?.actor}.`;
      const { back, unread } = await afterUndo(f, ["apply-deny-all"]);
      if (back.length) {
        return both(
          "unproven",
          `${said} But ${lowerFirst(back[0].message)} (re-created outside Airlock?): it is not proven to isolate the pod; run attest-isolation to prove it, or delete it.`,
          [policyLink],
        );
      }
      return both("released", releasedWhy(said, unread));
    }
    return both(
      "not-started",
      enf.enforced === true
        ? `No deny-all NetworkPolicy applied${deny.status === "failed" ? " (apply-deny-all failed)" : ""}.`
        : enf.enforced === false
          ? `No deny-all applied, and ${unenforced(enf)}, so one would not help: isolate the node instead.`
          : `No deny-all applied, and ${unenforced(enf)}, so one is not proven to help: confirm enforcement, or isolate the node.`,
    );
  }
  const v = await f.verify("apply-deny-all");
  if (!v.holds) {
    return both(
      "not-contained",
      `${v.message} apply-deny-all ran at ${deny.last?.finished_at ?? deny.last?.started_at}: the policy was removed or changed outside Airlock.`,
    );
  }
  if (enf.enforced !== true) {
    return both(
      "not-contained",
      enf.enforced === false
        ? `${DENY_ALL_NAME} exists, but ${unenforced(enf)}: it has no effect; isolate the node instead.`
        : `${DENY_ALL_NAME} exists, but ${unenforced(enf)}: its effect is not proven; confirm enforcement, or isolate the node.`,
      [policyLink],
    );
  }
  if (!label?.holds) {
    return both("not-contained", `${DENY_ALL_NAME} selects nothing for this pod: ${label ? label.message : "label-quarantine has not run."}`, [policyLink]);
  }
  const ctx = stepContext(f.incident, getStep("apply-deny-all")!, {}, f.runs);
  const [pod, policies] = await Promise.all([readIncidentPod(ctx), listPolicies(ctx)]);
  const allow = allowPoliciesSelecting(policies, pod?.metadata?.labels ?? {});
  const effectiveAt = parseRecord(deny.decidedBy ?? undefined)?.effectiveAt;
  const pending = typeof effectiveAt === "string" && Date.parse(effectiveAt) > f.now;

  // Attestations create probe pods, so the board never starts one: it reads the last attest-isolation run.
  const attestRun = f.runs.filter((r) => r.step_id === attestIsolation.id && r.operation === "execute" && r.status !== "running").at(-1);
  const parsed = attestIsolation.record.safeParse(parseRecord(attestRun));
  const attestation = parsed.success ? parsed.data : undefined;
  const attestationCounts = attestation && typeof effectiveAt === "string" ? Date.parse(attestation.at) >= Date.parse(effectiveAt) : !!attestation;

  const one = (layer: "pod-ingress" | "pod-egress"): BoardRow => {
    const direction = layer === "pod-ingress" ? "ingress" : "egress";
    const defeating = allow.filter((p) => allowsDirection(p, direction)).map((p) => p.metadata?.name ?? "");
    const extra: BoardLink[] = [
      policyLink,
      ...defeating.map((n) => ({ kind: "policy" as const, label: `NetworkPolicy ${t.namespace}/${n} (allows ${direction})` })),
    ];
    if (defeating.length) {
      return row(
        layer,
        "not-contained",
        `NetworkPolicies are additive: ${defeating.join(", ")} still select${defeating.length === 1 ? "s" : ""} the pod and allow${defeating.length === 1 ? "s" : ""} ${direction}; run exclude-from-policies.`,
        [...links, ...extra],
      );
    }
    if (pending) {
      return row(layer, "pending-propagation", `${DENY_ALL_NAME} selects the pod; its propagation window ends at ${effectiveAt}.`, [...links, ...extra]);
    }
    if (attestation && attestationCounts) {
      const v = layer === "pod-ingress" ? attestation.verdicts.podIngress : attestation.verdicts.podEgress;
      const probes = layer === "pod-ingress" ? attestation.ingress : attestation.egress;
      const age = `${attestationAge(attestation.at)} min ago`;
      const attestLink: BoardLink = {
        kind: "probe",
        label: `attest-isolation at ${attestation.at} (${age}): ${direction} ${v.state}, ${probes.map((p) => `${p.target}:${p.port}/${p.protocol.toLowerCase()} ${p.result}`).join(", ")}`,
      };
      const when = `the last attestation (${attestation.at}, ${age}; recorded, not re-probed)`;
      if (v.state === "isolated") {
        // Proven by the attestation's probes, so that is when it was proven: the clock stops there.
        return row(
          layer,
          "in-effect",
          `${DENY_ALL_NAME} selects the pod, no other policy allows ${direction}, and ${when} found it isolated: ${v.why}`,
          [...links, ...extra, attestLink],
          attestation.at,
        );
      }
      return row(
        layer,
        "not-contained",
        `${when[0].toUpperCase()}${when.slice(1)} found ${direction} ${v.state === "unknown" ? "not proven" : "open"}: ${v.why}`,
        [...links, ...extra, attestLink],
      );
    }
    // In place as far as the API shows, but no probe has tested it: never green on that alone.
    const since = typeof effectiveAt === "string" ? `; propagation window ended at ${effectiveAt}` : "";
    const untested = attestation
      ? `the last attestation (${attestation.at}) ran before the window ended, so it proves nothing`
      : "no attestation has tested it since the window ended";
    return row(
      layer,
      "unproven",
      `In place: ${DENY_ALL_NAME} selects the pod and no other policy allows ${direction}${since}. Not proven: ${untested}; run attest-isolation to prove it.`,
      [...links, ...extra],
    );
  };
  return [one("pod-ingress"), one("pod-egress")];
}

/**
 * When the node's isolation was proven: the latest of the executor's verifications (of the
 * firewall-isolate and tag-node runs in force) that held; a run whose verification did not hold
 * (or is not on record) was proven only by this board's live read.
 */
function nodeProvenAt(f: Facts, runs: (StepRunRow | null)[]): string {
  const times = runs.map((r) => {
    const v = r ? f.verdicts.get(r.id) : undefined;
    return v?.holds ? Date.parse(v.at) : f.now;
  });
  return new Date(Math.max(...times)).toISOString();
}

async function nodeNetworkRow(f: Facts): Promise<BoardRow> {
  const t = f.incident.targets;
  if (!t.instance) return row("node-network", "not-started", "The pod has no GCE VM Airlock can isolate.");
  const fw = f.status("firewall-isolate");
  const tag = f.status("tag-node");
  const links: BoardLink[] = [...runLink("tag-node", tag.last), ...runLink("firewall-isolate", fw.last)];
  const fwRecord = parseRecord(fw.decidedBy ?? undefined) as { effectiveFirewalls?: { name: string }[] | null } | undefined;
  for (const e of fwRecord?.effectiveFirewalls ?? []) links.push({ kind: "firewall", label: `effective firewall ${e.name}` });
  if (ACTIVE.has(fw.status)) {
    const [v, tv] = await Promise.all([f.verify("firewall-isolate"), f.verify("tag-node")]);
    if (!v.holds) return row("node-network", "not-contained", `firewall-isolate ran, but ${lowerFirst(v.message)}`, links);
    if (!tv.holds) return row("node-network", "not-contained", `The quarantine rules exist, but ${lowerFirst(tv.message)}`, links);
    return row("node-network", "in-effect", `${v.message} ${tv.message}`, links, nodeProvenAt(f, [fw.decidedBy, tag.decidedBy]));
  }
  if (ACTIVE.has(tag.status)) {
    return row(
      "node-network",
      "not-contained",
      `VM ${t.instance.name} is tagged but the quarantine firewall rules were not applied (run firewall-isolate).`,
      links,
    );
  }
  if (fw.status === "undone" || tag.status === "undone") {
    const said = `Node isolation undone${fw.last ? ` at ${undoneAt(fw.last)}` : ""}.`;
    const { back, unread } = await afterUndo(f, ["firewall-isolate", "tag-node"]);
    // Both the rules and the tag are needed to cut the VM off; both back is isolation again.
    if (back.length === 2) {
      return row(
        "node-network",
        "in-effect",
        `${said} But the live read shows it in place again (re-applied outside Airlock?): ${back.map((b) => b.message).join(" ")}`,
        links,
        new Date(f.now).toISOString(),
      );
    }
    return row("node-network", "released", releasedWhy(said, unread), links);
  }
  return row("node-network", "not-started", "Not started: the VM is not tagged and no quarantine firewall rule applies to it.", links);
}

async function servicesRow(f: Facts): Promise<BoardRow> {
  const s = f.status("detach-services");
  if (s.status === "not-run") {
    // Nothing ran, but a live read can still show that no Service routes to the pod.
    const v = await f.verify("detach-services");
    if (v.holds) return row("services", "in-effect", `${v.message} (read live; nothing to detach).`);
    return row(
      "services",
      "not-started",
      `Not started: ${lowerFirst(v.message)}`,
      f.incident.targets.services.map((n) => ({ kind: "service" as const, label: `Service ${f.incident.targets.namespace}/${n}` })),
    );
  }
  return stepsLayer(f, "services", ["detach-services"]);
}

async function evidenceRow(f: Facts): Promise<BoardRow> {
  const links: BoardLink[] = [];
  for (const a of f.evidence?.artifacts ?? []) {
    links.push({
      kind: "artifact",
      label: `${a.name} (sha256 ${a.sha256.slice(0, 12)}…, id ${a.id})`,
      href: `/api/v1/incidents/${encodeURIComponent(f.incident.id)}/evidence/${encodeURIComponent(a.id)}`,
    });
  }
  for (const s of f.evidence?.snapshots ?? []) links.push({ kind: "snapshot", label: `snapshot ${s.snapshot} of ${s.sourceDisk}` });
  return stepsLayer(f, "evidence", ["collect-evidence", "snapshot-node-disk"], links);
}

async function credentialsRow(f: Facts): Promise<BoardRow> {
  const r = await stepsLayer(f, "credentials", ["revoke-credentials"]);
  // Network isolation does not stop a token used from elsewhere: say so while nothing revoked it.
  if (r.state === "not-started")
    return { ...r, why: `${r.why} A stolen service-account token still works from outside the pod until revoke-credentials runs.` };
  return r;
}

/**
 * Every layer's state for an incident and its runs, read live now. Reads only. `verdicts` are the
 * executor's verifications of the runs (when the node network was proven).
 */
export async function boardRows(
  incident: Incident,
  runs: StepRunRow[],
  evidence: EvidenceList | null = null,
  now = Date.now(),
  verdicts: Map<string, RunVerdict> = new Map(),
  verify: StepVerifier = stepVerifier(incident, runs),
): Promise<BoardRow[]> {
  const f = facts(incident, runs, evidence, now, verdicts, verify);
  // A layer whose facts cannot be read is not shown as contained, and the other layers still are.
  const guard = async <T>(layers: LayerId[], read: () => Promise<T>, fallback: (rows: BoardRow[]) => T): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      const why = `Could not read the live state: ${readableReason(err, { phase: "board" }).message}`;
      return fallback(layers.map((l) => row(l, "not-contained", why)));
    }
  };
  const one = (r: BoardRow[]) => r[0];
  const [workload, [ingress, egress], services, node, ev, credentials] = await Promise.all([
    guard(["workload"], () => stepsLayer(f, "workload", ["cordon-node", "drain-node", "orphan-pod"]), one),
    guard(
      ["pod-ingress", "pod-egress"],
      () => podNetworkRows(f),
      (r) => [r[0], r[1]] as [BoardRow, BoardRow],
    ),
    guard(["services"], () => servicesRow(f), one),
    guard(["node-network"], () => nodeNetworkRow(f), one),
    guard(["evidence"], () => evidenceRow(f), one),
    guard(["credentials"], () => credentialsRow(f), one),
  ]);
  return [workload, ingress, egress, services, node, credentials, ev];
}

/** A recorded isolation: when it was proven (the clock's end) and by which layer. */
type Isolation = { containedAt: string; layer: LayerId };

/**
 * The first proven isolation is written once to the timeline, so the clock does not move when the
 * board is read again after release. The entry records the proof's own time (`containedAt`: the
 * attestation's, or the node's verification), not the read that noticed it. Entries are
 * append-only; if two readers race, the earliest entry wins.
 */
async function firstIsolation(db: Db, incident: Incident, rows: BoardRow[], openedAt: string): Promise<Isolation | null> {
  const prior = (await recordedIsolations(db, [incident.id])).get(incident.id);
  if (prior) return prior;
  // Only a green row is proven; of those, the one proven first stopped the clock.
  const proven = rows
    .filter((r): r is BoardRow & { provenAt: string } => ISOLATION_LAYERS.includes(r.layer) && r.state === "in-effect" && !!r.provenAt)
    .sort((a, b) => Date.parse(a.provenAt) - Date.parse(b.provenAt));
  const first = proven[0];
  if (!first) return null;
  await appendEntry(db, {
    actor: "airlock",
    role: null,
    incidentId: incident.id,
    kind: ISOLATION_VERIFIED,
    targets: timelineTargets(incident.targets),
    details: { layer: first.layer, containedAt: first.provenAt, message: `${first.title}: in effect. ${first.why}`, openedAt },
  });
  return { containedAt: first.provenAt, layer: first.layer };
}

export function clockOf(openedAt: string, first: Isolation | null, openedFrom: TimeToContain["openedFrom"] = "incident"): TimeToContain {
  return {
    openedFrom,
    openedAt,
    containedAt: first?.containedAt ?? null,
    containedBy: first?.layer ?? null,
    seconds: first ? Math.max(0, Math.round((Date.parse(first.containedAt) - Date.parse(openedAt)) / 1000)) : null,
  };
}

/**
 * Where an incident's clock starts: the earliest event time of the alerts it keeps (the attack
 * was under way from then), else the incident's opening.
 */
async function clockStarts(db: Db, incidents: Pick<Incident, "id" | "createdAt">[]): Promise<Map<string, { at: string; from: TimeToContain["openedFrom"] }>> {
  const alerts = await firstAlertTimes(
    db,
    incidents.map((i) => i.id),
  );
  return new Map(
    incidents.map((i) => [i.id, alerts.has(i.id) ? { at: alerts.get(i.id)!, from: "alert" as const } : { at: i.createdAt, from: "incident" as const }]),
  );
}

/** The board of a stored incident, and its time-to-contain clock (recorded when first observed). */
export async function containmentBoard(incidentId: string): Promise<ContainmentBoard> {
  const incident = await requireIncident(incidentId);
  const db = await getDb();
  const [runs, evidence] = await Promise.all([listRuns(db, incidentId), listEvidence(incidentId)]);
  return boardOf(db, incident, runs, evidence);
}

/**
 * The board of an incident whose runs and evidence the caller already read (the report), so they
 * are not read twice, verifying through `verify` when the caller shares one; records the first
 * isolation as containmentBoard does.
 */
export async function boardOf(
  db: Db,
  incident: Incident,
  runs: StepRunRow[],
  evidence: EvidenceList | null,
  verify: StepVerifier = stepVerifier(incident, runs),
): Promise<ContainmentBoard> {
  const checkedAt = new Date().toISOString();
  const [starts, verdicts] = await Promise.all([clockStarts(db, [incident]), runVerdicts(db, incident.id)]);
  const rows = await boardRows(incident, runs, evidence, Date.parse(checkedAt), verdicts, verify);
  const start = starts.get(incident.id)!;
  const first = await firstIsolation(db, incident, rows, start.at);
  return { checkedAt, rows, timeToContain: clockOf(start.at, first, start.from) };
}

/** The executor's verification of each of the incident's runs, from its `verify` entries only. */
async function runVerdicts(db: Db, incidentId: string): Promise<Map<string, RunVerdict>> {
  const rows = await db
    .selectFrom("timeline")
    .select(["kind", "details", "at"])
    .where("kind", "=", "verify")
    .where("incident_id", "=", incidentId)
    .orderBy("id", "asc")
    .execute();
  return verdictsOf(rows.map((r) => ({ kind: r.kind, at: r.at, details: parseDetails(r.details) })));
}

function parseDetails(details: string): Record<string, unknown> {
  try {
    return JSON.parse(details) as Record<string, unknown>;
  } catch {
    // A details column that does not parse says nothing.
    return {};
  }
}

/**
 * The earliest "isolation-verified" entry of each incident, read with one targeted query (only
 * those entries, not the whole timeline). Entries are append-only, so the earliest wins. Its
 * `containedAt` is the proof's time; entries written before it was recorded have only their own.
 */
async function recordedIsolations(db: Db, ids: string[]): Promise<Map<string, Isolation>> {
  const first = new Map<string, Isolation>();
  if (!ids.length) return first;
  const rows = await db
    .selectFrom("timeline")
    .select(["incident_id", "at", "details"])
    .where("kind", "=", ISOLATION_VERIFIED)
    .where("incident_id", "in", ids)
    .orderBy("id", "asc")
    .execute();
  for (const r of rows) {
    if (!r.incident_id || first.has(r.incident_id)) continue;
    const d = parseDetails(r.details) as { layer?: LayerId; containedAt?: unknown };
    const containedAt = typeof d.containedAt === "string" && !Number.isNaN(Date.parse(d.containedAt)) ? d.containedAt : r.at;
    first.set(r.incident_id, { containedAt, layer: d.layer ?? "pod-ingress" });
  }
  return first;
}

/** Time-to-contain of many incidents from their recorded entries only (the lead's timeline page): no live reads. */
export async function recordedTimeToContain(db: Db, incidents: Pick<Incident, "id" | "createdAt">[]): Promise<Map<string, TimeToContain>> {
  const out = new Map<string, TimeToContain>();
  if (!incidents.length) return out;
  const first = await recordedIsolations(
    db,
    incidents.map((i) => i.id),
  );
  const starts = await clockStarts(db, incidents);
  for (const i of incidents) {
    const start = starts.get(i.id)!;
    out.set(i.id, clockOf(start.at, first.get(i.id) ?? null, start.from));
  }
  return out;
}
