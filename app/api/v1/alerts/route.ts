import { genericCaller } from "@/lib/alerts/auth";
import { ALERT_ROLES, alertListQuery, INGEST_ROLE } from "@/lib/alerts/doors";
import { ingest } from "@/lib/alerts/intake";
import { listPodAlerts } from "@/lib/alerts/store";
import { route } from "@/lib/http/route";
import { getDb } from "@/lib/store";

/** Recent alerts grouped per pod (the Alerts page's data). */
export const GET = route({ role: ALERT_ROLES, schema: alertListQuery }, async (_req, { input }) => ({ items: await listPodAlerts(await getDb(), input) }));

// The generic intake (documented schema); validated in the intake after the raw body is stored.
export const POST = route({ role: INGEST_ROLE, authenticate: genericCaller }, (req, { caller }) => ingest(req, "generic", caller));
