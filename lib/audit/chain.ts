import { createHash } from "node:crypto";
import type { TimelineRow } from "@/lib/store";
import { canonicalJson } from "./canonical";

/** prev_hash of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** The fields an entry's hash covers: the stored row but `id` and `hash` itself (`covers` may be absent). */
export type HashedFields = Omit<TimelineRow, "id" | "hash" | "covers"> & { covers?: string | null };

export function entryHash(f: HashedFields): string {
  const canonical = canonicalJson({
    at: f.at,
    actor: f.actor,
    role: f.role,
    incident_id: f.incident_id,
    step_id: f.step_id,
    kind: f.kind,
    targets: f.targets,
    plan_hash: f.plan_hash,
    details: f.details,
    prev_hash: f.prev_hash,
    // Only when set: entries written before migration 010 keep the hash they were written with.
    ...(f.covers != null ? { covers: f.covers } : {}),
  });
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}
