import "server-only";
import type { Db } from "@/lib/store/open";
import { hashPassword } from "./passwords";
import { formatRoles, type Role } from "./roles";
import { randomUUID } from "node:crypto";

export const DEMO_ACCOUNTS: ReadonlyArray<{ email: string; name: string; roles: Role[] }> = [
  { email: "analyst@demo.local", name: "Demo Analyst", roles: ["analyst"] },
  { email: "lead@demo.local", name: "Demo Lead", roles: ["lead", "analyst"] },
  { email: "approver@demo.local", name: "Demo Approver", roles: ["approver"] },
  { email: "approver2@demo.local", name: "Second Approver", roles: ["approver"] },
  { email: "admin@demo.local", name: "Demo Admin", roles: ["admin"] },
];

/** Creates the demo accounts that do not exist yet (idempotent; existing accounts are left alone). */
export async function seedDemoUsers(db: Db, password: string): Promise<number> {
  const existing = new Set(
    (
      await db
        .selectFrom("users")
        .select("email")
        .where(
          "email",
          "in",
          DEMO_ACCOUNTS.map((a) => a.email),
        )
        .execute()
    ).map((r) => r.email),
  );
  const missing = DEMO_ACCOUNTS.filter((a) => !existing.has(a.email));
  if (missing.length === 0) return 0;
  const hash = await hashPassword(password);
  const now = new Date().toISOString();
  let created = 0;
  for (const a of missing) {
    const res = await db
      .insertInto("users")
      .values({
        id: randomUUID(),
        email: a.email,
        name: a.name,
        password_hash: hash,
        roles: formatRoles(a.roles),
        created_at: now,
        disabled: 0,
      })
      .onConflict((oc) => oc.column("email").doNothing())
      .executeTakeFirst();
    created += Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  return created;
}
