import { INCIDENT_ROLES, OPEN_INCIDENT_ROLE, listQuery } from "@/lib/containment/doors";
import { listIncidents, openIncident, openIncidentInput } from "@/lib/containment/incidents";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: INCIDENT_ROLES, schema: listQuery }, async (_req, { input }) => ({
  items: await listIncidents(input),
}));

export const POST = route({ role: OPEN_INCIDENT_ROLE, schema: openIncidentInput }, async (_req, { caller, input }) =>
  Response.json(await openIncident(caller, input), { status: 201 }),
);
