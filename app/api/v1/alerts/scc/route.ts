import { sccCaller } from "@/lib/alerts/auth";
import { INGEST_ROLE } from "@/lib/alerts/doors";
import { ingest } from "@/lib/alerts/intake";
import { route } from "@/lib/http/route";

// Security Command Center findings through a Pub/Sub push subscription with OIDC authentication.
// Validation happens in the intake, after the raw envelope is stored (see ../falco/route.ts).
export const POST = route({ role: INGEST_ROLE, authenticate: sccCaller }, (req, { caller }) => ingest(req, "scc", caller));
