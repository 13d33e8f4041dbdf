import "server-only";
import path from "node:path";
import { z } from "zod";

export type EvidenceConfig = { store: "fs"; dir: string } | { store: "gcs"; bucket: string; prefix: string };

const schema = z
  .object({
    EVIDENCE_STORE: z.enum(["fs", "gcs"], { message: 'EVIDENCE_STORE must be "fs" (default) or "gcs"' }).default("fs"),
    EVIDENCE_DIR: z.string().trim().min(1).optional(),
    EVIDENCE_BUCKET: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/, { message: "EVIDENCE_BUCKET must be a bucket name (no gs:// prefix)" })
      .optional(),
    EVIDENCE_PREFIX: z.string().trim().max(200).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.EVIDENCE_STORE === "gcs" && !e.EVIDENCE_BUCKET) {
      ctx.addIssue({ code: "custom", path: ["EVIDENCE_BUCKET"], message: "EVIDENCE_BUCKET is required when EVIDENCE_STORE=gcs" });
    }
  });

const blank = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v);

/**
 * Reads the artifact store settings. Kept beside the store (not in lib/config) so the evidence
 * module can be configured and tested on its own; invalid values throw naming the variable.
 */
export function evidenceConfig(env: Record<string, string | undefined> = process.env): EvidenceConfig {
  const parsed = schema.safeParse({
    EVIDENCE_STORE: blank(env.EVIDENCE_STORE),
    EVIDENCE_DIR: blank(env.EVIDENCE_DIR),
    EVIDENCE_BUCKET: blank(env.EVIDENCE_BUCKET),
    EVIDENCE_PREFIX: blank(env.EVIDENCE_PREFIX),
  });
  if (!parsed.success) throw new Error(`Invalid evidence store configuration: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  const e = parsed.data;
  if (e.EVIDENCE_STORE === "gcs") return { store: "gcs", bucket: e.EVIDENCE_BUCKET!, prefix: (e.EVIDENCE_PREFIX ?? "").replace(/^\/+|\/+$/g, "") };
  return { store: "fs", dir: path.resolve(e.EVIDENCE_DIR ?? path.join(".data", "evidence")) };
}
