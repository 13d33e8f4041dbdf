import { falcoCaller } from "@/lib/alerts/auth";
import { INGEST_ROLE } from "@/lib/alerts/doors";
import { ingest } from "@/lib/alerts/intake";
import { route } from "@/lib/http/route";

// Falcosidekick's webhook output. The body is read, stored and validated by the intake (not by
// route()'s schema) so that a refused body is kept with its hash like an accepted one.
export const POST = route({ role: INGEST_ROLE, authenticate: falcoCaller }, (req, { caller }) => ingest(req, "falco", caller));
