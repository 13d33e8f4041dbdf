import { BROWSE_ROLES } from "@/lib/clusters/access";
import { clusterParamsSchema, listQuerySchema } from "@/lib/clusters/list-query";
import { listPodsForAnalyst } from "@/lib/clusters/list-pods";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: BROWSE_ROLES, params: clusterParamsSchema, schema: listQuerySchema }, async (_req, { caller, params, input }) =>
  listPodsForAnalyst(params.cluster, input, { caller }),
);
