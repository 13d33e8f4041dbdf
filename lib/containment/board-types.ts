// The containment board as plain data: what the page, the API and the report receive. Client-safe.

/**
 * `in-effect` (green) only when proven: a live read, and for the pod network an attestation after
 * the propagation window that found it isolated. `unproven` (amber): the isolation is in place as
 * far as reads show, but nothing has tested it against traffic yet.
 */
export type LayerState = "not-started" | "in-effect" | "unproven" | "pending-propagation" | "not-contained" | "released";
export type LayerId = "workload" | "pod-ingress" | "pod-egress" | "services" | "node-network" | "credentials" | "evidence";

/** One fact that proves the row's state: a policy, a firewall rule, a probe run, an artifact … */
export type BoardLink = {
  kind: "policy" | "firewall" | "probe" | "artifact" | "snapshot" | "run" | "node" | "service";
  label: string;
  /** A console or API path to it, when there is one. */
  href?: string;
};

export type BoardRow = {
  layer: LayerId;
  title: string;
  state: LayerState;
  /** One line: why this state, from what was read. */
  why: string;
  evidence: BoardLink[];
  /**
   * For a pod-network or node-network row in effect: the moment its isolation was proven (pod
   * network: the attestation's time; node network: when the executor's verification of the
   * runs held, else this read). Time-to-contain stops here, not when the board was read.
   */
  provenAt?: string;
};

export type TimeToContain = {
  /** Where the clock starts: the earliest event time of the incident's alerts, else the incident's opening. */
  openedFrom: "incident" | "alert";
  openedAt: string;
  /** When a pod-network or node-network layer was first proven in effect (the proof's own time); fixed once recorded. */
  containedAt: string | null;
  containedBy: LayerId | null;
  seconds: number | null;
};

export type ContainmentBoard = {
  checkedAt: string;
  rows: BoardRow[];
  timeToContain: TimeToContain;
};

/** "2026-11-28 13:49:01Z": an ISO time as the board, the report and the timeline page show it. */
export function formatTime(iso: string): string {
  return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** "4 min 12 s" for a person. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${seconds % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
