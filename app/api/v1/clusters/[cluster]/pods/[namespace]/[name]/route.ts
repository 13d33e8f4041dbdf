import { BROWSE_ROLES } from "@/lib/clusters/access";
import { getPodDetail } from "@/lib/clusters/get-pod-detail";
import { podParamsSchema } from "@/lib/clusters/list-query";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: BROWSE_ROLES, params: podParamsSchema }, async (_req, { params }) =>
  getPodDetail(params.cluster, params.namespace, params.name),
);
