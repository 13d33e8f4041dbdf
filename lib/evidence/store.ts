import "server-only";
import { storageClient } from "@/lib/gcp/clients";
import { processSingleton } from "@/lib/process-singleton";
import { evidenceConfig } from "./config";
import { FsEvidenceStore } from "./fs-store";
import { GcsEvidenceStore } from "./gcs-store";
import type { EvidenceStore } from "./types";

const held = processSingleton("evidence.store", () => ({ store: undefined as EvidenceStore | undefined }));

/**
 * The configured artifact store: the local filesystem (EVIDENCE_STORE=fs, the default) or a
 * Cloud Storage bucket (EVIDENCE_STORE=gcs, reached at GOOGLE_STORAGE_ENDPOINT or with ADC).
 */
export function evidenceStore(): EvidenceStore {
  if (held.store) return held.store;
  const cfg = evidenceConfig();
  held.store = cfg.store === "gcs" ? new GcsEvidenceStore(storageClient().bucket(cfg.bucket), cfg.prefix) : new FsEvidenceStore(cfg.dir);
  return held.store;
}

/** Tests only: use this store (or forget it with undefined so the next call reads the configuration). */
export function setEvidenceStoreForTests(store: EvidenceStore | undefined): void {
  held.store = store;
}
