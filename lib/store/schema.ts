import type { Generated, Selectable } from "kysely";

/**
 * The one schema both engines share. Timestamps are ISO-8601 text, booleans are 0/1 integers,
 * and JSON is stored as text, so the same rows round-trip identically on SQLite and PostgreSQL.
 *
 * Adding a table: add its interface and a line to `Database` here, and a migration file under
 * `lib/store/migrations/` registered in `migrations/index.ts`.
 */
export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  password_hash: string | null;
  /** Comma-separated roles, e.g. "analyst,lead". */
  roles: string;
  created_at: string;
  disabled: number;
  /** Migration 008: the OIDC identity (issuer + subject) this account belongs to; null for local accounts. */
  oidc_issuer: string | null;
  oidc_subject: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** Migration 008: past this instant the token is refused. */
  expires_at: string | null;
  /** Migration 008: 1 = may only read (GET/HEAD); any mutation is refused with 403. */
  read_only: Generated<number>;
}

/** Migration 008: rate-limiter-flexible's counter rows for sign-in throttling. */
export interface SignInThrottleTable {
  key: string;
  points: number;
  expire: number | null;
}

/** Migration 011: a named lease (a background job, or a replica's liveness) and who holds it until when. */
export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: string;
}

/** Migration 011: the replica that runs a step run (beside step_runs, which the audit hashes whole). */
export interface StepRunOwnersTable {
  run_id: string;
  replica: string;
}

export interface TimelineTable {
  id: Generated<number>;
  at: string;
  actor: string;
  role: string | null;
  incident_id: string | null;
  step_id: string | null;
  kind: string;
  /** Canonical JSON text. */
  targets: string;
  plan_hash: string | null;
  /** Canonical JSON text. */
  details: string;
  prev_hash: string;
  hash: string;
  /** Migration 010-audit-anchor: canonical JSON {"<table>/<id>": sha256} of the rows this entry created or changed; null otherwise. */
  covers: string | null;
}

/** Migration 004-incidents: incidents, step runs (the running row is the lock) and drain progress. */
export type RunStatus = "running" | "succeeded" | "noop" | "failed" | "undone";
export type RunOperation = "execute" | "undo";
export type ApprovalStatus = "pending" | "approved" | "rejected" | "expired" | "used";

export interface IncidentsTable {
  id: string;
  title: string;
  severity: string;
  status: string;
  cluster: string;
  namespace: string;
  pod: string;
  targets: string;
  created_by: string;
  created_at: string;
}

export interface StepRunsTable {
  id: string;
  incident_id: string;
  step_id: string;
  operation: RunOperation;
  status: RunStatus;
  plan_hash: string | null;
  params: string;
  record: string | null;
  message: string | null;
  actor: string;
  role: string | null;
  started_at: string;
  finished_at: string | null;
}

export interface StepProgressTable {
  id: Generated<number>;
  run_id: string;
  at: string;
  message: string;
  detail: string;
}

/** Migration 005-approvals: requests carry the plan as the approver saw it, and its hash. */
export interface ApprovalRequestsTable {
  id: string;
  incident_id: string;
  step_id: string;
  plan_hash: string;
  plan: string;
  params: string;
  reason: string;
  requested_by: string;
  requested_role: string | null;
  requested_at: string;
  expires_at: string;
  required_approvals: number;
  status: ApprovalStatus;
  decided_at: string | null;
}

export interface ApprovalDecisionsTable {
  id: string;
  request_id: string;
  approver: string;
  role: string | null;
  decision: "approve" | "reject";
  comment: string;
  at: string;
}

/** Migrations 006-evidence and 007-reviews. */
export interface EvidenceArtifactsTable {
  id: string;
  incident_id: string;
  step_id: string;
  run_id: string | null;
  name: string;
  content_type: string;
  sha256: string;
  size: number;
  source: string;
  collected_at: string;
  stored_at: string;
  stored_by: string;
  storage: string;
  storage_key: string;
}

export interface IncidentReviewsTable {
  incident_id: string;
  reviewed_by: string;
  reviewed_at: string;
  entry_id: number;
  note: string;
}

/**
 * Migration 008-alerts. Every alert delivery is kept as received (body and its SHA-256), accepted
 * or not, so nothing a sender posted is lost silently; `dedupe_key` is set only on accepted
 * deliveries (source + sender's id), and its unique index makes a replay lose the race.
 */
export interface AlertDeliveriesTable {
  id: string;
  received_at: string;
  source: string;
  sender: string | null;
  sha256: string;
  size: number;
  body: string;
  http_status: number;
  outcome: "accepted" | "duplicate" | "rejected";
  reason: string | null;
  external_id: string | null;
  dedupe_key: string | null;
  alert_id: string | null;
}

/** One triaged alert: the same pod and rule within the dedupe window is one row with a count. */
export interface AlertsTable {
  id: string;
  source: string;
  cluster: string;
  namespace: string;
  pod: string;
  rule: string;
  severity: string;
  title: string;
  mitre_tactic: string | null;
  first_seen: string;
  last_seen: string;
  count: number;
  incident_id: string | null;
  /** Canonical JSON: the latest delivery's normalised facts (processes, indicators, tags, fields). */
  details: string;
  created_at: string;
}

export interface Database {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  timeline: TimelineTable;
  incidents: IncidentsTable;
  step_runs: StepRunsTable;
  step_progress: StepProgressTable;
  approval_requests: ApprovalRequestsTable;
  approval_decisions: ApprovalDecisionsTable;
  evidence_artifacts: EvidenceArtifactsTable;
  incident_reviews: IncidentReviewsTable;
  alert_deliveries: AlertDeliveriesTable;
  alerts: AlertsTable;
  sign_in_throttle: SignInThrottleTable;
  leases: LeasesTable;
  step_run_owners: StepRunOwnersTable;
}

export type UserRow = Selectable<UsersTable>;
export type TimelineRow = Selectable<TimelineTable>;
