import { BROWSE_ROLES } from "@/lib/clusters/access";
import { clusterParamsSchema } from "@/lib/clusters/list-query";
import { getCluster } from "@/lib/clusters/registry";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: BROWSE_ROLES, params: clusterParamsSchema }, async (_req, { params }) => getCluster(params.cluster));
