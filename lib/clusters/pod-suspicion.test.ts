import { describe, expect, it, vi } from "vitest";
import type { Caller } from "@/lib/auth";
import { kubeApis } from "@/lib/kube/clients";
import { openDb } from "@/lib/store";
import { DEMO, findCompromisedPod } from "./demo-fixture";
import { listPodsForAnalyst } from "./list-pods";
import { simulatorPerFile } from "./sim-env";
import { suspiciousFirst } from "./suspicious";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";

simulatorPerFile(["--scenario", "demo"]);

const caller = (roles: Caller["roles"]): Caller => ({ id: randomUUID(), email: `${roles[0]}@example.test`, name: null, roles, via: "session" });
const analyst = caller(["analyst"]);

async function freshDb() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-suspicion-"));
  return openDb({ engine: "sqlite", file: path.join(dir, "test.sqlite") });
}

describe("pods list: which pod is suspicious", () => {
  it("marks the compromised pod by its security events, not its kubelet warnings, with one events call for the page", async () => {
    const db = await freshDb();
    const { name } = await findCompromisedPod();
    const core = kubeApis(DEMO.payments).core;
    const namespaced = vi.spyOn(core, "listNamespacedEvent");
    const everywhere = vi.spyOn(core, "listEventForAllNamespaces");
    const page = await listPodsForAnalyst(DEMO.payments, { namespace: DEMO.namespace, limit: 200 }, { caller: analyst, db });
    // One events list for the page, whatever the number of pods on it, filtered by the server.
    expect(page.items.length).toBeGreaterThan(3);
    expect(namespaced).toHaveBeenCalledTimes(1);
    expect(namespaced.mock.calls[0][0]).toMatchObject({ namespace: DEMO.namespace, fieldSelector: "type=Warning,involvedObject.kind=Pod" });
    await listPodsForAnalyst(DEMO.payments, { limit: 200 }, { caller: analyst, db });
    expect(everywhere).toHaveBeenCalledTimes(1);
    expect(namespaced).toHaveBeenCalledTimes(1);
    namespaced.mockRestore();
    everywhere.mockRestore();

    expect(page.securityEventsUnavailable).toBeUndefined();
    const bad = page.items.find((p) => p.name === name)!;
    expect(bad.suspicion?.securityEvents.map((e) => e.reason).sort()).toEqual(["OutboundConnection", "SensitiveFileRead", "SuspiciousExec"]);
    expect(bad.suspicion?.securityEvents.find((e) => e.reason === "SuspiciousExec")?.count).toBe(2);
    expect(bad.suspicion?.securityEvents.some((e) => e.reason === "Unhealthy")).toBe(false);
    const others = page.items.filter((p) => p.name !== name);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((p) => p.suspicion?.securityEvents.length === 0 && p.suspicion.openIncident === null)).toBe(true);
    expect(suspiciousFirst(page.items)[0].name).toBe(name);
    await db.destroy();
  });

  it("marks a pod with an incident that is not closed, and only such incidents", async () => {
    const db = await freshDb();
    const page0 = await listPodsForAnalyst(DEMO.payments, { namespace: DEMO.namespace, labelSelector: "app=frontend" }, { caller: analyst, db });
    const [quiet, closed] = page0.items;
    const row = (pod: string, status: string) => ({
      id: randomUUID(),
      title: `incident on ${pod}`,
      severity: "high",
      status,
      cluster: DEMO.payments,
      namespace: DEMO.namespace,
      pod,
      targets: "[]",
      created_by: randomUUID(),
      created_at: new Date().toISOString(),
    });
    const open = row(quiet.name, "contained");
    await db
      .insertInto("incidents")
      .values([open, row(closed.name, "closed")])
      .execute();
    const page = await listPodsForAnalyst(DEMO.payments, { namespace: DEMO.namespace, labelSelector: "app=frontend" }, { caller: analyst, db });
    expect(page.items.find((p) => p.name === quiet.name)?.suspicion?.openIncident).toEqual({ id: open.id, title: open.title });
    expect(page.items.find((p) => p.name === closed.name)?.suspicion?.openIncident).toBeNull();
    expect(suspiciousFirst([...page.items].reverse())[0].name).toBe(quiet.name);
    // An admin browses pods but may not see incidents: no incident titles through the pods list.
    const asAdmin = await listPodsForAnalyst(DEMO.payments, { namespace: DEMO.namespace, labelSelector: "app=frontend" }, { caller: caller(["admin"]), db });
    expect(asAdmin.items.every((p) => p.suspicion?.openIncident === null)).toBe(true);
    await db.destroy();
  });
});
