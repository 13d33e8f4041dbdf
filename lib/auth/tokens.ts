import "server-only";
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { Db } from "@/lib/store";
import type { Caller } from "./roles";
import { toCaller, toUser } from "./users";

/** Tokens look like `alk_<43 base64url chars>`; only their SHA-256 is stored. */
export const TOKEN_PREFIX = "alk_";

export type TokenInfo = {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt: string | null;
  readOnly: boolean;
};

/** A token lives this long unless its creator says otherwise. */
export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 366;

export type NewTokenOptions = { expiresInDays?: number; readOnly?: boolean };

export const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export async function createToken(
  db: Db,
  userId: string,
  name: string,
  opts: NewTokenOptions = {},
): Promise<{ id: string; token: string; prefix: string; expiresAt: string; readOnly: boolean }> {
  const days = opts.expiresInDays ?? DEFAULT_TOKEN_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) throw new RangeError(`a token lives 1 to ${MAX_TOKEN_DAYS} days`);
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const id = randomUUID();
  const prefix = token.slice(0, TOKEN_PREFIX.length + 6);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + days * 86_400_000).toISOString();
  const readOnly = opts.readOnly ?? false;
  await db
    .insertInto("api_tokens")
    .values({
      id,
      user_id: userId,
      name: name.trim() || "token",
      token_hash: hashToken(token),
      prefix,
      created_at: now.toISOString(),
      last_used_at: null,
      revoked_at: null,
      expires_at: expiresAt,
      read_only: readOnly ? 1 : 0,
    })
    .execute();
  return { id, token, prefix, expiresAt, readOnly };
}

export async function listTokens(db: Db, userId?: string): Promise<(TokenInfo & { userId: string })[]> {
  let q = db.selectFrom("api_tokens").selectAll().orderBy("created_at", "desc");
  if (userId !== undefined) q = q.where("user_id", "=", userId);
  return (await q.execute()).map((r) => ({
    id: r.id,
    userId: r.user_id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
    expiresAt: r.expires_at,
    readOnly: r.read_only !== 0,
  }));
}

/**
 * Revokes a token. With `userId`, only that user's token (so one user cannot revoke another's).
 * Returns false when there is no such (unrevoked) token.
 */
export async function revokeToken(db: Db, id: string, userId?: string): Promise<boolean> {
  let q = db.updateTable("api_tokens").set({ revoked_at: new Date().toISOString() }).where("id", "=", id).where("revoked_at", "is", null);
  if (userId !== undefined) q = q.where("user_id", "=", userId);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export const tokenExpired = (expiresAt: string | null, now = Date.now()) => expiresAt !== null && Date.parse(expiresAt) <= now;

/** The caller a bearer token stands for, or undefined (unknown, revoked, expired, or user disabled). Records last use. */
export async function callerFromToken(db: Db, token: string): Promise<Caller | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const hash = hashToken(token);
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select([
      "api_tokens.id as token_id",
      "api_tokens.token_hash",
      "api_tokens.revoked_at",
      "api_tokens.expires_at",
      "api_tokens.read_only",
      "users.id",
      "users.email",
      "users.name",
      "users.password_hash",
      "users.roles",
      "users.created_at",
      "users.disabled",
    ])
    .where("api_tokens.token_hash", "=", hash)
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || row.disabled !== 0 || tokenExpired(row.expires_at)) return undefined;
  if (!timingSafeEqual(Buffer.from(row.token_hash), Buffer.from(hash))) return undefined;
  await db.updateTable("api_tokens").set({ last_used_at: new Date().toISOString() }).where("id", "=", row.token_id).execute();
  return { ...toCaller(toUser(row), "token"), ...(row.read_only !== 0 ? { readOnly: true } : {}) };
}
