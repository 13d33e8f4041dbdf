import path from "node:path";
import { z } from "zod";

// The artifact store settings (docs/evidence-and-report.md), part of the environment validated
// at start. lib/evidence reads the result through config().evidence.

export type EvidenceConfig = { store: "fs"; dir: string } | { store: "gcs"; bucket: string; prefix: string };

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** Bucket names: 3-222 characters of lower-case letters, digits, dots, dashes and underscores. */
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

export const evidenceEnv = {
  EVIDENCE_STORE: optionalText.refine((v) => v === undefined || v === "fs" || v === "gcs", {
    message: 'EVIDENCE_STORE must be "fs" (default) or "gcs"',
  }),
  EVIDENCE_DIR: optionalText,
  EVIDENCE_BUCKET: optionalText.refine((v) => v === undefined || BUCKET.test(v), {
    message: "EVIDENCE_BUCKET must be a bucket name (no gs:// prefix)",
  }),
  EVIDENCE_PREFIX: optionalText.refine((v) => v === undefined || v.length <= 200, {
    message: "EVIDENCE_PREFIX must be at most 200 characters",
  }),
};

type EvidenceEnv = { EVIDENCE_STORE?: string; EVIDENCE_DIR?: string; EVIDENCE_BUCKET?: string; EVIDENCE_PREFIX?: string };

/** Cross-field rules, reported like the schema's own: EVIDENCE_STORE=gcs needs EVIDENCE_BUCKET. */
export function evidenceProblems(env: EvidenceEnv): { variable: string; message: string }[] {
  if (env.EVIDENCE_STORE === "gcs" && env.EVIDENCE_BUCKET === undefined) {
    return [{ variable: "EVIDENCE_BUCKET", message: "EVIDENCE_BUCKET is required when EVIDENCE_STORE=gcs (a bucket name, no gs:// prefix)" }];
  }
  return [];
}

/** The store to use, from validated variables. Prefix slashes are trimmed: objects are `<prefix>/<incident>/…`. */
export function evidenceSettings(env: EvidenceEnv, cwd = process.cwd()): EvidenceConfig {
  if (env.EVIDENCE_STORE === "gcs") {
    return { store: "gcs", bucket: env.EVIDENCE_BUCKET!, prefix: (env.EVIDENCE_PREFIX ?? "").replace(/^\/+|\/+$/g, "") };
  }
  return { store: "fs", dir: path.resolve(cwd, env.EVIDENCE_DIR ?? path.join(".data", "evidence")) };
}
