import type { Generated, Insertable, Selectable } from "kysely";

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
}

export interface Database {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  timeline: TimelineTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type TimelineRow = Selectable<TimelineTable>;
