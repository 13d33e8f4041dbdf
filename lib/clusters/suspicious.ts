// Client-safe: the pods browser orders the rows it has loaded with this.
import type { PodRow } from "./types";

export function isSuspicious(r: PodRow): boolean {
  return !!r.suspicion && (r.suspicion.securityEvents.length > 0 || r.suspicion.openIncident !== null);
}

/** Suspicious pods first, otherwise in the API server's order (a stable sort). */
export function suspiciousFirst(rows: PodRow[]): PodRow[] {
  return rows
    .map((r, i) => [r, i] as const)
    .sort(([a, i], [b, j]) => Number(isSuspicious(b)) - Number(isSuspicious(a)) || i - j)
    .map(([r]) => r);
}
