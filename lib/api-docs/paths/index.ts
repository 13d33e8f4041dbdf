import type { OpenApiFragment } from "../types";
import { alertsApi } from "./alerts";
import { approvalsApi } from "./approvals";
import { clustersApi } from "./clusters";
import { incidentsApi } from "./incidents";
import { reviewApi } from "./review";
import { runbooksApi } from "./runbooks";

/**
 * Every part of /api/v1 describes itself in one file beside this one. To document new
 * endpoints (incidents, approvals, tokens…), add `paths/<area>.ts` exporting an
 * OpenApiFragment and list it here; the document route merges them.
 */
export const fragments: OpenApiFragment[] = [clustersApi, incidentsApi, approvalsApi, reviewApi, alertsApi, runbooksApi];
