import "server-only";
import { randomUUID } from "node:crypto";
import type { Db, UserRow } from "@/lib/store";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./passwords";
import { formatRoles, parseRoles, type Caller, type Role } from "./roles";

export type User = { id: string; email: string; name: string | null; roles: Role[]; disabled: boolean; createdAt: string };

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: parseRoles(row.roles),
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
  };
}

export function toCaller(user: User, via: Caller["via"]): Caller {
  return { id: user.id, email: user.email, name: user.name, roles: user.roles, via };
}

const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const row = await db.selectFrom("users").selectAll().where("email", "=", normalizeEmail(email)).executeTakeFirst();
  return row && toUser(row);
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toUser(row);
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.selectFrom("users").selectAll().orderBy("email").execute()).map(toUser);
}

export type NewUser = { email: string; name?: string | null; roles: Role[]; password?: string | null };

export async function createUser(db: Db, input: NewUser): Promise<User> {
  const row: UserRow = {
    id: randomUUID(),
    email: normalizeEmail(input.email),
    name: input.name ?? null,
    password_hash: input.password ? await hashPassword(input.password) : null,
    roles: formatRoles(input.roles),
    created_at: new Date().toISOString(),
    disabled: 0,
  };
  await db.insertInto("users").values(row).execute();
  return toUser(row);
}

export async function updateUser(db: Db, id: string, patch: { roles?: Role[]; password?: string; disabled?: boolean; name?: string | null }): Promise<void> {
  const values: Partial<UserRow> = {};
  if (patch.roles) values.roles = formatRoles(patch.roles);
  if (patch.password !== undefined) values.password_hash = await hashPassword(patch.password);
  if (patch.disabled !== undefined) values.disabled = patch.disabled ? 1 : 0;
  if (patch.name !== undefined) values.name = patch.name;
  if (Object.keys(values).length === 0) return;
  await db.updateTable("users").set(values).where("id", "=", id).execute();
}

/** Local sign-in: the user if the email exists, is enabled, has a password, and it matches. */
export async function authenticateLocal(db: Db, email: string, password: string): Promise<User | undefined> {
  const row = await db.selectFrom("users").selectAll().where("email", "=", normalizeEmail(email)).executeTakeFirst();
  if (!row || row.disabled !== 0 || !row.password_hash) {
    await burnPasswordCheck(password);
    return undefined;
  }
  return (await verifyPassword(password, row.password_hash)) ? toUser(row) : undefined;
}

/** OIDC sign-in: create the user on first sight; roles follow OIDC_ROLE_MAP on every sign-in. */
export async function upsertOidcUser(db: Db, input: { email: string; name?: string | null; roles: Role[] }): Promise<User> {
  const existing = await findUserByEmail(db, input.email);
  if (!existing) {
    try {
      return await createUser(db, { email: input.email, name: input.name ?? null, roles: input.roles });
    } catch {
      // A concurrent first sign-in created it; fall through to the update.
    }
  }
  const user = (await findUserByEmail(db, input.email))!;
  await updateUser(db, user.id, { roles: input.roles, name: input.name ?? user.name });
  return { ...user, roles: input.roles, name: input.name ?? user.name };
}
