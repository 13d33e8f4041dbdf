"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/safe-action";
import { OPEN_INCIDENT_ROLE } from "@/lib/containment/doors";
import { openIncident, openIncidentInput } from "@/lib/containment/incidents";

/** Opens an incident on a pod (the same service as POST /api/v1/incidents); redirect to it after awaiting. */
export const openIncidentAction = action({ schema: openIncidentInput, role: OPEN_INCIDENT_ROLE }, async (input, { caller }) => {
  const incident = await openIncident(caller, input);
  revalidatePath("/incidents");
  return { id: incident.id, targets: incident.targets };
});
