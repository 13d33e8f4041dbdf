import "server-only";

/**
 * The four moments of a step's execution where a console that dies leaves a different trace:
 * a run with no intent, an intent with no change, a change with no result, a result with no
 * verify. `npm run proof` (scripts/proof/crashes.ts) kills the console at each with SIGKILL
 * and checks that a restart's reconcile closes the run and the timeline agrees with the cluster.
 */
export const CRASH_POINTS = ["before-intent", "before-call", "before-result", "before-verify"] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

type Env = Record<string, string | undefined>;
type Kill = (pid: number, signal: NodeJS.Signals) => void;

/**
 * The proof's seam in the executor: with `AIRLOCK_PROOF=1` and `AIRLOCK_CRASH_AT=<step>:<point>`,
 * the process kills itself with SIGKILL (no handler, no flush, like `kill -9`) when that step
 * reaches that point. Without `AIRLOCK_PROOF=1` it does nothing, whatever AIRLOCK_CRASH_AT says,
 * so a stray variable in production cannot take the console down.
 */
export function crashPoint(stepId: string, point: CrashPoint, env: Env = process.env, kill: Kill = (pid, signal) => process.kill(pid, signal)): void {
  if (env.AIRLOCK_PROOF !== "1" || !env.AIRLOCK_CRASH_AT) return;
  if (env.AIRLOCK_CRASH_AT === `${stepId}:${point}`) kill(process.pid, "SIGKILL");
}
