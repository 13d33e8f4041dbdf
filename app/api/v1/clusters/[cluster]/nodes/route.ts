import { BROWSE_ROLES } from "@/lib/clusters/access";
import { clusterParamsSchema, listQuerySchema } from "@/lib/clusters/list-query";
import { listNodes } from "@/lib/clusters/list-nodes";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: BROWSE_ROLES, params: clusterParamsSchema, schema: listQuerySchema }, async (_req, { params, input }) =>
  listNodes(params.cluster, input),
);
