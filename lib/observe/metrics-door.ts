import "server-only";
import { bearerToken, sameSecret } from "@/lib/auth/bearer";
import { config } from "@/lib/config";
import { errorResponse } from "@/lib/http/route";
import { metricsRegistry } from "./metrics";

/**
 * GET /api/metrics. Without AIRLOCK_METRICS_TOKEN the endpoint does not exist (404), so a console
 * that never opted in exposes nothing; with it, only `Authorization: Bearer <token>` is answered.
 * Compared with sameSecret, which takes the same time whatever the token's length.
 */
export async function metricsAnswer(req: Request): Promise<Response> {
  const token = config().metricsToken;
  if (!token) return errorResponse(404, "Not found");
  const sent = bearerToken(req);
  if (!sent || !sameSecret(sent, token)) {
    return errorResponse(401, "Send the metrics token (Authorization: Bearer …)", {}, { "WWW-Authenticate": 'Bearer realm="airlock-metrics"' });
  }
  const registry = metricsRegistry();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}
