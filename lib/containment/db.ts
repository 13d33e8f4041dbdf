import "server-only";
import type { Kysely, Selectable } from "kysely";
import { getDb, type Database, type Db } from "@/lib/store";

/** Tables of migration 004-incidents. JSON columns are text, timestamps ISO-8601, as elsewhere in the store. */
export interface IncidentsTable {
  id: string;
  title: string;
  severity: string;
  status: string;
  cluster: string;
  namespace: string;
  pod: string;
  targets: string;
  created_by: string;
  created_at: string;
}

export type RunStatus = "running" | "succeeded" | "noop" | "failed" | "undone";
export type RunOperation = "execute" | "undo";

export interface StepRunsTable {
  id: string;
  incident_id: string;
  step_id: string;
  operation: RunOperation;
  status: RunStatus;
  plan_hash: string | null;
  params: string;
  record: string | null;
  message: string | null;
  actor: string;
  role: string | null;
  started_at: string;
  finished_at: string | null;
}

export interface StepProgressTable {
  id: import("kysely").Generated<number>;
  run_id: string;
  at: string;
  message: string;
  detail: string;
}

export type ContainmentTables = {
  incidents: IncidentsTable;
  step_runs: StepRunsTable;
  step_progress: StepProgressTable;
};

export type IncidentRow = Selectable<IncidentsTable>;
export type StepRunRow = Selectable<StepRunsTable>;

// The shared schema in lib/store/schema.ts belongs to the store; containment's tables are typed
// here and layered on with withTables, so both can change without editing each other's files.
export type ContainmentDb = Kysely<Database & ContainmentTables>;

export function containmentDb(db: Db): ContainmentDb {
  return db.withTables<ContainmentTables>();
}

export async function cdb(): Promise<ContainmentDb> {
  return containmentDb(await getDb());
}
