// How an entry ended, as one word the lead can filter on. Pure and client-safe: the timeline
// page, the report and the query all read it from the details the executor and verify write.
import type { TimelineEntry } from "@/lib/audit/append";

export const OUTCOMES = ["success", "noop", "failure", "holds", "not-holding", "blocked"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export function outcomeOf(e: Pick<TimelineEntry, "details">): Outcome | null {
  const d = e.details ?? {};
  if (d.outcome === "success" || d.outcome === "noop" || d.outcome === "failure") return d.outcome;
  if (typeof d.holds === "boolean") return d.holds ? "holds" : "not-holding";
  if (typeof d.blocked === "string") return "blocked";
  return null;
}

/**
 * A substring of the canonical details JSON every entry with this outcome contains: a cheap
 * pre-filter both engines can run (keys are sorted and unspaced, see lib/audit/canonical);
 * outcomeOf then decides exactly.
 */
export function outcomeNeedle(o: Outcome): string {
  switch (o) {
    case "holds":
      return '"holds":true';
    case "not-holding":
      return '"holds":false';
    case "blocked":
      return '"blocked":"';
    default:
      return `"outcome":"${o}"`;
  }
}

/** A short human line for an entry: its message, reason, comment text or title. */
export function messageOf(e: Pick<TimelineEntry, "details" | "kind">): string {
  const d = e.details ?? {};
  for (const k of ["message", "text", "reason", "blocked", "comment", "title", "name"] as const) {
    if (typeof d[k] === "string" && d[k]) return d[k] as string;
  }
  return "";
}
