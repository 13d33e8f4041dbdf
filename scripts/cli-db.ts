// Shared by the admin scripts: the configured database, migrated (and demo-seeded in demo mode).
// With no database configured, a running `npm run demo` lends its own (see demo-facts.ts).
import path from "node:path";
import { config, ConfigError } from "@/lib/config";
import { getDb, type Db } from "@/lib/store";
import { adminScriptEnv } from "./demo-facts";

// AIRLOCK_DEMO_DIR: where the demo's facts are, for tests and for a demo run from another checkout.
const DEMO_DIR = process.env.AIRLOCK_DEMO_DIR ?? path.resolve(__dirname, "..", ".data", "demo");

const HOW_TO = `To reach a database, either run this while \`npm run demo\` is running (it finds the demo's
database), or set AIRLOCK_DB_FILE=<sqlite file> or DATABASE_URL=<postgres:// URL>, with
NEXTAUTH_SECRET set as the console has it (or AIRLOCK_DEMO=1 for a demo database).`;

export async function cliDb(): Promise<Db> {
  const { env, note } = adminScriptEnv(process.env, DEMO_DIR);
  if (note) process.stderr.write(`${note}\n`);
  Object.assign(process.env, env);
  try {
    config();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n${HOW_TO}\n`);
      process.exit(2);
    }
    throw e;
  }
  return getDb();
}

export function die(message: string, code = 2): never {
  process.stderr.write(message + "\n");
  process.exit(code);
}
