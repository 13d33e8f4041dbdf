import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { TimelineEntry } from "@/lib/audit/append";
import { STEPS } from "@/lib/containment/steps";
import { cordonNode } from "@/lib/containment/steps/cordon-node";
import { detachServices } from "@/lib/containment/steps/detach-services";
import { drainNode } from "@/lib/containment/steps/drain-node";
import { firewallIsolate } from "@/lib/containment/steps/firewall-isolate";
import type { AnyStep, PlanView as Plan } from "@/lib/containment/types";
import type { AttestationView } from "@/lib/containment/detail";
import { AttestationPanel } from "./attestation-panel";
import { ConfirmForm } from "./confirm-form";
import { secondsLeft } from "./countdown";
import { undoWords } from "./release-panel";
import { currentPhase, perPod } from "./drain-progress";
import { paramsFromForm } from "./params";
import { PlanView } from "./plan-view";
import { outcomeText as outcomeOf } from "@/lib/timeline-view/outcome";

const form = (entries: [string, string][]) => {
  const fd = new FormData();
  for (const [k, v] of entries) fd.append(k, v);
  return fd;
};

const fields = (step: AnyStep) => step.ui?.form ?? [];

describe("paramsFromForm", () => {
  it("shapes firewall, drain and per-Service choices as the step schemas expect", () => {
    expect(
      paramsFromForm(
        fields(firewallIsolate),
        form([
          ["sshSourceRange", " 203.0.113.7/32 "],
          ["protocol", "tcp"],
        ]),
      ),
    ).toEqual({ sshSourceRange: "203.0.113.7/32", protocol: "tcp" });
    expect(paramsFromForm(fields(drainNode), form([["force", "on"]]))).toEqual({ force: true });
    expect(paramsFromForm(fields(drainNode), form([]))).toEqual({ force: false });
    expect(
      paramsFromForm(
        fields(detachServices),
        form([
          ["mode.checkout", "delete"],
          ["mode.cart", "patch"],
        ]),
      ),
    ).toEqual({ mode: { checkout: "delete", cart: "patch" } });
    expect(paramsFromForm(fields(cordonNode), form([["anything", "x"]]))).toEqual({});
  });

  it("gives params each step's own schema accepts", () => {
    for (const step of STEPS) {
      const parsed = step.params?.safeParse(paramsFromForm(fields(step), form(step.id === firewallIsolate.id ? [["sshSourceRange", "203.0.113.7/32"]] : [])));
      expect(parsed?.success ?? true, step.id).toBe(true);
    }
  });
});

describe("perPod", () => {
  it("keeps the latest state per pod in first-seen order", () => {
    const lines = [
      { id: 1, at: "t1", message: "", detail: { pod: "shop/cache", state: "waiting", reason: "PDB" } },
      { id: 2, at: "t2", message: "", detail: { pod: "shop/frontend", state: "evicted" } },
      { id: 3, at: "t3", message: "", detail: { pod: "shop/cache", state: "evicted" } },
      { id: 4, at: "t4", message: "no pod", detail: {} },
    ];
    expect(perPod(lines)).toEqual([
      { pod: "shop/cache", state: "evicted", reason: "", at: "t3" },
      { pod: "shop/frontend", state: "evicted", reason: "", at: "t2" },
    ]);
  });
});

describe("undoWords", () => {
  const o = { runId: "r", stepId: "firewall-isolate", operation: "undo" as const, outcome: "success" as const, message: "Firewall rules deleted." };
  it("reads an undo whose effect is gone as a success that says so", () => {
    const w = undoWords({ ...o, verify: { holds: false, message: "quarantine-egress-deny is missing" } });
    expect(w).toEqual({ ok: true, text: "Undone firewall-isolate: Firewall rules deleted. Checked: the effect is gone (quarantine-egress-deny is missing)." });
    expect(w.text).not.toMatch(/Verify|does not hold/);
  });
  it("reads an undo whose effect is still in place as a failure", () => {
    expect(undoWords({ ...o, verify: { holds: true, message: "rules present" } })).toMatchObject({
      ok: false,
      text: expect.stringMatching(/still in place: rules present/),
    });
  });
  it("reads an undo whose check could not read anything as not proven, never as the effect gone", () => {
    const w = undoWords({ ...o, verify: { holds: false, checked: false, message: "Could not verify: the API timed out" } });
    expect(w).toMatchObject({ ok: true, unproven: true, text: expect.stringMatching(/Not proven gone: .*\(Could not verify: the API timed out\)/) });
    expect(w.text).not.toMatch(/the effect is gone \(/);
  });
});

describe("secondsLeft", () => {
  it("starts a 300 s window at 5:00 even when it began a fraction into a second, and ends on time", () => {
    const started = Date.parse("2030-01-01T00:00:00.700Z");
    const effectiveAt = new Date(started + 300_000).toISOString();
    const startSec = Math.floor(started / 1000);
    expect(secondsLeft(effectiveAt, startSec)).toBe(300);
    expect(secondsLeft(effectiveAt, startSec + 299)).toBe(1);
    expect(secondsLeft(effectiveAt, startSec + 300)).toBe(0);
    expect(secondsLeft(effectiveAt, startSec + 301)).toBeNull();
  });
});

describe("currentPhase", () => {
  it("shows the drain's latest step-wide line: what it waits for and until when", () => {
    const lines = [
      { id: 1, at: "t1", message: "Evicted shop/cache; terminating", detail: { pod: "shop/cache", state: "evicted", reason: "terminating" } },
      { id: 2, at: "t2", message: "waiting for 2 evicted pod(s): done by about 10:00:30 UTC", detail: { phase: "terminating" } },
      { id: 3, at: "t3", message: "waiting for 1 evicted pod(s): done by about 10:00:31 UTC", detail: { phase: "terminating" } },
      { id: 4, at: "t4", message: "shop/cache has terminated", detail: { pod: "shop/cache", state: "gone" } },
    ];
    expect(currentPhase(lines)).toBe("waiting for 1 evicted pod(s): done by about 10:00:31 UTC");
    expect(currentPhase(lines.slice(0, 1))).toBeNull();
  });
});

describe("outcomeOf", () => {
  const e = (kind: string, details: Record<string, unknown>) => ({ kind, details }) as unknown as TimelineEntry;
  it("reads the executor's details", () => {
    expect(outcomeOf(e("result", { outcome: "success" }))).toBe("success");
    expect(outcomeOf(e("verify", { holds: false }))).toBe("does not hold");
    expect(outcomeOf(e("intent", { operation: "undo" }))).toBe("undo");
    expect(outcomeOf(e("plan", { blocked: "label first" }))).toBe("blocked");
  });
});

const plan: Plan = {
  stepId: "drain-node",
  planHash: "a".repeat(64),
  risk: "disruptive",
  changes: [{ target: "Pod shop/cache", action: "evict", note: "emptyDir" }],
  commands: ["kubectl drain n --pod-selector='!quarantine'"],
  warnings: [{ level: "danger", code: "evidence-loss", message: "loses emptyDir" }],
  requiresApproval: false,
  requiresConfirmation: true,
};

describe("PlanView and ConfirmForm", () => {
  it("shows a blocked plan as an alert the Execute button points to", () => {
    const html = renderToStaticMarkup(
      <>
        <PlanView plan={{ ...plan, blocked: "Set force" }} blockedId="b" />
        <ConfirmForm
          stepId="drain-node"
          risk="disruptive"
          podName="p"
          requiresConfirmation
          blocked="Set force"
          blockedId="b"
          stale={false}
          lock={null}
          canRun
          canOverride={false}
          pending={false}
          onExecute={() => {}}
        />
      </>,
    );
    expect(html).toMatch(/<p id="b" role="alert"[^>]*>.*Set force/);
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*aria-describedby="b"[^>]*>Execute<\/button>/);
    expect(html).toContain("[evidence-loss]");
  });

  it("keeps Execute disabled until the pod's name is typed, and says so", () => {
    const html = renderToStaticMarkup(
      <ConfirmForm
        stepId="drain-node"
        risk="disruptive"
        podName="p"
        requiresConfirmation
        blockedId="b"
        stale={false}
        lock={null}
        canRun
        canOverride={false}
        pending={false}
        onExecute={() => {}}
      />,
    );
    expect(html).toContain("Type the pod name to confirm");
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*>Execute<\/button>/);
    expect(html).toContain("Type the pod&#x27;s name exactly");
  });

  it("keeps Execute disabled while the plan waits for an approver, and says so", () => {
    const props = {
      stepId: "delete-pod",
      risk: "destructive" as const,
      podName: "p",
      requiresConfirmation: false,
      blockedId: "b",
      stale: false,
      lock: null,
      canRun: true,
      canOverride: false,
      pending: false,
      onExecute: () => {},
    };
    const waiting = renderToStaticMarkup(<ConfirmForm {...props} awaitingApproval />);
    expect(waiting).toMatch(/<button[^>]*disabled=""[^>]*>Execute<\/button>/);
    expect(waiting).toContain("Execute is enabled once an approver signs off this plan.");
    expect(renderToStaticMarkup(<ConfirmForm {...props} awaitingApproval={false} />)).not.toMatch(/disabled=""[^>]*>Execute/);
  });

  it("offers approvers the lock override with a written reason that names what it skips", () => {
    const lock = { message: "Locked", skips: "evidence is being skipped" };
    const locked = {
      stepId: "delete-pod",
      risk: "destructive" as const,
      podName: "p",
      requiresConfirmation: true,
      blockedId: "b",
      stale: false,
      lock,
      canRun: true,
      pending: false,
      onExecute: () => {},
    };
    const html = renderToStaticMarkup(<ConfirmForm {...locked} canOverride />);
    expect(html).toContain("Reason for overriding the lock (evidence is being skipped)");
    expect(html).toContain("Write why evidence is being skipped");
    expect(renderToStaticMarkup(<ConfirmForm {...locked} canOverride={false} />)).not.toContain("Reason for overriding");
  });

  it("shows a caller the execute door refuses (an approver) the plan with Execute disabled and why, never a button that answers 403", () => {
    const html = renderToStaticMarkup(
      <ConfirmForm
        stepId="cordon-node"
        risk="disruptive"
        podName="p"
        requiresConfirmation={false}
        blockedId="b"
        stale={false}
        lock={null}
        canRun={false}
        canOverride={false}
        pending={false}
        onExecute={() => {}}
      />,
    );
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*>Execute<\/button>/);
    expect(html).toContain("running or undoing a step needs the analyst role");
  });
});

describe("AttestationPanel", () => {
  const probe = (result: "connected" | "refused" | "timeout" | "no-reply" | "error", port: number) => ({
    source: "shop pod app=frontend (airlock-probe-1)",
    target: "10.4.2.4",
    port,
    protocol: "TCP" as const,
    result,
    why: "admitted by allow-checkout-from-frontend",
  });
  const attestation: AttestationView = {
    at: "2026-11-28T10:00:00.000Z",
    ageMinutes: 3,
    pod: "checkout-1",
    podIP: "10.4.2.4",
    node: "node-a",
    image: "busybox@sha256:" + "a".repeat(64),
    ephemeralContainer: { name: "airlock-attest-abc", reused: false },
    probePods: [{ name: "airlock-probe-1", namespace: "shop", node: "node-b", source: "admitted", ip: "10.4.1.6", deleted: true }],
    policies: { recorded: ["allow-checkout-from-frontend"], missing: [] },
    uncovered: ["ipBlock 10.0.0.0/8 (no probe address in range)"],
    listening: [{ port: 8080, protocol: "TCP" }],
    ingress: [probe("refused", 8080), probe("timeout", 9090)],
    egress: [
      { ...probe("error", 3333), source: "pod checkout-1", target: "198.51.100.23", detail: "nc could not run (exit 127)" },
      { ...probe("no-reply", 53), protocol: "UDP" as const, source: "pod checkout-1", target: "10.8.0.10", detail: "UDP: silence is not proof" },
    ],
    enforcement: { enforced: true, reason: "enforced: Dataplane V2", datapath: "ADVANCED_DATAPATH" },
    established: { datapath: "Dataplane V2 checks policy per packet.", shown: "1 connection.", connections: [] },
    firewalls: null,
    verdicts: {
      podIngress: { state: "not-isolated", why: "1 ingress probe(s) got through: 10.4.2.4:8080/tcp: refused." },
      podEgress: { state: "unknown", why: "1 egress probe(s) could not run." },
      nodeNetwork: { state: "isolated", why: "quarantine rules apply." },
    },
    document: { name: "attestation.json", sha256: "f".repeat(64), size: 100 },
  };

  it("shows refused in red as reachable, timeout in green, an error as not proven, and each layer's verdict with why", () => {
    const html = renderToStaticMarkup(<AttestationPanel label="Last attestation" attestation={attestation} />);
    expect(html).toMatch(/<li[^>]*border-red-400[^>]*><strong>Pod ingress: Not isolated<\/strong> — 1 ingress probe\(s\) got through/);
    expect(html).toMatch(/border-amber-400[^>]*><strong>Pod egress: Not proven<\/strong>/);
    expect(html).toMatch(/border-red-400[^"]*">refused — reachable, not isolated</);
    expect(html).toMatch(/border-emerald-300[^"]*">timeout — dropped</);
    expect(html).toMatch(/border-amber-400[^"]*">error — not proven</);
    // UDP silence is neither green nor red: it proves nothing.
    expect(html).toMatch(/border-amber-400[^"]*">no reply — UDP: silence is not proof</);
    expect(html).toContain("3 min ago");
    expect(html).toContain("ipBlock 10.0.0.0/8");
    expect(html).toContain("f".repeat(64));
  });
});
