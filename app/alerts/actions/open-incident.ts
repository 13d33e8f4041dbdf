"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/safe-action";
import { openFromAlertInput } from "@/lib/alerts/doors";
import { openIncidentFromAlert } from "@/lib/alerts/open";
import { OPEN_INCIDENT_ROLE } from "@/lib/containment/doors";

/** Opens (or finds) the incident for an alert's pod; the page navigates to it after awaiting. */
export const openIncidentFromAlertAction = action({ schema: openFromAlertInput, role: OPEN_INCIDENT_ROLE }, async ({ alertId }, { caller }) => {
  const out = await openIncidentFromAlert(caller, alertId);
  revalidatePath("/alerts");
  revalidatePath("/incidents");
  return out;
});
