/** Runs once when the Next server starts; the work lives in lib/config/startup.ts (Node.js runtime only). */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startConsole } = await import("@/lib/config/startup");
    await startConsole();
    // A policy naming an unknown step stops the start rather than silently dropping a sign-off.
    const { installApprovalsOrExit } = await import("@/lib/approvals/install");
    installApprovalsOrExit();
    // Steps interrupted by the last shutdown (intent written, no result): verify and record them.
    const { reconcileOnStart } = await import("@/lib/containment/reconcile");
    void reconcileOnStart();
  }
}
