import "server-only";
import { timingSafeEqual, createHash } from "node:crypto";
import { config } from "@/lib/config";
import { errorResponse } from "@/lib/http/route";
import { metricsRegistry } from "./metrics";

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * GET /api/metrics. Without AIRLOCK_METRICS_TOKEN the endpoint does not exist (404), so a console
 * that never opted in exposes nothing; with it, only `Authorization: Bearer <token>` is answered.
 * Compared as digests so the comparison takes the same time whatever the token's length.
 */
export async function metricsAnswer(req: Request): Promise<Response> {
  const token = config().metricsToken;
  if (!token) return errorResponse(404, "Not found");
  const sent = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  if (!sent || !timingSafeEqual(digest(sent), digest(token))) {
    return errorResponse(401, "Send the metrics token (Authorization: Bearer …)", {}, { "WWW-Authenticate": 'Bearer realm="airlock-metrics"' });
  }
  const registry = metricsRegistry();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}
