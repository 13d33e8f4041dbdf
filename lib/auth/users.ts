import "server-only";
import { randomUUID } from "node:crypto";
import type { Db, UserRow } from "@/lib/store";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./passwords";
import { formatRoles, parseRoles, type Caller, type Role } from "./roles";

export type User = {
  id: string;
  email: string;
  name: string | null;
  roles: Role[];
  disabled: boolean;
  createdAt: string;
  /** A local account (signs in with a password), as opposed to one reached only through single sign-on. */
  hasPassword: boolean;
};

export function toUser(row: Pick<UserRow, "id" | "email" | "name" | "roles" | "disabled" | "created_at" | "password_hash">): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: parseRoles(row.roles),
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
    hasPassword: row.password_hash !== null,
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

export type OidcIdentity = { issuer: string; subject: string };
export type NewUser = { email: string; name?: string | null; roles: Role[]; password?: string | null; oidc?: OidcIdentity };

export async function createUser(db: Db, input: NewUser): Promise<User> {
  const row: UserRow = {
    id: randomUUID(),
    email: normalizeEmail(input.email),
    name: input.name ?? null,
    password_hash: input.password ? await hashPassword(input.password) : null,
    roles: formatRoles(input.roles),
    created_at: new Date().toISOString(),
    disabled: 0,
    oidc_issuer: input.oidc?.issuer ?? null,
    oidc_subject: input.oidc?.subject ?? null,
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

/** Re-checks the password of a signed-in local account (e.g. before it creates an API token). */
export async function verifyUserPassword(db: Db, userId: string, password: string): Promise<boolean> {
  const row = await db.selectFrom("users").select(["password_hash", "disabled"]).where("id", "=", userId).executeTakeFirst();
  return row !== undefined && row.disabled === 0 && (await verifyPassword(password, row.password_hash));
}

export type OidcSignIn = OidcIdentity & { email: string; name: string | null; roles: Role[] };
/** `email-taken`: another account (a local one, or one linked to another identity) holds this email. */
export type OidcOutcome = { ok: true; user: User } | { ok: false; reason: "disabled" | "email-taken" };

async function findByIdentity(db: Db, id: OidcIdentity): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("oidc_issuer", "=", id.issuer).where("oidc_subject", "=", id.subject).executeTakeFirst();
}

/**
 * OIDC sign-in. The account is the one linked to this issuer + subject; its roles follow
 * OIDC_ROLE_MAP on every sign-in. Without one, an account is created, or a passwordless account an
 * administrator made for this email (`npm run users -- create` without a password) is linked. An
 * account with a password, or linked to another identity, is never taken over by a matching email.
 */
export async function signInOidcUser(db: Db, input: OidcSignIn): Promise<OidcOutcome> {
  const email = normalizeEmail(input.email);
  const linked = await findByIdentity(db, input);
  if (linked) {
    if (linked.disabled !== 0) return { ok: false, reason: "disabled" };
    // The provider may have changed the email; follow it unless another account holds the new one.
    const emailFree = email === linked.email || !(await findUserByEmail(db, email));
    const values = { roles: formatRoles(input.roles), name: input.name ?? linked.name, ...(emailFree ? { email } : {}) };
    await db.updateTable("users").set(values).where("id", "=", linked.id).execute();
    return { ok: true, user: toUser({ ...linked, ...values }) };
  }
  const sameEmail = await db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
  if (sameEmail) {
    if (sameEmail.password_hash !== null || sameEmail.oidc_subject !== null) return { ok: false, reason: "email-taken" };
    if (sameEmail.disabled !== 0) return { ok: false, reason: "disabled" };
    const res = await db
      .updateTable("users")
      .set({ oidc_issuer: input.issuer, oidc_subject: input.subject, roles: formatRoles(input.roles), name: input.name ?? sameEmail.name })
      .where("id", "=", sameEmail.id)
      .where("oidc_subject", "is", null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return signInOidcUser(db, input); // linked concurrently: look again
    return { ok: true, user: toUser({ ...sameEmail, roles: formatRoles(input.roles), name: input.name ?? sameEmail.name }) };
  }
  try {
    return { ok: true, user: await createUser(db, { email, name: input.name, roles: input.roles, oidc: input }) };
  } catch (e) {
    // A concurrent first sign-in of the same identity (or email) won the insert.
    if (await findByIdentity(db, input)) return signInOidcUser(db, input);
    throw e;
  }
}

/** The account linked to an OIDC identity, if any. */
export async function findUserByOidc(db: Db, id: OidcIdentity): Promise<User | undefined> {
  const row = await findByIdentity(db, id);
  return row && toUser(row);
}
