import "server-only";

export type { ArtifactFacts, EvidenceArtifact, EvidenceList, EvidenceSnapshot, EvidenceStore } from "./types";
export { evidenceConfig, type EvidenceConfig } from "./config";
export { FsEvidenceStore } from "./fs-store";
export { GcsEvidenceStore } from "./gcs-store";
export { EvidenceTamperedError } from "./errors";
export { evidenceStore, setEvidenceStoreForTests } from "./store";
export { EVIDENCE_STORED, evidenceSink, storeArtifact, sha256Hex, safeName } from "./sink";
export { listEvidence, listSnapshots, readArtifact, SNAPSHOT_STEP } from "./list";
