// The zod schemas and role requirements of the alert doors (route handlers and the page's action).
import { z } from "zod";
import type { RoleRequirement } from "@/lib/auth/roles";

/** Who reads and triages alerts: analysts (leads hold analyst too). */
export const ALERT_ROLES: RoleRequirement = "analyst";

/** Who posts alerts: only the dedicated ingest role (its tokens can do nothing else). */
export const INGEST_ROLE: RoleRequirement = "ingest";

export const alertListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() });

/** "Open incident" on the Alerts page: the alert whose pod it is about. */
export const openFromAlertInput = z.object({ alertId: z.string().uuid({ message: "not an alert id" }) });
