import "server-only";
import { randomBytes } from "node:crypto";
import os from "node:os";
import type { Kysely } from "kysely";
import { processSingleton } from "@/lib/process-singleton";
import type { Database } from "@/lib/store";

/**
 * Timing of replica liveness: every replica renews its own lease every HEARTBEAT_MS; one that
 * misses it for LEASE_TTL_MS counts as gone, and the replica holding the "reconcile" lease
 * closes its running steps on its next tick (every HEARTBEAT_MS). Worst case from a kill -9 to
 * the record being finished: LEASE_TTL_MS + HEARTBEAT_MS (20 s), inside the promised 30 s.
 */
export const HEARTBEAT_MS = 5_000;
export const LEASE_TTL_MS = 15_000;

const REPLICA_PREFIX = "replica:";

/**
 * This process's name among the replicas: the host name (the pod's name under Kubernetes), the
 * pid and a random suffix, so a restarted pod with the same name is a new replica.
 */
const identity = processSingleton("replica", () => ({ id: `${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}` }));

export function replicaId(): string {
  return identity.id;
}

type Tx = Kysely<Database>;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Takes or renews the lease `name` for `holder` for `ttlMs`: granted when nobody holds it, when
 * its holder's time ran out, or when `holder` already has it. One upsert, so two replicas asking
 * at once cannot both win (the row is the arbiter on both engines). Clocks are compared across
 * replicas: keep them in sync (NTP), as any pod's are.
 */
export async function tryLease(db: Tx, name: string, holder: string, ttlMs: number, now = Date.now()): Promise<boolean> {
  const expires = iso(now + ttlMs);
  await db
    .insertInto("leases")
    .values({ name, holder, expires_at: expires })
    .onConflict((oc) =>
      oc
        .column("name")
        .doUpdateSet({ holder, expires_at: expires })
        .where((eb) => eb.or([eb("leases.expires_at", "<=", iso(now)), eb("leases.holder", "=", holder)])),
    )
    .execute();
  const row = await db.selectFrom("leases").select("holder").where("name", "=", name).executeTakeFirst();
  return row?.holder === holder;
}

/** Gives a lease up at once (a clean shutdown), so another replica need not wait for it to expire. */
export async function releaseLease(db: Tx, name: string, holder: string): Promise<void> {
  await db.deleteFrom("leases").where("name", "=", name).where("holder", "=", holder).execute();
}

/** Renews this replica's liveness lease. */
export async function heartbeat(db: Tx, id = replicaId(), now = Date.now()): Promise<void> {
  await tryLease(db, REPLICA_PREFIX + id, id, LEASE_TTL_MS, now);
}

/** Ends this replica's liveness at once: its running steps become another replica's to reconcile. */
export async function leaveReplicas(db: Tx, id = replicaId()): Promise<void> {
  await releaseLease(db, REPLICA_PREFIX + id, id);
}

/** The replicas whose liveness lease has not run out. */
export async function liveReplicas(db: Tx, now = Date.now()): Promise<Set<string>> {
  const rows = await db.selectFrom("leases").select("holder").where("name", "like", `${REPLICA_PREFIX}%`).where("expires_at", ">", iso(now)).execute();
  return new Set(rows.map((r) => r.holder));
}
