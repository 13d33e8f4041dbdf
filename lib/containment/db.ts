import "server-only";
import type { Selectable } from "kysely";
import type { IncidentsTable, StepRunsTable } from "@/lib/store";

export type { RunOperation, RunStatus } from "@/lib/store";
export type IncidentRow = Selectable<IncidentsTable>;
export type StepRunRow = Selectable<StepRunsTable>;
