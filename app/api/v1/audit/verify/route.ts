import { verifyChain } from "@/lib/audit/verify";
import { route } from "@/lib/http/route";
import { getDb } from "@/lib/store";
import { AUDIT_ROLES } from "@/lib/timeline-view/doors";

export const dynamic = "force-dynamic";

/** Walks the whole hash chain now; `firstBad` names the first entry that does not match. 200 either way: the answer is the body. */
export const GET = route({ role: AUDIT_ROLES }, async () => ({ checkedAt: new Date().toISOString(), ...(await verifyChain(await getDb())) }));
