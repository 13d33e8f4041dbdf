// Alerts as the page, the API and the incident page receive them. Client-safe.
import type { AlertSeverity } from "@/lib/config/alerts";

export type AlertView = {
  id: string;
  source: string;
  cluster: string;
  namespace: string;
  pod: string;
  rule: string;
  severity: AlertSeverity;
  title: string;
  mitreTactic: string | null;
  firstSeen: string;
  lastSeen: string;
  count: number;
  incidentId: string | null;
  details: Record<string, unknown>;
};

/** The alerts of one pod, worst first: what triage groups by. */
export type PodAlerts = {
  cluster: string;
  namespace: string;
  pod: string;
  severity: AlertSeverity;
  lastSeen: string;
  /** The incident the pod's alerts belong to, if any. */
  incidentId: string | null;
  alerts: AlertView[];
};
