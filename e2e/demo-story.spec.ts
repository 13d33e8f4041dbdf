import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { findCompromisedPod, PAYMENTS, resetSimulator, signIn, simulatorBase, type PodRef } from "./support";

// The demo story of issue 11, "10 minutes later": isolating a node's VM makes it NotReady, and
// GKE's auto-repair recreates it (new VM, new boot disk: the evidence gone). The wizard keeps
// firewall-isolate locked until protect-node has run; the first test shows the lock and what
// happens to a node isolated without it (by hand, as the playbook did), the second the node
// that protect-node keeps. Sim time is advanced through the simulator's control API.

test.describe.configure({ mode: "serial" });

let page: Page;
let target: PodRef;
type Vm = { project: string; zone: string; name: string };

const card = (title: string): Locator => page.getByRole("region", { name: title, exact: true });
const statusOf = (c: Locator): Locator => c.getByRole("status", { name: /^Status:/ });

async function runStep(title: string): Promise<void> {
  const c = card(title);
  await c.getByRole("button", { name: /^Plan/ }).click();
  await expect(c.getByRole("group", { name: "Plan" })).toBeVisible();
  const execute = c.getByRole("button", { name: "Execute" });
  await expect(execute).toBeEnabled();
  await execute.click();
  await expect(statusOf(c)).toHaveAccessibleName(/Status: (succeeded|no-op)/, { timeout: 60_000 });
}

async function openIncidentPage(title: string): Promise<Vm> {
  const opened = await page.request.post("/api/v1/incidents", { data: { cluster: PAYMENTS, namespace: target.namespace, pod: target.name, title } });
  expect(opened.status()).toBe(201);
  const { id, targets } = (await opened.json()) as { id: string; targets: { instance: Vm } };
  await page.goto(`/incidents/${id}`);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  return targets.instance;
}

/** The VM's and its boot disk's ids, read from the simulator's Compute API (GKE names the disk after the VM). */
async function ids(request: APIRequestContext, vm: Vm): Promise<{ vm: string; disk: string }> {
  const base = `${simulatorBase()}/compute/v1/projects/${vm.project}/zones/${vm.zone}`;
  const v = await request.get(`${base}/instances/${vm.name}`);
  const d = await request.get(`${base}/disks/${vm.name}`);
  expect(v.status()).toBe(200);
  expect(d.status()).toBe(200);
  return { vm: String((await v.json()).id), disk: String((await d.json()).id) };
}

async function advance(request: APIRequestContext, seconds: number): Promise<void> {
  expect((await request.post(`${simulatorBase()}/_sim/clock/advance`, { data: { seconds } })).status()).toBe(200);
}

/** The node's page: its Ready fact and its VM's network tags, as the console shows them. */
async function nodePage(vm: Vm): Promise<{ ready: Locator; tags: Locator }> {
  await page.goto(`/clusters/${encodeURIComponent(PAYMENTS)}/nodes/${vm.name}`);
  await expect(page.getByRole("heading", { level: 1, name: `Node ${vm.name}` })).toBeVisible();
  return { ready: page.locator('dt:text-is("Ready") + dd'), tags: page.locator('dt:text-is("Network tags") + dd') };
}

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await signIn(page, "analyst@demo.local");
});

test("without protect-node: firewall-isolate is locked; a node isolated by hand is recreated 11 sim minutes later", async () => {
  await resetSimulator(page.request);
  target = await findCompromisedPod(page.request);
  const vm = await openIncidentPage(`Unprotected node under ${target.name}`);
  await runStep("Tag the node's VM quarantine");

  const firewall = card("Isolate the node with firewall rules");
  await firewall.getByLabel("SSH source range").fill("203.0.113.7/32");
  await firewall.getByRole("button", { name: "Plan" }).click();
  await expect(firewall.getByText(/Locked: GKE may replace node .*auto-repair/).first()).toBeVisible();
  await expect(firewall.getByRole("button", { name: "Execute" })).toBeDisabled();

  // What the playbook did by hand before Airlock: the egress deny for the quarantine tag.
  const before = await ids(page.request, vm);
  const rule = await page.request.post(`${simulatorBase()}/compute/v1/projects/${vm.project}/global/firewalls`, {
    data: {
      name: "quarantine-egress-deny",
      network: "global/networks/default",
      direction: "EGRESS",
      priority: 0,
      denied: [{ IPProtocol: "all" }],
      destinationRanges: ["0.0.0.0/0"],
      targetTags: ["quarantine"],
    },
  });
  expect(rule.ok()).toBe(true);
  await advance(page.request, 660);

  const after = await ids(page.request, vm);
  expect(after.vm).not.toBe(before.vm);
  expect(after.disk).not.toBe(before.disk);
  // The console shows a fresh node: Ready again, recreated from the template without the quarantine tag.
  const { ready, tags } = await nodePage(vm);
  await expect(ready).toHaveText("Ready");
  await expect(tags).not.toContainText("quarantine");
});

test("with protect-node first: firewall-isolate runs, and after 30 sim minutes the node is NotReady with the same VM and disk", async () => {
  await resetSimulator(page.request);
  target = await findCompromisedPod(page.request);
  const vm = await openIncidentPage(`Protected node under ${target.name}`);
  await runStep("Protect the node from GKE");
  await runStep("Tag the node's VM quarantine");
  await card("Isolate the node with firewall rules").getByLabel("SSH source range").fill("203.0.113.7/32");
  await runStep("Isolate the node with firewall rules");

  const before = await ids(page.request, vm);
  await advance(page.request, 1800);
  expect(await ids(page.request, vm)).toEqual(before);
  const { ready, tags } = await nodePage(vm);
  await expect(ready).toHaveText("NotReady");
  await expect(tags).toContainText("quarantine");
});
