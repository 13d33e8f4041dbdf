import "server-only";
import { logError, newRef } from "@/lib/http/log";
import { reconcileOrphans } from "@/lib/containment/reconcile";
import { processSingleton } from "@/lib/process-singleton";
import { getDb } from "@/lib/store";
import { HEARTBEAT_MS, LEASE_TTL_MS, heartbeat, replicaId, tryLease } from "./lease";

/** The lease under which one replica at a time reconciles the runs of replicas that are gone. */
export const RECONCILE_LEASE = "reconcile";

const state = processSingleton("replicas.background", () => ({ timer: undefined as NodeJS.Timeout | undefined, ticking: false }));

/**
 * One pass of the background work: renew this replica's liveness, then, if this replica holds
 * the reconcile lease, close the runs whose replica is gone. Approval expiry, notification
 * retries, drain progress and alert dedupe windows need no job here: each is decided in the
 * shared database when a request touches it (a conditional write, or for alerts a per-pod lease
 * that lets one replica at a time triage a pod's alerts).
 */
export async function backgroundTick(): Promise<void> {
  const db = await getDb();
  await heartbeat(db);
  if (await tryLease(db, RECONCILE_LEASE, replicaId(), LEASE_TTL_MS)) await reconcileOrphans();
}

/** Starts the background work at server start (instrumentation.ts): a first pass now, then every HEARTBEAT_MS. */
export function startBackgroundJobs(): void {
  if (state.timer) return;
  const run = () => {
    if (state.ticking) return; // a slow pass (a cluster that does not answer) is never overlapped by the next
    state.ticking = true;
    backgroundTick()
      .catch((err: unknown) => logError(newRef(), err, { door: "background", what: "replica tick" }))
      .finally(() => (state.ticking = false));
  };
  run();
  state.timer = setInterval(run, HEARTBEAT_MS);
  state.timer.unref();
}

export function stopBackgroundJobs(): void {
  if (state.timer) clearInterval(state.timer);
  state.timer = undefined;
}
