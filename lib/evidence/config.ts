import "server-only";
import { config, type EvidenceConfig } from "@/lib/config";

export type { EvidenceConfig };

/**
 * The artifact store settings: EVIDENCE_STORE, EVIDENCE_DIR, EVIDENCE_BUCKET, EVIDENCE_PREFIX,
 * validated at start with the rest of the configuration (lib/config/evidence.ts).
 */
export function evidenceConfig(): EvidenceConfig {
  return config().evidence;
}
