import { z } from "zod";
import { BROWSE_ROLES } from "@/lib/clusters/access";
import { getNodeDetail } from "@/lib/clusters/get-node-detail";
import { nodeParamsSchema } from "@/lib/clusters/list-query";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `continue` pages through the node's pods. */
const querySchema = z.object({ continue: z.string().min(1).max(8192).optional() });

export const GET = route({ role: BROWSE_ROLES, params: nodeParamsSchema, schema: querySchema }, async (_req, { params, input }) =>
  getNodeDetail(params.cluster, params.name, { continue: input.continue }),
);
