import { createHash } from "node:crypto";
import { canonicalJson } from "@/lib/audit/canonical";
import type { Change } from "./types";

/**
 * The plan's identity: what an approver saw is what runs. Covers the step, its validated params,
 * the exact changes and the step's own facts (`data`), never warnings or commands text, which
 * may be reworded without changing what happens.
 */
export function planHash(input: {
  stepId: string;
  params: unknown;
  changes: Change[];
  data: Record<string, unknown>;
  /** A risk raised above the step's, with its reasons: part of what is approved. Absent, the hash is as before. */
  raised?: { risk: string; reasons: string[] };
}): string {
  const text = canonicalJson({
    stepId: input.stepId,
    params: input.params ?? {},
    changes: input.changes,
    data: input.data,
    ...(input.raised ? { raised: input.raised } : {}),
  });
  return createHash("sha256").update(text, "utf8").digest("hex");
}
