"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/safe-action";
import { appendEntry } from "@/lib/audit";
import { createToken, DEFAULT_TOKEN_DAYS, findUserById, formatRoles, MAX_TOKEN_DAYS, verifyUserPassword } from "@/lib/auth";
import { signInThrottle } from "@/lib/auth/throttle";
import { THROTTLED_MESSAGE } from "@/lib/auth/throttle-limits";
import { FRESH_SIGN_IN_SECONDS } from "@/lib/auth/token-policy";
import { HttpError } from "@/lib/http/errors";
import { getDb } from "@/lib/store";

const schema = z.object({
  name: z.string().trim().min(1, "Give the token a name").max(80, "At most 80 characters"),
  days: z.coerce
    .number()
    .int("A whole number of days")
    .min(1, "At least 1 day")
    .max(MAX_TOKEN_DAYS, `At most ${MAX_TOKEN_DAYS} days`)
    .default(DEFAULT_TOKEN_DAYS),
  // A checkbox: present ("on") when ticked, absent otherwise.
  readOnly: z
    .union([z.literal("on"), z.boolean()])
    .optional()
    .transform((v) => v === "on" || v === true),
  password: z.string().max(1024).optional(),
});

/**
 * Creates an API token for the signed-in user; the token text is returned once and never stored.
 * A token outlives the session that made it, so the person proves who they are again first: the
 * password of a local account, or a single sign-on within the last FRESH_SIGN_IN_SECONDS.
 */
export const createApiToken = action({ schema, role: "authenticated" }, async ({ name, days, readOnly, password }, { caller }) => {
  const db = await getDb();
  const user = await findUserById(db, caller.id);
  if (!user) throw new HttpError(401, "Your session has ended: sign in again");
  if (user.hasPassword) {
    if (!password) throw new HttpError(400, "Enter your password to create a token", { fieldErrors: { password: ["Enter your password"] } });
    // Wrong passwords here count with failed sign-ins: a borrowed session cannot guess at leisure.
    const throttle = signInThrottle(db);
    const attempt = { email: user.email, address: undefined };
    if ((await throttle.retryAfter(attempt)) > 0) throw new HttpError(429, THROTTLED_MESSAGE);
    if (!(await verifyUserPassword(db, user.id, password))) {
      await throttle.failed(attempt);
      throw new HttpError(400, "That password is wrong", { fieldErrors: { password: ["That password is wrong"] } });
    }
  } else if (caller.authAt === undefined || Date.now() / 1000 - caller.authAt > FRESH_SIGN_IN_SECONDS) {
    throw new HttpError(403, `Sign out and sign in again (within ${FRESH_SIGN_IN_SECONDS / 60} minutes) to create a token`, { reason: "stale-session" });
  }
  const created = await createToken(db, caller.id, name, { expiresInDays: days, readOnly });
  await appendEntry(db, {
    actor: caller.email,
    role: formatRoles(caller.roles) || null,
    kind: "token-created",
    details: { tokenId: created.id, name, prefix: created.prefix, expiresAt: created.expiresAt, readOnly },
  });
  revalidatePath("/account");
  return { id: created.id, name, token: created.token, prefix: created.prefix, expiresAt: created.expiresAt, readOnly };
});
