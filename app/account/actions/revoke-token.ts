"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/safe-action";
import { appendEntry } from "@/lib/audit";
import { formatRoles, revokeToken } from "@/lib/auth";
import { HttpError } from "@/lib/http/errors";
import { getDb } from "@/lib/store";

const schema = z.object({ id: z.uuid("Unknown token") });

/** Revokes one of the signed-in user's own API tokens. */
export const revokeApiToken = action({ schema, role: "authenticated" }, async ({ id }, { caller }) => {
  const db = await getDb();
  if (!(await revokeToken(db, id, caller.id))) throw new HttpError(404, "No such active token");
  await appendEntry(db, {
    actor: caller.email,
    role: formatRoles(caller.roles) || null,
    kind: "token-revoked",
    details: { tokenId: id },
  });
  revalidatePath("/account");
  return { id };
});
