import { currentAnchor } from "@/lib/audit/checkpoint";
import { verifyAudit } from "@/lib/audit/verify";
import { route } from "@/lib/http/route";
import { getDb } from "@/lib/store";
import { AUDIT_ROLES } from "@/lib/timeline-view/doors";

export const dynamic = "force-dynamic";

/**
 * Walks the whole hash chain now, checks its tail against the latest signed checkpoint and the
 * rows it covers; `firstBad` names the first entry that does not match. 200 either way: the answer is the body.
 */
export const GET = route({ role: AUDIT_ROLES }, async () => ({ checkedAt: new Date().toISOString(), ...(await verifyAudit(await getDb(), currentAnchor())) }));
