import { BROWSE_ROLES } from "@/lib/clusters/access";
import { clusterInventory } from "@/lib/clusters/registry";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: BROWSE_ROLES }, async () => clusterInventory());
