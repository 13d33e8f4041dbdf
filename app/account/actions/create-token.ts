"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/safe-action";
import { appendEntry } from "@/lib/audit";
import { createToken } from "@/lib/auth";
import { getDb } from "@/lib/store";

const schema = z.object({
  name: z.string().trim().min(1, "Give the token a name").max(80, "At most 80 characters"),
});

/** Creates an API token for the signed-in user; the token text is returned once and never stored. */
export const createApiToken = action({ schema, role: "authenticated" }, async ({ name }, { caller }) => {
  const db = await getDb();
  const created = await createToken(db, caller.id, name);
  await appendEntry(db, {
    actor: caller.email,
    role: caller.roles.join(",") || null,
    kind: "token-created",
    details: { tokenId: created.id, name, prefix: created.prefix },
  });
  revalidatePath("/account");
  return { id: created.id, name, token: created.token, prefix: created.prefix };
});
