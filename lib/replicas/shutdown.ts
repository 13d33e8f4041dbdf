import "server-only";
import { config } from "@/lib/config";
import { CAUSES, reconcileInterrupted, type Reconciled } from "@/lib/containment/reconcile";
import { runsOwnedBy } from "@/lib/containment/runs";
import { logError, newRef } from "@/lib/http/log";
import { log } from "@/lib/observe/logger";
import { getDb } from "@/lib/store";
import { stopAcceptingSteps } from "./accepting";
import { RECONCILE_LEASE, stopBackgroundJobs } from "./background";
import { heartbeat, leaveReplicas, releaseLease, replicaId } from "./lease";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A graceful stop: refuse new step runs (503), give this replica's running ones `graceMs` to
 * finish (still renewing its liveness, so no other replica takes them over meanwhile), then
 * verify and record each one left as interrupted, and give up the leases so another replica
 * takes the background work at once. Returns the runs it recorded as interrupted.
 */
export async function shutDown(graceMs: number, pollMs = 250): Promise<Reconciled[]> {
  stopAcceptingSteps();
  stopBackgroundJobs();
  const db = await getDb();
  const me = replicaId();
  const deadline = Date.now() + graceMs;
  while ((await runsOwnedBy(db, me)).length > 0 && Date.now() < deadline) {
    await heartbeat(db);
    await sleep(pollMs);
  }
  const interrupted = await reconcileInterrupted((d) => runsOwnedBy(d, me), CAUSES.shutdown);
  await releaseLease(db, RECONCILE_LEASE, me);
  await leaveReplicas(db, me);
  return interrupted;
}

/**
 * SIGTERM (Kubernetes stopping the pod) and SIGINT: shut down gracefully, then exit. Next's own
 * handlers would close the server and exit at once, cutting running steps off mid-change, so
 * unless NEXT_MANUAL_SIG_HANDLE already told Next to leave the signals alone they are removed
 * here (instrumentation runs after Next installed them).
 */
export function installShutdown(): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    if (!process.env.NEXT_MANUAL_SIG_HANDLE) process.removeAllListeners(signal);
    process.once(signal, () => {
      const graceMs = config().shutdownGraceSeconds * 1000;
      log().info({ signal, graceMs, replica: replicaId() }, "shutting down: no new step runs");
      shutDown(graceMs).then(
        (interrupted) => {
          log().info({ interrupted: interrupted.map((r) => ({ runId: r.runId, stepId: r.stepId, markedAs: r.markedAs })) }, "shut down");
          process.exit(0);
        },
        (err: unknown) => {
          logError(newRef(), err, { door: "background", what: "shutdown" });
          process.exit(1);
        },
      );
    });
  }
}
