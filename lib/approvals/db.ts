import "server-only";
import type { Selectable } from "kysely";
import type { ApprovalDecisionsTable, ApprovalRequestsTable } from "@/lib/store";

export type ApprovalRequestRow = Selectable<ApprovalRequestsTable>;
export type ApprovalDecisionRow = Selectable<ApprovalDecisionsTable>;
