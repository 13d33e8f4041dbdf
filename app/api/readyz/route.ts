import { readiness } from "@/lib/health/readiness";
import { publicRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Readiness: 200 when every check passes, else 503; the body carries status words only (see lib/health/readiness.ts). */
export const GET = publicRoute(async () => {
  const r = await readiness();
  return Response.json(r, { status: r.status === "ready" ? 200 : 503, headers: { "cache-control": "no-store" } });
});
