import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { RunbookResult } from "@/lib/containment/runbooks/engine";
import { RunbookOutcome } from "./isolate-now";

const step = (stepId: string, status: RunbookResult["steps"][number]["status"], extra: Partial<RunbookResult["steps"][number]> = {}) => ({
  stepId,
  title: stepId,
  status,
  ...extra,
});

const result = (state: RunbookResult["state"], steps: RunbookResult["steps"], message = "why"): RunbookResult => ({
  runbookId: "isolate-pod",
  incidentId: "i1",
  planHash: "0".repeat(64),
  state,
  message,
  steps,
  propagation: null,
  totalMs: 1,
});

describe("the runbook's outcome", () => {
  it("is green only when every step ran and holds", () => {
    const html = renderToStaticMarkup(
      <RunbookOutcome
        result={result("contained", [step("label-quarantine", "success", { verify: { holds: true, message: "ok" } })], "Every step ran and holds.")}
      />,
    );
    expect(html).toMatch(/role="status"[^>]*emerald/);
    expect(html).toContain("Pod network isolated and verified.");
  });

  it("says NOT CONTAINED in red where a step failed, and that the later steps did not run", () => {
    const html = renderToStaticMarkup(
      <RunbookOutcome
        result={result(
          "failed",
          [step("label-quarantine", "success"), step("apply-deny-all", "failed", { message: "refused" }), step("attest-isolation", "not-run")],
          '"apply-deny-all" failed',
        )}
      />,
    );
    expect(html).toMatch(/role="alert"[^>]*red/);
    expect(html).toContain("NOT CONTAINED.");
    expect(html).not.toContain("isolated and verified");
    expect(html).toMatch(/data-status="failed".*<strong>failed<\/strong>.*refused/);
    expect(html).toMatch(/data-status="not-run"[^>]*>.*<strong>not run<\/strong>/);
  });

  it("shows a step that ran but does not hold in red", () => {
    const html = renderToStaticMarkup(
      <RunbookOutcome
        result={result("not-contained", [step("attest-isolation", "success", { verify: { holds: false, message: "8080 open" } })], "Not contained")}
      />,
    );
    expect(html).toContain("NOT CONTAINED.");
    expect(html).toContain("verified: does not hold");
  });
});
