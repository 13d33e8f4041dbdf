import "server-only";
import type { Selectable } from "kysely";
import type { EvidenceArtifactsTable } from "@/lib/store";

export type EvidenceArtifactRow = Selectable<EvidenceArtifactsTable>;
