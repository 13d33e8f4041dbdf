import "server-only";
import { HttpError } from "@/lib/http/errors";
import { evidenceConfig } from "./config";
import { FsEvidenceStore } from "./fs-store";
import type { EvidenceStore } from "./types";

const KEY = Symbol.for("airlock.evidence.store");
type Holder = { [KEY]?: EvidenceStore };

/**
 * The configured artifact store. Google Cloud Storage (EVIDENCE_STORE=gcs) is specified in
 * docs/evidence-and-report.md but needs @google-cloud/storage, which this build does not ship:
 * selecting it fails loudly rather than silently keeping evidence on local disk.
 */
export function evidenceStore(): EvidenceStore {
  const g = globalThis as Holder;
  if (g[KEY]) return g[KEY];
  const cfg = evidenceConfig();
  if (cfg.store === "gcs") {
    throw new HttpError(501, "EVIDENCE_STORE=gcs is not available in this build (it needs @google-cloud/storage); use EVIDENCE_STORE=fs");
  }
  g[KEY] = new FsEvidenceStore(cfg.dir);
  return g[KEY];
}

/** Tests only: use this store (or forget it with undefined so the next call reads the environment). */
export function setEvidenceStoreForTests(store: EvidenceStore | undefined): void {
  const g = globalThis as Holder;
  if (store) g[KEY] = store;
  else delete g[KEY];
}
