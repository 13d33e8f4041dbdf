import { expect, test, type Locator, type Page } from "@playwright/test";
import { PAYMENTS, findCompromisedPod, resetSimulator, signIn, simulatorBase, type PodRef } from "./support";

// The containment board tells the truth at a glance: the pod-network rows go pending while the
// deny-all propagates, then "in place, unproven" (amber, the clock still running) until an
// attestation proves them; then in effect, and the clock stops at the attestation's time. When
// someone deletes the policy with the Kubernetes API (not through Airlock), the board says "not
// contained" and why, and time-to-contain stays.

test.describe.configure({ mode: "serial" });

let page: Page;
let target: PodRef;

const DENY_ALL = "airlock-quarantine-deny-all";
const card = (title: string): Locator => page.getByRole("region", { name: title, exact: true });
const board = (): Locator => page.getByRole("region", { name: "Containment board" });
const layer = (title: string): Locator => board().getByRole("row", { name: new RegExp(`^${title}`) });

async function runStep(title: string, timeout = 60_000): Promise<void> {
  const c = card(title);
  await c.getByRole("button", { name: /^Plan/ }).click();
  await expect(c.getByRole("group", { name: "Plan" })).toBeVisible();
  const execute = c.getByRole("button", { name: "Execute" });
  await expect(execute).toBeEnabled();
  await execute.click();
  await expect(c.getByRole("status", { name: /^Status:/ })).toHaveAccessibleName(/Status: (succeeded|no-op)/, { timeout });
}

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await resetSimulator(page.request);
  await signIn(page, "analyst@demo.local");
  target = await findCompromisedPod(page.request);
});

test("a new incident shows every layer not started and the clock running", async () => {
  await page.goto(`/incidents/new?cluster=${encodeURIComponent(PAYMENTS)}&namespace=${target.namespace}&pod=${target.name}`);
  await page.getByLabel("Title").fill(`Board: miner in ${target.name}`);
  await page.getByRole("button", { name: "Open incident" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Board: miner in ${target.name}` })).toBeVisible();

  await expect(board()).toBeVisible();
  for (const title of ["Workload", "Pod network: ingress", "Pod network: egress", "Services", "Node network", "Credentials", "Evidence"]) {
    await expect(layer(title)).toContainText("not started");
  }
  await expect(layer("Credentials")).toContainText(/stolen service-account token still works from outside the pod/);
  await expect(board().getByRole("status", { name: "Time to contain" })).toContainText("Time to contain: not yet contained");
  await board().screenshot({ path: "test-results/board-1-new.png" });
});

test("label, exclude and deny-all: the pod-network rows go pending, then in place but unproven, never green", async () => {
  await runStep("Label the pod quarantine=true");
  // The label makes the incident's status "contained", but no layer is in effect yet: the lead's
  // timeline must not put "contained" beside "not yet contained".
  const incidentUrl = page.url();
  await page.getByRole("link", { name: "Timeline", exact: true }).click();
  const row = page.getByRole("table", { name: "Time to contain per incident" }).getByRole("row", { name: new RegExp(`Board: miner in ${target.name}`) });
  await expect(row.getByRole("cell").nth(0)).toHaveText("open");
  await expect(row.getByRole("cell").nth(2)).toHaveText(
    "not yet contained: a containment step ran, but no pod-network or node-network layer has been seen in effect",
  );
  await page.getByRole("region", { name: "Time to contain" }).screenshot({ path: "test-results/board-timeline-label-only.png" });
  await page.goto(incidentUrl);
  await runStep("Exclude the pod from existing allow policies");
  await runStep("Apply the deny-all NetworkPolicy");
  await expect(layer("Pod network: ingress")).toContainText("pending propagation");
  await expect(layer("Pod network: egress")).toContainText("pending propagation");
  await expect(layer("Pod network: ingress")).toContainText(/propagation window ends at/);
  await board().screenshot({ path: "test-results/board-2-pending.png" });

  // The e2e console's window is 10 s (NETPOL_PROPAGATION_SECONDS); the board polls every 5 s.
  for (const title of ["Pod network: ingress", "Pod network: egress"]) {
    await expect(layer(title)).toContainText("in place, unproven", { timeout: 40_000 });
    await expect(layer(title)).toContainText(/Not proven: no attestation has tested it since the window ended; run attest-isolation to prove it/);
    await expect(layer(title)).not.toContainText("in effect");
    await expect(layer(title)).toHaveAttribute("data-state", "unproven");
  }
  await expect(layer("Pod network: ingress").getByText(`NetworkPolicy ${target.namespace}/${DENY_ALL}`, { exact: true })).toBeVisible();
  await expect(board()).toContainText("In place but not proven: Pod network: ingress, Pod network: egress. Run attest-isolation to prove it.");
  await expect(board().getByRole("status", { name: "Time to contain" })).toContainText("Time to contain: not yet contained");
  await board().screenshot({ path: "test-results/board-3-unproven.png" });
});

test("an attestation proves the isolation: the rows go green and the clock stops at the attestation's time", async () => {
  await runStep("Attest the pod's isolation", 90_000);
  for (const title of ["Pod network: ingress", "Pod network: egress"]) {
    await expect(layer(title)).toContainText("in effect", { timeout: 20_000 });
    await expect(layer(title)).toContainText(/found it isolated/);
  }
  await expect(board()).not.toContainText("In place but not proven");
  const probe = await layer("Pod network: ingress")
    .getByText(/attest-isolation at /)
    .innerText();
  const attestedAt = /attest-isolation at (\S+) /.exec(probe)![1];
  const clock = board().getByRole("status", { name: "Time to contain" });
  await expect(clock).toContainText(/Time to contain: \d+ (s|min)/);
  // The clock's end is the attestation, not the read that noticed it (shown as the board's time format).
  await expect(clock).toContainText(`to the first verified isolation at ${attestedAt.replace("T", " ").replace(/\.\d+Z$/, "Z")}, pod-ingress`);
  await board().screenshot({ path: "test-results/board-4-in-effect.png" });
});

test("deleting the deny-all through the Kubernetes API shows not contained, and the clock stays", async () => {
  const clock = await board().getByRole("status", { name: "Time to contain" }).innerText();
  const res = await page.request.delete(
    `${simulatorBase()}/clusters/payments/apis/networking.k8s.io/v1/namespaces/${target.namespace}/networkpolicies/${DENY_ALL}`,
    {
      headers: { authorization: "Bearer airlock-sim-token" },
    },
  );
  expect(res.status()).toBe(200);
  for (const title of ["Pod network: ingress", "Pod network: egress"]) {
    await expect(layer(title)).toContainText("NOT CONTAINED", { timeout: 20_000 });
    await expect(layer(title)).toContainText(/does not exist.*removed or changed outside Airlock/);
  }
  await expect(board()).toContainText(/Not contained: Pod network: ingress, Pod network: egress/);
  await expect(board().getByRole("status", { name: "Time to contain" })).toHaveText(clock);
  await board().screenshot({ path: "test-results/board-5-not-contained.png" });

  // The lead's timeline page keeps time-to-contain per incident.
  await page.goto("/timeline");
  const row = page.getByRole("table", { name: "Time to contain per incident" }).getByRole("row", { name: new RegExp(`Board: miner in ${target.name}`) });
  await expect(row.getByRole("cell").nth(0)).toHaveText("open");
  await expect(row.getByRole("cell").nth(2)).toHaveText(/^\d+ (s|min).* \(pod-(ingress|egress)\)$/);
  await page.getByRole("region", { name: "Time to contain" }).screenshot({ path: "test-results/board-timeline-contained.png" });
});
