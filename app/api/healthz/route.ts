import { publicRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Liveness: the process answers. Deliberately touches nothing else, so a slow database never gets a healthy pod restarted. */
export const GET = publicRoute(async () => Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } }));
