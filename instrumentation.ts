/** Runs once when the Next server starts; the work lives in lib/config/startup.ts (Node.js runtime only). */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startConsole } = await import("@/lib/config/startup");
    await startConsole();
    // A policy naming an unknown step stops the start rather than silently dropping a sign-off.
    const { installApprovalsOrExit } = await import("@/lib/approvals/install");
    installApprovalsOrExit();
    // SIGTERM: refuse new steps, let running ones finish or record them interrupted, then exit.
    const { installShutdown } = await import("@/lib/replicas/shutdown");
    installShutdown();
    // Liveness of this replica, and (under a lease, on one replica at a time) the reconcile of
    // steps whose replica died between intent and result (lib/replicas).
    const { startBackgroundJobs } = await import("@/lib/replicas/background");
    startBackgroundJobs();
  }
}
