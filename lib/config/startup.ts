import "server-only";
import { config, ConfigError } from "./index";
import { getDb } from "@/lib/store";
import { redact } from "@/lib/http/log";
import { log } from "@/lib/observe/logger";

/**
 * Called once when the Next server starts (instrumentation.ts): validates the configuration
 * (a production start refuses a missing or weak NEXTAUTH_SECRET) and opens the database,
 * applying migrations. Exits the process when either fails.
 */
export async function startConsole(): Promise<void> {
  try {
    const cfg = config();
    await getDb();
    log().info(
      {
        database: cfg.database.engine,
        demo: cfg.demo,
        oidc: Boolean(cfg.oidc),
        evidence: cfg.evidence.store,
        auditAnchored: Boolean(cfg.audit.keyPem),
      },
      "airlock ready",
    );
    if (!cfg.audit.keyPem) {
      // Not fatal (the chain still detects edits), but a rewritten or truncated timeline would go unnoticed.
      log().warn("AIRLOCK_AUDIT_KEY is not set: the audit timeline is hash-chained but not anchored by signed checkpoints");
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
    } else {
      const err = e as Error;
      log().fatal({ error: { name: err.name, message: redact(String(err.message)) } }, "airlock could not start");
    }
    process.exit(1);
  }
}
