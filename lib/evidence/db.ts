import "server-only";
import type { Kysely, Selectable } from "kysely";
import type { ContainmentTables } from "@/lib/containment/db";
import type { Database, Db } from "@/lib/store";

/** Tables of migrations 006-evidence and 007-reviews, layered on the shared schema like containment's. */
export interface EvidenceArtifactsTable {
  id: string;
  incident_id: string;
  step_id: string;
  run_id: string | null;
  name: string;
  content_type: string;
  sha256: string;
  size: number;
  source: string;
  collected_at: string;
  stored_at: string;
  stored_by: string;
  storage: string;
  storage_key: string;
}

export interface IncidentReviewsTable {
  incident_id: string;
  reviewed_by: string;
  reviewed_at: string;
  entry_id: number;
  note: string;
}

export type EvidenceTables = { evidence_artifacts: EvidenceArtifactsTable; incident_reviews: IncidentReviewsTable };
export type EvidenceArtifactRow = Selectable<EvidenceArtifactsTable>;
export type IncidentReviewRow = Selectable<IncidentReviewsTable>;
export type EvidenceDb = Kysely<Database & ContainmentTables & EvidenceTables>;

export function evidenceDb(db: Db): EvidenceDb {
  return db.withTables<ContainmentTables & EvidenceTables>();
}

export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}
