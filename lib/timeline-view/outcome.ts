// How a timeline entry ended and how that reads, decided once from the details the executor and
// verify write. No server-only: the wizard's timeline panel and the lead's timeline page render
// the same words from here, and the query, the report and the API filter use the same decision.
import type { TimelineEntry } from "@/lib/audit/append";

/** The values the API's and the page's outcome filter accept, and the report's outcome field. */
export const OUTCOMES = ["success", "noop", "failure", "holds", "not-holding", "blocked"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** How each outcome reads to a person, in both timeline views and the filter's choices. */
export const OUTCOME_WORDS: Readonly<Record<Outcome, string>> = {
  success: "success",
  noop: "no-op",
  failure: "failure",
  holds: "holds",
  "not-holding": "does not hold",
  blocked: "blocked",
};

export function outcomeOf(e: Pick<TimelineEntry, "details">): Outcome | null {
  const d = e.details ?? {};
  if (d.outcome === "success" || d.outcome === "noop" || d.outcome === "failure") return d.outcome;
  if (typeof d.holds === "boolean") return d.holds ? "holds" : "not-holding";
  if (typeof d.blocked === "string") return "blocked";
  return null;
}

/**
 * The outcome column: the outcome's words, or for an intent (which has no outcome yet) the
 * operation it announces, since "execute" and "undo" intents otherwise look alike.
 */
export function outcomeText(e: Pick<TimelineEntry, "details" | "kind">): string {
  const o = outcomeOf(e);
  if (o) return OUTCOME_WORDS[o];
  const operation = e.details?.operation;
  if (e.kind === "intent" && typeof operation === "string") return operation;
  return "";
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
