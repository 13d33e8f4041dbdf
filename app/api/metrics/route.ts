import { metricsAnswer } from "@/lib/observe/metrics-door";
import { publicRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Prometheus scrape: a bearer token of its own (AIRLOCK_METRICS_TOKEN), never a user's session or API token. */
export const GET = publicRoute(metricsAnswer);
