import "server-only";
import { HttpError } from "@/lib/http/errors";
import { processSingleton } from "@/lib/process-singleton";

const state = processSingleton("replicas.accepting", () => ({ draining: false }));

/** From SIGTERM on, this replica starts no new step run; those running are let finish. */
export function stopAcceptingSteps(): void {
  state.draining = true;
}

export function acceptingSteps(): boolean {
  return !state.draining;
}

/** The executor's first check for an execute, an undo or a runbook: 503 once shutting down. */
export function refuseWhileShuttingDown(): void {
  if (state.draining) {
    throw new HttpError(503, "This console is shutting down and starts no new steps; try again in a moment (another replica will take it)", {
      reason: "shutting-down",
    });
  }
}

/** Tests only: accept step runs again. */
export function resumeAcceptingForTests(): void {
  state.draining = false;
}
