import { expect, it } from "vitest";
import { DEMO_TARGETS } from "@/lib/containment/testing";
import { renderMarkdown } from "./markdown";
import type { IncidentReport } from "./types";

const base: IncidentReport = {
  format: "airlock-incident-report/v1",
  generatedAt: "2030-01-01T10:00:00.000Z",
  generatedBy: "lead@x.com",
  incident: { id: "inc-1", title: "Miner | in checkout", severity: "high", status: "open", createdBy: "ana@x.com", createdAt: "2030-01-01T09:00:00.000Z" },
  summary: { entries: 2, stepsRun: ["cordon-node"], stillInPlace: 1, stillHolding: 0, artifacts: 0, snapshots: 0, reviewed: false, chainIntact: true },
  targets: DEMO_TARGETS,
  alerts: [],
  timeline: [
    {
      id: 7,
      at: "2030-01-01T09:01:00.000Z",
      actor: "ana@x.com",
      role: "analyst",
      kind: "result",
      stepId: "cordon-node",
      outcome: "success",
      message: "line one\nline | two",
      planHash: null,
    },
  ],
  approvals: [],
  commands: [
    { entryId: 6, at: "2030-01-01T09:00:30.000Z", actor: "ana@x.com", stepId: "cordon-node", operation: "execute", commands: ["kubectl --context c cordon n"] },
  ],
  evidence: { artifacts: [], snapshots: [] },
  liveState: [
    {
      stepId: "cordon-node",
      title: "Cordon the node",
      risk: "reversible",
      executedAt: "2030-01-01T09:01:00.000Z",
      executedBy: "ana@x.com",
      holds: false,
      message: "Node is schedulable.",
    },
  ],
  containment: {
    checkedAt: "2030-01-01T10:00:00.000Z",
    rows: [
      {
        layer: "pod-ingress",
        title: "Pod network: ingress",
        state: "not-contained",
        why: "NetworkPolicy airlock-quarantine-deny-all does not exist.",
        evidence: [{ kind: "run", label: "apply-deny-all execute succeeded" }],
      },
      {
        layer: "pod-egress",
        title: "Pod network: egress",
        state: "unproven",
        why: "In place: airlock-quarantine-deny-all selects the pod. Not proven: run attest-isolation to prove it.",
        evidence: [],
      },
      { layer: "credentials", title: "Credentials", state: "not-started", why: "No credential step yet.", evidence: [] },
    ],
    timeToContain: {
      openedFrom: "incident",
      openedAt: "2030-01-01T09:00:00.000Z",
      containedAt: "2030-01-01T09:04:12.000Z",
      containedBy: "pod-ingress",
      seconds: 252,
    },
  },
  auditChain: { ok: true, checked: 2, head: { id: 7, hash: "ab".repeat(32) }, anchored: false, rowsChecked: 0 },
  review: null,
};

it("renders every section a reader needs, keeping user text inside its table cell", () => {
  const md = renderMarkdown(base);
  expect(md).toContain("# Incident report: Miner \\| in checkout");
  expect(md).toContain(`**Audit chain: intact** (2 entries verified, head #7 \`${"ab".repeat(32)}\`; 0 approval, run and evidence rows match; not anchored)`);
  for (const h of [
    "## Summary",
    "## Targets",
    "## Still in place (verified live at report time)",
    "## Approvals",
    "## Commands, in order",
    "## Evidence",
    "## Timeline",
    "## Audit chain",
  ]) {
    expect(md).toContain(h);
  }
  expect(md).toContain("| Cordon the node (cordon-node) | 2030-01-01 09:01:00Z | ana@x.com | NO | Node is schedulable. |");
  expect(md).toContain("```sh\nkubectl --context c cordon n\n```");
  expect(md).toContain("| 7 | 2030-01-01 09:01:00Z | ana@x.com | analyst | result | cordon-node | success | line one line \\| two |");
  expect(md).toContain("- Reviewed: not yet");
});

it("renders the containment board with its states in words and the time-to-contain", () => {
  const md = renderMarkdown(base);
  expect(md).toContain("## Containment board (read live at report time)");
  expect(md).toContain(
    "**Time to contain: 4 min 12 s** (from incident open at 2030-01-01 09:00:00Z to the first verified isolation at 2030-01-01 09:04:12Z, pod-ingress).",
  );
  expect(md).toContain(
    "| Pod network: ingress | **NOT CONTAINED** | NetworkPolicy airlock-quarantine-deny-all does not exist. | run: apply-deny-all execute succeeded |",
  );
  expect(md).toContain("| Credentials | not started | No credential step yet. |  |");
  // In place but untested is never written as in effect.
  expect(md).toContain(
    "| Pod network: egress | in place, unproven | In place: airlock-quarantine-deny-all selects the pod. Not proven: run attest-isolation to prove it. |  |",
  );
  const open = renderMarkdown({
    ...base,
    containment: { ...base.containment, timeToContain: { ...base.containment.timeToContain, containedAt: null, containedBy: null, seconds: null } },
  });
  expect(open).toContain("**Time to contain: not yet contained**");
});

it("lists the incident's alerts and starts the clock at the first", () => {
  const alert = {
    id: "a-1",
    source: "falco",
    cluster: "c",
    namespace: "shop",
    pod: "checkout-1",
    rule: "Detect outbound connections to common miner pool ports",
    severity: "critical" as const,
    title: "t",
    mitreTactic: "Impact",
    firstSeen: "2030-01-01T08:58:00.000Z",
    lastSeen: "2030-01-01T08:59:00.000Z",
    count: 3,
    incidentId: "inc-1",
    details: {},
  };
  const md = renderMarkdown({
    ...base,
    alerts: [alert],
    containment: { ...base.containment, timeToContain: { ...base.containment.timeToContain, openedFrom: "alert", openedAt: alert.firstSeen, seconds: 372 } },
  });
  expect(md).toContain(
    "| 2030-01-01 08:58:00Z | 2030-01-01 08:59:00Z | falco | critical | Detect outbound connections to common miner pool ports | Impact | 3 |",
  );
  expect(md).toContain("**Time to contain: 6 min 12 s** (from the alert at 2030-01-01 08:58:00Z");
});

it("says where the chain breaks", () => {
  const md = renderMarkdown({ ...base, auditChain: { ok: false, checked: 5, firstBad: { id: 5, reason: "removed" }, anchored: false, rowsChecked: 0 } });
  expect(md).toContain("**Audit chain: BROKEN** at entry #5 (removed); 5 entries checked.");
});
