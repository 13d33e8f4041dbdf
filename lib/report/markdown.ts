import { formatDuration, formatTime, type ContainmentBoard, type LayerState } from "@/lib/containment/board-types";
import type { IncidentReport } from "./types";

// Table cells: one line, pipes escaped, so user text (titles, comments) cannot break the layout.
function cell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return s.replace(/\r?\n/g, " ").replace(/\|/g, "\\|").trim();
}

function table(headers: string[], rows: unknown[][]): string[] {
  if (rows.length === 0) return ["_None._", ""];
  return [`| ${headers.join(" | ")} |`, `| ${headers.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`), ""];
}

function chainLine(r: IncidentReport): string {
  const c = r.auditChain;
  if (c.ok) {
    const anchor = c.checkpoint
      ? `; signed checkpoint of entry #${c.checkpoint.seq} (${c.checkpoint.at})`
      : c.anchored
        ? "; no checkpoint yet"
        : "; not anchored";
    return `**Audit chain: intact** (${c.checked} entries verified${c.head ? `, head #${c.head.id} \`${c.head.hash}\`` : ""}; ${c.rowsChecked} approval, run and evidence rows match${anchor}).`;
  }
  const bad = c.firstBad;
  const where = bad?.id != null ? `entry #${bad.id}${bad.row ? ` (${bad.row})` : ""}` : (bad?.row ?? "an unknown place");
  return `**Audit chain: BROKEN** at ${where} (${bad?.reason}); ${c.checked} entries checked.`;
}

function clockLine(b: ContainmentBoard): string {
  const c = b.timeToContain;
  const from = c.openedFrom === "alert" ? "the alert" : "incident open";
  if (c.seconds === null || !c.containedAt)
    return `**Time to contain: not yet contained** (no pod-network or node-network layer verified in effect since ${from} at ${formatTime(c.openedAt)}).`;
  return `**Time to contain: ${formatDuration(c.seconds)}** (from ${from} at ${formatTime(c.openedAt)} to the first verified isolation at ${formatTime(c.containedAt)}, ${c.containedBy}).`;
}

const STATE: Record<LayerState, string> = {
  "not-started": "not started",
  "in-effect": "in effect",
  unproven: "in place, unproven",
  "pending-propagation": "pending propagation",
  "not-contained": "**NOT CONTAINED**",
  released: "released",
};

/** The report for a person: headings, short tables, hashes in code spans. Same content as the JSON. */
export function renderMarkdown(r: IncidentReport): string {
  const t = r.targets;
  const i = r.incident;
  const out: string[] = [
    `# Incident report: ${cell(i.title)}`,
    "",
    `Incident \`${i.id}\` · severity **${i.severity}** · status **${i.status}** · opened by ${i.createdBy} at ${formatTime(i.createdAt)}.`,
    `Generated at ${formatTime(r.generatedAt)} by ${r.generatedBy}.`,
    "",
    chainLine(r),
    "",
    "## Summary",
    "",
    `- Timeline entries: ${r.summary.entries}`,
    `- Steps run: ${r.summary.stepsRun.length ? r.summary.stepsRun.map((s) => `\`${s}\``).join(", ") : "none"}`,
    `- Still in place: ${r.summary.stillInPlace} (${r.summary.stillHolding} verified holding now)`,
    `- Evidence: ${r.summary.artifacts} artifacts, ${r.summary.snapshots} disk snapshots`,
    `- Reviewed: ${r.review ? `yes, by ${r.review.reviewedBy} at ${formatTime(r.review.reviewedAt)}${r.review.note ? ` (${cell(r.review.note)})` : ""}` : "not yet"}`,
    "",
    "## Containment board (read live at report time)",
    "",
    clockLine(r.containment),
    "",
    ...table(
      ["Layer", "State", "Why", "Evidence"],
      r.containment.rows.map((b) => [b.title, STATE[b.state] ?? b.state, b.why, b.evidence.map((e) => `${e.kind}: ${e.label}`).join("; ")]),
    ),
    "## Alerts",
    "",
    ...table(
      ["First seen", "Last seen", "Source", "Severity", "Rule", "MITRE tactic", "Count"],
      r.alerts.map((a) => [formatTime(a.firstSeen), formatTime(a.lastSeen), a.source, a.severity, a.rule, a.mitreTactic ?? "", a.count]),
    ),
    "## Targets",
    "",
    `- Cluster: \`${t.cluster}\``,
    `- Pod: \`${t.namespace}/${t.pod}\`${t.podUid ? ` (uid \`${t.podUid}\`)` : ""}`,
    `- Node: ${t.node ? `\`${t.node}\`` : "unknown"}`,
    `- VM: ${t.instance ? `\`${t.instance.project}/${t.instance.zone}/${t.instance.name}\`` : "none"}${t.network ? ` on network \`${t.network}\`` : ""}`,
    `- Owner chain: ${t.ownerChain.length ? t.ownerChain.map((o) => `${o.kind} \`${o.name}\``).join(" → ") : "none (bare pod)"}`,
    `- Services: ${t.services.length ? t.services.map((s) => `\`${s}\``).join(", ") : "none"}`,
    `- NetworkPolicies selecting the pod: ${t.networkPolicies.length ? t.networkPolicies.map((p) => `\`${p}\``).join(", ") : "none"}`,
    "",
    "## Still in place (verified live at report time)",
    "",
    ...table(
      ["Step", "Executed", "By", "Holds now", "Live state"],
      r.liveState.map((l) => [`${l.title} (${l.stepId})`, formatTime(l.executedAt), l.executedBy, l.holds ? "yes" : "NO", l.message]),
    ),
    "## Approvals",
    "",
    ...table(
      ["#", "Time", "Event", "Step", "Who", "Reason / comment"],
      r.approvals.map((a) => [a.entryId, formatTime(a.at), a.kind.replace(/^approval-/, ""), a.stepId, `${a.actor}${a.role ? ` (${a.role})` : ""}`, a.text]),
    ),
    "## Commands, in order",
    "",
    "The equivalent `kubectl`/`gcloud` commands of every step executed, from the intent entries.",
    "",
  ];
  if (r.commands.length === 0) out.push("_None._", "");
  for (const c of r.commands) {
    out.push(`**#${c.entryId} ${c.stepId}** (${c.operation}) by ${c.actor} at ${formatTime(c.at)}:`, "", "```sh", ...c.commands, "```", "");
  }
  out.push(
    "## Evidence",
    "",
    ...table(
      ["Artifact", "SHA-256", "Bytes", "Source request", "Collected"],
      r.evidence.artifacts.map((a) => [a.name, `\`${a.sha256}\``, a.size, `\`${a.source}\``, formatTime(a.collectedAt)]),
    ),
  );
  if (r.evidence.snapshots.length) {
    out.push(
      "Disk snapshots:",
      "",
      ...table(
        ["Snapshot", "Source disk", "Status", "Taken", "By"],
        r.evidence.snapshots.map((s) => [`\`${s.snapshot}\``, `\`${s.sourceDisk}\``, s.status, formatTime(s.takenAt), s.takenBy]),
      ),
    );
  }
  out.push(
    "## Timeline",
    "",
    ...table(
      ["#", "Time", "Actor", "Role", "Kind", "Step", "Outcome", "Detail"],
      r.timeline.map((e) => [e.id, formatTime(e.at), e.actor, e.role, e.kind, e.stepId, e.outcome, e.message]),
    ),
    "## Audit chain",
    "",
    chainLine(r),
    "",
  );
  return out.join("\n");
}
