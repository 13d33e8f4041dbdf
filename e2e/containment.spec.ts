import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { PAYMENTS, findCompromisedPod, resetSimulator, signIn, type PodRef } from "./support";

// An analyst contains the demo's compromised checkout pod through the wizard, stage by stage,
// with the typed confirmations and the propagation countdown, then releases it. One incident
// across the serial tests: each test is one stage, all on the same page, as a person would do it.
// Everything is found by role and label; waits are on states (status badges, enabled buttons).

test.describe.configure({ mode: "serial" });

let page: Page;
let approver: APIRequestContext;
let target: PodRef;
let incidentUrl: string;

const STEP = {
  evidence: "Collect evidence",
  cordon: "Cordon the node",
  label: "Label the pod quarantine=true",
  protect: "Protect the node from GKE",
  drain: "Drain the node",
  exclude: "Exclude the pod from existing allow policies",
  denyAll: "Apply the deny-all NetworkPolicy",
  attest: "Attest the pod's isolation",
  detach: "Detach Services from the pod",
  tag: "Tag the node's VM quarantine",
  firewall: "Isolate the node with firewall rules",
} as const;

const card = (title: string): Locator => page.getByRole("region", { name: title, exact: true });
const statusOf = (c: Locator): Locator => c.getByRole("status", { name: /^Status:/ });

/**
 * The analyst asks for sign-off in the card's approval slot and another person (the approver,
 * through the API in their own session) approves it; the approval flow itself is approvals.spec.ts.
 */
async function signedOff(c: Locator, reason: string): Promise<void> {
  const slot = c.getByRole("region", { name: /^Approval for this (plan|release)$/ });
  await slot.getByLabel("Reason for approval").fill(reason);
  await slot.getByRole("button", { name: "Request approval" }).click();
  await expect(slot.getByText(/Approval requested/)).toBeVisible();
  const incidentId = incidentUrl.split("/").at(-1);
  const all = (await (await approver.get("/api/v1/approvals?status=pending")).json()) as { items: { id: string; incidentId: string }[] };
  const pending = all.items.filter((a) => a.incidentId === incidentId);
  expect(pending).toHaveLength(1);
  expect((await approver.post(`/api/v1/approvals/${pending[0].id}/approve`, { data: { comment: "Go ahead" } })).status()).toBe(200);
  await expect(slot.getByText(/^Approved by approver@demo\.local: (Execute|Undo) is enabled\.$/)).toBeVisible({ timeout: 30_000 });
}

/** Plan, review, (type the pod's name, get the plan signed off,) execute, and wait for the server's status. */
async function runStep(title: string, opts: { confirm?: boolean; approve?: string; timeout?: number } = {}): Promise<Locator> {
  const c = card(title);
  await c.getByRole("button", { name: /^Plan/ }).click();
  await expect(c.getByRole("group", { name: "Plan" })).toBeVisible();
  const execute = c.getByRole("button", { name: "Execute" });
  if (opts.approve) await signedOff(c, opts.approve);
  if (opts.confirm) {
    await expect(execute).toBeDisabled();
    await c.getByLabel("Type the pod name to confirm").fill(target.name);
  }
  await expect(execute).toBeEnabled();
  await execute.click();
  await expect(statusOf(c)).toHaveAccessibleName(/Status: (succeeded|no-op)/, { timeout: opts.timeout ?? 60_000 });
  return c;
}

// The page lives as long as the worker's browser, which closes it; closing it by hand races
// trace files with other Playwright runs that clean test-results/ on the same machine.
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await resetSimulator(page.request);
  await signIn(page, "analyst@demo.local");
  const approverPage = await browser.newPage();
  await signIn(approverPage, "approver@demo.local");
  approver = approverPage.request;
  target = await findCompromisedPod(page.request);
});

test("opens an incident from the compromised pod's page", async () => {
  await page.goto(`/clusters/${encodeURIComponent(PAYMENTS)}/pods/${target.namespace}/${target.name}`);
  await page.getByRole("link", { name: "Open incident" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Open an incident" })).toBeVisible();
  await expect(page.getByLabel("Cluster", { exact: true })).toHaveValue(PAYMENTS);
  await expect(page.getByLabel("Namespace", { exact: true })).toHaveValue(target.namespace);
  await expect(page.getByLabel("Pod", { exact: true })).toHaveValue(target.name);
  await page.getByLabel("Title").fill(`Crypto miner in ${target.name}`);
  await page.getByRole("button", { name: "Open incident" }).click();

  await expect(page.getByRole("heading", { level: 1, name: `Crypto miner in ${target.name}` })).toBeVisible();
  incidentUrl = page.url();
  expect(incidentUrl).toMatch(/\/incidents\/[0-9a-f-]{36}$/);
  const targets = page.getByRole("region", { name: "Targets" });
  await expect(targets.getByRole("link", { name: `${target.namespace}/${target.name}` })).toBeVisible();
  const preflight = page.getByRole("region", { name: "Preflight" });
  await expect(preflight.getByRole("list", { name: "Preflight findings" })).toBeVisible();
  for (const stage of ["Preserve evidence", "Isolate the workload", "Restrict pod network traffic", "Detach Services", "Isolate the node's VM", "Eradicate"]) {
    await expect(page.getByRole("heading", { level: 2, name: new RegExp(`^${stage}`) })).toBeVisible();
  }
});

test("collects evidence first, which unlocks eradication", async () => {
  const eradicate = card("Delete the pod");
  await expect(eradicate.getByText(/Locked: eradicate steps stay locked/)).toBeVisible();
  await runStep(STEP.evidence);
  await expect(eradicate.getByText(/Locked: eradicate steps stay locked/)).toHaveCount(0);
});

test("isolates the workload: cordon, label, drain with typed confirmation and live progress", async () => {
  await runStep(STEP.cordon);
  await runStep(STEP.label);

  const drain = card(STEP.drain);
  // The node carries a bare pod: without force the plan is blocked and Execute says so.
  await drain.getByRole("button", { name: "Plan" }).click();
  await expect(drain.getByRole("alert").filter({ hasText: /Blocked/ })).toBeVisible();
  await expect(drain.getByRole("button", { name: "Execute" })).toBeDisabled();
  // The drained node is what the autoscaler removes: locked until protect-node has run.
  await expect(drain.getByText(/Locked: GKE may replace node/)).toBeVisible();
  await runStep(STEP.protect);

  await drain.getByRole("checkbox", { name: /Force/ }).check();
  await drain.getByRole("button", { name: "Plan again" }).click();
  await expect(drain.getByRole("alert").filter({ hasText: /Blocked/ })).toHaveCount(0);
  await expect(drain.getByText(/Locked: GKE may replace node/)).toHaveCount(0);
  // force deletes the bare pod for good: the plan says it is raised to destructive, and why.
  const raised = drain.getByRole("note", { name: "Risk raised by this plan" });
  await expect(raised).toContainText("Raised to destructive");
  await expect(raised).toContainText(/Drain with force deletes pods without a controller for good/);
  await drain.screenshot({ path: "test-results/step-truth/raised-risk-plan.png" });
  const execute = drain.getByRole("button", { name: "Execute" });
  await expect(execute).toBeDisabled();
  await signedOff(drain, "A bare miner pod sits on the node; delete it with the drain");
  await drain.getByLabel("Type the pod name to confirm").fill(`${target.name}-typo`);
  await expect(execute).toBeDisabled();
  await drain.getByLabel("Type the pod name to confirm").fill(target.name);
  await expect(execute).toBeEnabled();
  await execute.click();

  const progress = drain.getByRole("table", { name: "Drain progress per pod" });
  await expect(progress.getByRole("cell", { name: /evicted|deleted/ }).first()).toBeVisible();
  // Once every pod is evicted the drain says what it still waits for, and until when.
  await expect(progress.getByRole("cell", { name: /^terminating: its grace period lets it run up to \d+ s more/ }).first()).toBeVisible();
  await expect(drain.getByRole("status", { name: "Drain: what it waits for" })).toContainText(
    /finish terminating within their grace periods: done by about \d\d:\d\d:\d\d UTC/,
  );
  await drain.screenshot({ path: "test-results/step-truth/drain-waiting.png" });
  // Leave and come back while evicted pods terminate: the page resumes from the server's state.
  await page.reload();
  await expect(statusOf(card(STEP.drain))).toHaveAccessibleName(/Status: (running|succeeded)/);
  await expect(card(STEP.drain).getByRole("table", { name: "Drain progress per pod" })).toBeVisible();
  await expect(statusOf(card(STEP.drain))).toHaveAccessibleName("Status: succeeded", { timeout: 90_000 });
});

test("restricts the pod's network: excludes allow policies, applies deny-all, counts down, attests isolation per probe", async () => {
  await runStep(STEP.exclude);
  const denyAll = await runStep(STEP.denyAll);
  const timer = denyAll.getByRole("timer", { name: "Policy propagation" });
  // The e2e window is 10 s (NETPOL_PROPAGATION_SECONDS): never more than that is shown.
  await expect(timer).toHaveText(/Policy propagation: 0:(10|0\d) remaining/);
  await expect(timer).toHaveText("Policy propagation: window over");
  await denyAll.getByRole("link", { name: "run attest-isolation" }).click();
  const attest = await runStep(STEP.attest, { timeout: 90_000 });
  await expect(attest.getByText(/Succeeded: Isolated:/)).toBeVisible();
  // Every probe, per direction: the frontend peer the allow policy admitted, and the miner pool, now time out.
  const panel = attest.getByRole("region", { name: "Last attestation" });
  await expect(panel.getByRole("listitem").filter({ hasText: /^Pod ingress: Isolated — Every ingress probe/ })).toBeVisible();
  // TCP decides egress; the kube-dns datagram heard nothing back, which proves nothing, and the verdict says so.
  await expect(
    panel.getByRole("listitem").filter({ hasText: /^Pod egress: Isolated — Every TCP egress probe \(\d+\) timed out.* UDP not provable by probe: 1 probe/ }),
  ).toBeVisible();
  const ingress = panel.getByRole("table", { name: /^Ingress probes to / });
  await expect(
    ingress
      .getByRole("row")
      .filter({ hasText: /app=frontend/ })
      .getByText("timeout — dropped"),
  ).toBeVisible();
  const egress = panel.getByRole("table", { name: /^Egress probes from / });
  await expect(egress.getByRole("row").filter({ hasText: "198.51.100.23" }).getByText("timeout — dropped")).toBeVisible();
  await expect(egress.getByRole("row").filter({ hasText: "169.254.169.254" }).getByText("timeout — dropped")).toBeVisible();
  await expect(egress.getByRole("row").filter({ hasText: "53/udp" }).getByText("no reply — UDP: silence is not proof")).toBeVisible();
  await expect(panel.getByText(/not isolated/)).toHaveCount(0);
  await panel.screenshot({ path: "test-results/step-truth/attestation-isolated.png" });
});

test("detaches the checkout Service by deleting it (manifest kept for release)", async () => {
  const detach = card(STEP.detach);
  await detach
    .getByRole("group", { name: "Service checkout" })
    .getByRole("radio", { name: /Delete the Service/ })
    .check();
  await runStep(STEP.detach, { confirm: true, approve: "Its load balancer must stop serving the miner" });
});

test("isolates the node's VM: tag, then firewall rules with the investigator's SSH range", async () => {
  await runStep(STEP.tag);

  const firewall = card(STEP.firewall);
  const range = firewall.getByLabel("SSH source range");
  await range.fill("0.0.0.0/0");
  await firewall.getByRole("button", { name: "Plan" }).click();
  await expect(range).toHaveAttribute("aria-invalid", "true");
  // The field's own error says why, next to the field; no generic banner on top of it.
  await expect(range).toHaveAccessibleDescription(/whole internet/);
  await expect(firewall.getByRole("alert")).toHaveCount(0);
  await expect(firewall.getByText("Invalid step parameters")).toHaveCount(0);
  await firewall.screenshot({ path: "test-results/step-truth/firewall-field-error.png" });
  await range.fill("203.0.113.7/32");
  await runStep(STEP.firewall);
});

test("releases the pod: undoes every reversible step, newest first", async () => {
  const release = page.getByRole("region", { name: "Release from quarantine" });
  const items = release.getByRole("list", { name: "Steps to undo, newest first" }).getByRole("region");
  // Releasing a network or node-network isolation re-exposes the pod: another person signs it off.
  const order: { title: string; confirm?: boolean; approve?: boolean }[] = [
    { title: STEP.firewall, approve: true },
    { title: STEP.tag, approve: true },
    { title: STEP.detach, confirm: true },
    { title: STEP.denyAll, approve: true },
    { title: STEP.exclude, approve: true },
    { title: STEP.protect },
    { title: STEP.label },
    { title: STEP.cordon },
  ];
  await expect(items).toHaveCount(order.length);
  for (const { title, confirm, approve } of order) {
    const item = items.first();
    await expect(item).toHaveAccessibleName(`Undo: ${title}`);
    await item.getByRole("button", { name: "Plan" }).click();
    await expect(item.getByText(/^Undo plan hash/)).toBeVisible();
    const undo = item.getByRole("button", { name: "Undo", exact: true });
    if (approve) {
      await expect(undo).toBeDisabled();
      await signedOff(item, "Node rebuilt and forensics done; release it");
      if (title === STEP.firewall) await release.screenshot({ path: "test-results/step-truth/release-approved.png" });
    }
    if (confirm) {
      await expect(undo).toBeDisabled();
      await item.getByLabel("Type the pod name to confirm").fill(target.name);
    }
    await undo.click();
    await expect(release.getByRole("region", { name: `Undo: ${title}` })).toHaveCount(0);
    await expect(statusOf(card(title))).toHaveAccessibleName("Status: undone");
    if (title === STEP.firewall) {
      // The rules being gone is the point of the undo: a success that says so, not "Verify: … is missing".
      await expect(release.getByText(/^Undone firewall-isolate: .* Checked: the effect is gone \(.*quarantine-egress-deny is missing/)).toBeVisible();
      await expect(release.getByText(/Verify:/)).toHaveCount(0);
      await release.screenshot({ path: "test-results/step-truth/undo-firewall.png" });
    }
  }
  await expect(items).toHaveCount(0);
});

test("the timeline shows plans, intents, results and undos with who did them", async () => {
  const timeline = page.getByRole("region", { name: "Timeline" });
  const rows = timeline.getByRole("row");
  const entry = (kind: string, step: string, outcome: string) =>
    rows
      .filter({ has: page.getByRole("cell", { name: kind, exact: true }) })
      .filter({ has: page.getByRole("cell", { name: step, exact: true }) })
      .filter({ has: page.getByRole("cell", { name: outcome, exact: true }) });
  await expect(rows.filter({ has: page.getByRole("cell", { name: "incident-opened", exact: true }) })).toHaveCount(1);
  for (const step of ["collect-evidence", "cordon-node", "drain-node", "apply-deny-all", "firewall-isolate"]) {
    await expect(entry("intent", step, "execute").first()).toBeVisible();
    await expect(entry("result", step, "success").first()).toBeVisible();
  }
  await expect(entry("undo", "cordon-node", "success")).toHaveCount(1);
  await expect(rows.filter({ has: page.getByRole("cell", { name: "analyst@demo.local", exact: true }) }).first()).toBeVisible();

  // Newest first: the last undo (cordon-node) is above the first intent.
  const kinds = await timeline.getByRole("row").allInnerTexts();
  const firstUndo = kinds.findIndex((t) => /\bundo\b/.test(t) && /cordon-node/.test(t));
  const firstIntent = kinds.findIndex((t) => /\bintent\b/.test(t) && /collect-evidence/.test(t));
  expect(firstUndo).toBeGreaterThan(0);
  expect(firstUndo).toBeLessThan(firstIntent);
});
