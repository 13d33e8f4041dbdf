// Test support only (never imported by app code): a fresh database per test file and
// incidents whose targets are given rather than resolved from a cluster.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Caller, Role } from "@/lib/auth/roles";
import { openDb, setDbForTests, type Db } from "@/lib/store";
import { createIncident } from "./incidents";
import type { Incident, IncidentTargets } from "./types";

export async function freshDb(): Promise<{ db: Db; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-containment-"));
  const db = await openDb({ engine: "sqlite", file: path.join(dir, "test.sqlite") });
  setDbForTests(db);
  return {
    db,
    close: async () => {
      setDbForTests(undefined);
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function caller(email: string, ...roles: Role[]): Caller {
  return { id: `id-${email}`, email, name: null, roles, via: "token" };
}

export const DEMO_TARGETS: IncidentTargets = {
  cluster: "gke_acme-prod_us-central1-a_payments",
  namespace: "shop",
  pod: "checkout-7d4b9c-x2k4p",
  podUid: "uid-1",
  node: "gke-payments-default-pool-1",
  instance: { project: "acme-prod", zone: "us-central1-a", name: "gke-payments-default-pool-1" },
  network: "default",
  ownerChain: [
    { kind: "ReplicaSet", name: "checkout-7d4b9c", apiVersion: "apps/v1", uid: "rs" },
    { kind: "Deployment", name: "checkout", apiVersion: "apps/v1", uid: "dep" },
  ],
  services: ["checkout"],
  networkPolicies: ["allow-checkout-from-frontend"],
  containers: ["app"],
};

export async function givenIncident(by: Caller, targets: Partial<IncidentTargets> = {}): Promise<Incident> {
  return createIncident(by, { title: "Crypto miner in checkout", severity: "high", targets: { ...DEMO_TARGETS, ...targets } });
}
