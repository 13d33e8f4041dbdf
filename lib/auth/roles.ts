import { ROLES, type Role } from "@/lib/config/schema";

export { ROLES, type Role };

/** Anyone who can act: a signed-in user or an API token's owner. */
export type Caller = {
  id: string;
  email: string;
  name: string | null;
  roles: Role[];
  via: "session" | "token";
  /** A token limited to reading: route() refuses it any mutation (403). */
  readOnly?: boolean;
  /** Session callers: when the person last proved who they are (seconds since the epoch). */
  authAt?: number;
};

/** What a door demands: one role, any of several, or just a signed-in caller. */
export type RoleRequirement = Role | readonly Role[] | "authenticated";

/** Roles that include another's abilities: a lead can do what an analyst can. */
const IMPLIES: Record<Role, Role[]> = {
  analyst: [],
  lead: ["analyst"],
  approver: [],
  admin: [],
  ingest: [],
};

/**
 * A caller holding only `ingest` (an alert sender's token) is not "signed in" as a person:
 * "authenticated" doors refuse it, and no other role implies or is implied by it.
 */
export function isIngestOnly(caller: Pick<Caller, "roles">): boolean {
  return caller.roles.length > 0 && caller.roles.every((r) => r === "ingest");
}

export function effectiveRoles(roles: readonly Role[]): Set<Role> {
  const out = new Set<Role>();
  for (const r of roles) {
    out.add(r);
    for (const implied of IMPLIES[r] ?? []) out.add(implied);
  }
  return out;
}

export function hasRole(caller: Pick<Caller, "roles"> | null | undefined, role: Role): boolean {
  if (!caller) return false;
  return effectiveRoles(caller.roles).has(role);
}

export function meetsRequirement(caller: Pick<Caller, "roles"> | null | undefined, req: RoleRequirement): boolean {
  if (!caller) return false;
  if (req === "authenticated") return !isIngestOnly(caller);
  const wanted: readonly Role[] = typeof req === "string" ? [req] : req;
  return wanted.some((r) => hasRole(caller, r));
}

export function isRole(v: string): v is Role {
  return (ROLES as readonly string[]).includes(v);
}

/** "analyst, lead" or '["analyst"]' → ["analyst","lead"]; unknown names are dropped. */
export function parseRoles(text: string | null | undefined): Role[] {
  if (!text) return [];
  let parts: string[];
  const t = text.trim();
  if (t.startsWith("[")) {
    try {
      parts = (JSON.parse(t) as unknown[]).map(String);
    } catch {
      parts = [];
    }
  } else {
    parts = t.split(",");
  }
  const out: Role[] = [];
  for (const p of parts.map((s) => s.trim())) if (isRole(p) && !out.includes(p)) out.push(p);
  return out;
}

export function formatRoles(roles: readonly Role[]): string {
  return [...new Set(roles)].join(",");
}
