import fs from "node:fs";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { findCompromisedPod, PAYMENTS, resetSimulator, signIn, type PodRef } from "./support";

/** The payments cluster's API on the simulator, from the kubeconfig `npm run demo` wrote. */
function payments(): string {
  const kubeconfig = fs.readFileSync(path.resolve(__dirname, "..", ".data", "demo", "kubeconfig"), "utf8");
  const server = /server:\s*(http:\/\/127\.0\.0\.1:\d+\/clusters\/\S*payments\S*)/.exec(kubeconfig)?.[1];
  if (!server) throw new Error("no payments cluster in .data/demo/kubeconfig");
  return server;
}

// What a step card says after it ran is what was verified, not merely that it ran: an attestation
// that finds the pod reachable is red "not contained", verify reads what the step did, and words
// and warnings follow what this incident has already done. Found by role and label.

test.describe.configure({ mode: "serial" });

let page: Page;
let target: PodRef;

const SHOTS = path.resolve(__dirname, "..", "test-results", "step-truth");
const shot = async (name: string, region?: Locator) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  await (region ?? page).screenshot({ path: path.join(SHOTS, `${name}.png`) });
};

const card = (title: string): Locator => page.getByRole("region", { name: title, exact: true });
const statusOf = (c: Locator): Locator => c.getByRole("status", { name: /^Status:/ });

async function openIncident(title: string): Promise<void> {
  const opened = await page.request.post("/api/v1/incidents", { data: { cluster: PAYMENTS, namespace: target.namespace, pod: target.name, title } });
  expect(opened.status()).toBe(201);
  const { id } = (await opened.json()) as { id: string };
  await page.goto(`/incidents/${id}`);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
}

/** Plan, review, execute, and wait for the server's status to leave "running". */
async function run(title: string, opts: { confirm?: boolean; status?: RegExp | string; timeout?: number } = {}): Promise<Locator> {
  const c = card(title);
  await c.getByRole("button", { name: /^Plan/ }).click();
  await expect(c.getByRole("group", { name: "Plan" })).toBeVisible();
  if (opts.confirm) await c.getByLabel("Type the pod name to confirm").fill(target.name);
  const execute = c.getByRole("button", { name: "Execute" });
  await expect(execute).toBeEnabled();
  await execute.click();
  await expect(statusOf(c)).toHaveAccessibleName(opts.status ?? /Status: (succeeded|no-op)/, { timeout: opts.timeout ?? 60_000 });
  return c;
}

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await resetSimulator(page.request);
  await signIn(page, "analyst@demo.local");
  target = await findCompromisedPod(page.request);
});

test("an attestation that finds the pod reachable is red 'not contained' with why, per probe, never a green success", async () => {
  await openIncident(`Attestation drill on ${target.name}`);
  // Before any containment the demo's allow policy admits frontends: the attestation's
  // frontend-labelled probe connects, and nothing stops the pod's egress.
  const attest = await run("Attest the pod's isolation", { status: "Status: not contained", timeout: 90_000 });
  const alert = attest.getByRole("alert").filter({ hasText: /^Not contained — NOT ISOLATED: .*connected/ });
  await expect(alert).toBeVisible();
  await expect(attest.getByText(/^Succeeded:/)).toHaveCount(0);
  const panel = attest.getByRole("region", { name: "Last attestation" });
  await expect(
    panel.getByRole("listitem").filter({ hasText: /^Pod ingress: Not isolated — 1 ingress probe\(s\) got through: .*app=frontend.*: connected/ }),
  ).toBeVisible();
  await expect(panel.getByRole("listitem").filter({ hasText: /^Pod egress: Not isolated — / })).toBeVisible();
  const ingress = panel.getByRole("table", { name: /^Ingress probes to / });
  await expect(
    ingress
      .getByRole("row")
      .filter({ hasText: /app=frontend/ })
      .getByText("connected — not isolated"),
  ).toBeVisible();
  await expect(
    ingress
      .getByRole("row")
      .filter({ hasText: /another node/ })
      .getByText("timeout — dropped"),
  ).toBeVisible();
  const egress = panel.getByRole("table", { name: /^Egress probes from / });
  await expect(egress.getByRole("row").filter({ hasText: "198.51.100.23" }).getByText("connected — not isolated")).toBeVisible();
  await expect(egress.getByRole("row").filter({ hasText: "169.254.169.254" }).getByText("connected — not isolated")).toBeVisible();
  await expect(panel.getByText(/198\.51\.100\.23:3333 established, moving/)).toBeVisible();
  await shot("attestation-not-isolated", attest);

  // After a reload the card and its panel say the same, in red.
  await page.reload();
  const reloaded = card("Attest the pod's isolation");
  await expect(statusOf(reloaded)).toHaveAccessibleName("Status: not contained");
  await expect(reloaded.getByText(/ran, not contained: NOT ISOLATED:/)).toBeVisible();
  const again = reloaded.getByRole("region", { name: "Last attestation" });
  await expect(again.getByRole("listitem").filter({ hasText: /^Pod ingress: Not isolated — / })).toBeVisible();
  await expect(again.getByText("connected — not isolated").first()).toBeVisible();
});

test("collect-evidence verifies the artifacts it just stored: green, 'holds', no false alarm", async () => {
  const evidence = await run("Collect evidence", { status: "Status: succeeded" });
  await expect(evidence.getByText(/^Succeeded: Collected \d+ artifacts .* Verify: holds: \d+ artifacts collected/)).toBeVisible();
  await expect(evidence.getByText(/does not hold/)).toHaveCount(0);
  await shot("evidence-holds", evidence);
});

test("warnings follow what the incident did: no 'snapshot the boot disk first' once it is snapshotted", async () => {
  const cordon = card("Cordon the node");
  await cordon.getByRole("button", { name: /^Plan/ }).click();
  const warnings = cordon.getByRole("list", { name: "Plan warnings" });
  await expect(warnings).toContainText(/[Ss]napshot the (node's )?boot disk/);

  await run("Snapshot the node's boot disk");
  await cordon.getByRole("button", { name: /^Plan/ }).click();
  await expect(warnings).toContainText(/already snapshotted for this incident/);
  await expect(warnings).not.toContainText(/[Ss]napshot the (node's )?boot disk/);
  await shot("cordon-after-snapshot", cordon);
  // Preflight's auto-repair finding reads the same runs (evidence was collected in the test before).
  const preflight = page.getByRole("region", { name: "Preflight" });
  await expect(preflight).toContainText("The node's disk is already snapshotted and evidence collected for this incident.");
  await expect(preflight).not.toContainText("Snapshot the node's disk and collect evidence first.");
});

test("a plan or an undo that changes nothing asks no one to type the pod's name", async () => {
  await openIncident(`No-op drill on ${target.name}`);
  await run("Detach the pod from its controller and Services", { confirm: true });

  // Orphaned, the pod is no longer routed to: detaching Services has nothing to do.
  const detach = card("Detach Services from the pod");
  await detach.getByRole("button", { name: /^Plan/ }).click();
  await expect(detach.getByRole("group", { name: "Plan" })).toBeVisible();
  await expect(detach.getByLabel("Type the pod name to confirm")).toHaveCount(0);
  await expect(detach.getByRole("button", { name: "Execute" })).toBeEnabled();
  await shot("detach-noop-no-typing", detach);
  await detach.getByRole("button", { name: "Execute" }).click();
  await expect(statusOf(detach)).toHaveAccessibleName("Status: no-op (already done)");

  // The pod goes away outside Airlock: undoing the orphaning has nothing left to restore.
  const gone = await page.request.delete(`${payments()}/api/v1/namespaces/${target.namespace}/pods/${target.name}?gracePeriodSeconds=0`);
  expect(gone.ok()).toBe(true);
  await page.reload();
  await expect(
    page
      .getByRole("region", { name: "Preflight" })
      .getByText(`Pod ${target.namespace}/${target.name} no longer exists (removed outside Airlock, or by its controller).`),
  ).toBeVisible();
  const release = page.getByRole("region", { name: "Release from quarantine" });
  const item = release.getByRole("region", { name: "Undo: Detach the pod from its controller and Services" });
  await item.getByRole("button", { name: "Plan" }).click();
  await expect(item.getByText(/Nothing to change now: Pod .* no longer exists/)).toBeVisible();
  await expect(item.getByLabel("Type the pod name to confirm")).toHaveCount(0);
  await shot("undo-noop-no-typing", item);
  await item.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(item).toHaveCount(0);
});
