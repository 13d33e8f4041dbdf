// The least-privilege permission set, derived from the code: the reads in ./reads and every
// containment step's `needs`. deploy/base/rbac.yaml and deploy/gcp-iam-role.yaml are rendered from
// this, so a step that gains a need changes the manifests (and the drift test says so).
import { STEPS } from "@/lib/containment/steps";
import type { KubeNeed, Risk, StepDefinition } from "@/lib/containment/types";
import { GCP_READS, KUBE_READS } from "./reads";

export type PolicyRule = { apiGroups: string[]; resources: string[]; verbs: string[] };

/** Who needs a permission: a page/read, or a step (with its risk, so destructive-only rules can be named). */
export type User = { kind: "read"; label: string } | { kind: "step"; id: string; title: string; risk: Risk };

export type KubeUse = { group: string; resource: string; verb: string; users: User[] };
export type GcpUse = { permission: string; users: User[] };

type StepLike = Pick<StepDefinition, "id" | "title" | "risk" | "needs">;

/** `pods` + `log` → `pods/log`: RBAC names subresources that way. */
export function ruleResource(n: Pick<KubeNeed, "resource" | "subresource">): string {
  return n.subresource ? `${n.resource}/${n.subresource}` : n.resource;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function stepUser(s: StepLike): User {
  return { kind: "step", id: s.id, title: s.title, risk: s.risk };
}

/** Every (group, resource, verb) anything needs, with who needs it; sorted by group, resource, verb. */
export function kubeUses(steps: readonly StepLike[] = STEPS): KubeUse[] {
  const uses = new Map<string, KubeUse>();
  const add = (n: KubeNeed, user: User) => {
    const group = n.group ?? "";
    const resource = ruleResource(n);
    const key = `${group}\u0000${resource}\u0000${n.verb}`;
    const use = uses.get(key) ?? { group, resource, verb: n.verb, users: [] };
    const same = (u: User) => (u.kind === "read" ? user.kind === "read" && u.label === user.label : user.kind === "step" && u.id === user.id);
    if (!use.users.some(same)) use.users.push(user);
    uses.set(key, use);
  };
  for (const r of KUBE_READS) for (const label of r.usedBy) add(r, { kind: "read", label });
  for (const s of steps) for (const n of s.needs?.kube ?? []) add(n, stepUser(s));
  return [...uses.values()].sort((a, b) => byText(a.group, b.group) || byText(a.resource, b.resource) || byText(a.verb, b.verb));
}

/** RBAC rules: one per API group and resource (subresources as `pods/log`), verbs sorted. */
export function kubeRules(steps: readonly StepLike[] = STEPS): PolicyRule[] {
  const rules = new Map<string, PolicyRule>();
  for (const u of kubeUses(steps)) {
    const key = `${u.group}\u0000${u.resource}`;
    const rule = rules.get(key) ?? { apiGroups: [u.group], resources: [u.resource], verbs: [] };
    if (!rule.verbs.includes(u.verb)) rule.verbs.push(u.verb);
    rules.set(key, rule);
  }
  return [...rules.values()].map((r) => ({ ...r, verbs: [...r.verbs].sort(byText) }));
}

export function gcpUses(steps: readonly StepLike[] = STEPS): GcpUse[] {
  const uses = new Map<string, GcpUse>();
  const add = (permission: string, user: User) => {
    const use = uses.get(permission) ?? { permission, users: [] };
    use.users.push(user);
    uses.set(permission, use);
  };
  for (const r of GCP_READS) for (const label of r.usedBy) add(r.permission, { kind: "read", label });
  for (const s of steps) for (const p of new Set(s.needs?.gcp ?? [])) add(p, stepUser(s));
  return [...uses.values()].sort((a, b) => byText(a.permission, b.permission));
}

/** Every Google Cloud IAM permission Airlock uses, sorted. */
export function gcpPermissions(steps: readonly StepLike[] = STEPS): string[] {
  return gcpUses(steps).map((u) => u.permission);
}

/** True when only destructive steps need it: a team that never deletes or execs can drop it. */
export function onlyDestructive(users: User[]): boolean {
  return users.length > 0 && users.every((u) => u.kind === "step" && u.risk === "destructive");
}

/** True when no page or read-only step needs it: only steps that change something. */
export function onlyChanges(users: User[]): boolean {
  return users.length > 0 && users.every((u) => u.kind === "step" && u.risk !== "read-only");
}
