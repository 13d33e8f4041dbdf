/**
 * Runs once when the Next server starts: validates the configuration (a production start
 * refuses a missing or weak NEXTAUTH_SECRET) and opens the database, applying migrations.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { config, ConfigError } = await import("@/lib/config");
  try {
    const cfg = config();
    const { getDb } = await import("@/lib/store");
    await getDb();
    console.log(
      JSON.stringify({
        level: "info",
        msg: "airlock ready",
        database: cfg.database.engine,
        demo: cfg.demo,
        oidc: Boolean(cfg.oidc),
      }),
    );
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
    } else {
      const { redact } = await import("@/lib/http/log");
      const err = e as Error;
      console.error(JSON.stringify({ level: "fatal", msg: "airlock could not start", error: { name: err.name, message: redact(String(err.message)) } }));
    }
    process.exit(1);
  }
}
