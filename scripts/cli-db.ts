// Shared by the admin scripts: the configured database, migrated (and demo-seeded in demo mode).
import { config, ConfigError } from "@/lib/config";
import { getDb, type Db } from "@/lib/store";

export async function cliDb(): Promise<Db> {
  try {
    config();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + "\n");
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
