import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { appendEntry } from "@/lib/audit/append";
import { formatRoles, type Caller } from "@/lib/auth/roles";
import { HttpError } from "@/lib/http/errors";
import { getDb } from "@/lib/store";
import { type IncidentRow } from "./db";
import { resolveTargets } from "./targets";
import type { Incident, IncidentTargets } from "./types";

const k8sName = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { message: "must be a Kubernetes name (lowercase letters, digits, '-', '.')" });

/** What both doors accept to open an incident. */
export const openIncidentInput = z.object({
  cluster: z.string().trim().min(1).max(200),
  namespace: k8sName.max(63),
  pod: k8sName,
  title: z.string().trim().min(3, { message: "give the incident a title (at least 3 characters)" }).max(200),
  severity: z.enum(["low", "medium", "high", "critical"]).default("high"),
});
export type OpenIncidentInput = z.input<typeof openIncidentInput>;

/** The role string written to the timeline: every role the caller holds. */
export function roleLabel(caller: Pick<Caller, "roles">): string {
  return formatRoles(caller.roles);
}

function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    title: row.title,
    severity: row.severity as Incident["severity"],
    status: row.status as Incident["status"],
    createdBy: row.created_by,
    createdAt: row.created_at,
    targets: JSON.parse(row.targets) as IncidentTargets,
  };
}

/** The incident's targets as the timeline lists them (kind + name), pod first. */
export function timelineTargets(t: IncidentTargets): Record<string, string>[] {
  const out: Record<string, string>[] = [{ kind: "Pod", cluster: t.cluster, namespace: t.namespace, name: t.pod }];
  if (t.node) out.push({ kind: "Node", name: t.node });
  if (t.instance) out.push({ kind: "Instance", project: t.instance.project, zone: t.instance.zone, name: t.instance.name });
  for (const o of t.ownerChain) out.push({ kind: o.kind, namespace: t.namespace, name: o.name });
  for (const s of t.services) out.push({ kind: "Service", namespace: t.namespace, name: s });
  for (const p of t.networkPolicies) out.push({ kind: "NetworkPolicy", namespace: t.namespace, name: p });
  return out;
}

/** Stores an incident whose targets are already resolved, and writes `incident-opened`. */
export async function createIncident(
  caller: Caller,
  input: { title: string; severity: Incident["severity"]; targets: IncidentTargets; notes?: string[] },
): Promise<Incident> {
  const db = await getDb();
  const row: IncidentRow = {
    id: randomUUID(),
    title: input.title,
    severity: input.severity,
    status: "open",
    cluster: input.targets.cluster,
    namespace: input.targets.namespace,
    pod: input.targets.pod,
    targets: JSON.stringify(input.targets),
    created_by: caller.email,
    created_at: new Date().toISOString(),
  };
  await db.insertInto("incidents").values(row).execute();
  await appendEntry(db, {
    actor: caller.email,
    role: roleLabel(caller),
    incidentId: row.id,
    kind: "incident-opened",
    targets: timelineTargets(input.targets),
    details: { title: row.title, severity: row.severity, targets: input.targets, notes: input.notes ?? [] },
  });
  return toIncident(row);
}

/** Opens an incident on a pod: resolves its derived targets live, stores them, logs the opening. */
export async function openIncident(caller: Caller, raw: OpenIncidentInput): Promise<Incident> {
  const parsed = openIncidentInput.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const i of parsed.error.issues) (fieldErrors[i.path.join(".") || "_"] ??= []).push(i.message);
    throw new HttpError(400, "Invalid incident", { fieldErrors });
  }
  const input = parsed.data;
  const { targets, notes } = await resolveTargets(input.cluster, input.namespace, input.pod);
  return createIncident(caller, { title: input.title, severity: input.severity, targets, notes });
}

export async function getIncident(id: string): Promise<Incident | null> {
  const row = await (await getDb()).selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toIncident(row) : null;
}

/** The incident, or a 404: ids come from URLs. */
export async function requireIncident(id: string): Promise<Incident> {
  const incident = await getIncident(id);
  if (!incident) throw new HttpError(404, `No incident ${id}`);
  return incident;
}

/** Newest first, bounded. */
export async function listIncidents(opts: { limit?: number; status?: Incident["status"] } = {}): Promise<Incident[]> {
  let q = (await getDb())
    .selectFrom("incidents")
    .selectAll()
    .orderBy("created_at", "desc")
    .limit(Math.min(Math.max(opts.limit ?? 100, 1), 500));
  if (opts.status) q = q.where("status", "=", opts.status);
  return (await q.execute()).map(toIncident);
}
