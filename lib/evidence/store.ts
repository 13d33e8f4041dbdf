import "server-only";
import { storageClient } from "@/lib/gcp/clients";
import { evidenceConfig } from "./config";
import { FsEvidenceStore } from "./fs-store";
import { GcsEvidenceStore } from "./gcs-store";
import type { EvidenceStore } from "./types";

const KEY = Symbol.for("airlock.evidence.store");
type Holder = { [KEY]?: EvidenceStore };

/**
 * The configured artifact store: the local filesystem (EVIDENCE_STORE=fs, the default) or a
 * Cloud Storage bucket (EVIDENCE_STORE=gcs, reached at GOOGLE_STORAGE_ENDPOINT or with ADC).
 */
export function evidenceStore(): EvidenceStore {
  const g = globalThis as Holder;
  if (g[KEY]) return g[KEY];
  const cfg = evidenceConfig();
  g[KEY] = cfg.store === "gcs" ? new GcsEvidenceStore(storageClient().bucket(cfg.bucket), cfg.prefix) : new FsEvidenceStore(cfg.dir);
  return g[KEY];
}

/** Tests only: use this store (or forget it with undefined so the next call reads the configuration). */
export function setEvidenceStoreForTests(store: EvidenceStore | undefined): void {
  const g = globalThis as Holder;
  if (store) g[KEY] = store;
  else delete g[KEY];
}
