import "server-only";
import type { Selectable } from "kysely";
import type { EvidenceArtifactsTable, IncidentReviewsTable } from "@/lib/store";

export type EvidenceArtifactRow = Selectable<EvidenceArtifactsTable>;
export type IncidentReviewRow = Selectable<IncidentReviewsTable>;
