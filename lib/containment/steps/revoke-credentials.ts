import "server-only";
import type { V1ClusterRoleBinding, V1RoleBinding, V1Secret, RbacV1Subject as V1Subject } from "@kubernetes/client-node";
import { createHash } from "node:crypto";
import { z } from "zod";
import { parseGkeContextName } from "@/lib/clusters/context-name";
import { iam, type IamPolicy } from "@/lib/gcp/iam";
import { isTransient, statusOf } from "@/lib/kube/retry";
import { HttpError } from "@/lib/http/errors";
import { defineStep, type Change, type RiskRaise, type StepContext, type Warning } from "../types";
import { jsonArtifact, artifactSchema, type Artifact } from "./support/artifacts";
import { gcloud, kubectl } from "./support/commands";
import { gcpFailure } from "./support/gcp";
import { NODE_POOL_LABEL, poolPathOf, readNodePool } from "./support/node-pool";
import { apis, isNotFound, kubeFailure, kubeMessage, podGone, readIncidentPod, readOrNull, withRetry } from "./support/kube";

// Network isolation does not stop a stolen service-account token used from elsewhere, nor a
// Google credential taken through Workload Identity. This step cuts what the pod's KSA holds:
// its RBAC bindings (the KSA only: removing the groups would hit every workload), its legacy
// long-lived token Secrets, and its Workload Identity binding on the GSA.

const WI_ROLE = "roles/iam.workloadIdentityUser";
const GSA_ANNOTATION = "iam.gke.io/gcp-service-account";
const LEGACY_TOKEN = "kubernetes.io/service-account-token";
const RBAC_GROUP = "rbac.authorization.k8s.io";

const params = z.object({
  workloadIdentity: z.enum(["remove-binding", "disable-gsa"]).default("remove-binding"),
  disableKeys: z.boolean().default(false),
});

const subject = z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional(), apiGroup: z.string().optional() });
const bindingRef = z.object({ kind: z.enum(["RoleBinding", "ClusterRoleBinding"]), namespace: z.string().optional(), name: z.string() });
type BindingRef = z.output<typeof bindingRef>;

type Data = {
  ksa: string;
  bindings: BindingRef[];
  secrets: string[];
  gsa: string | null;
  member: string | null;
};

const record = z.object({
  ksa: z.string(),
  /** Subjects Airlock took out of each binding, put back on release. */
  removed: z.array(bindingRef.extend({ subjects: z.array(subject) })),
  /** Legacy token Secrets deleted (not restorable: a new Secret would mint a new token), with the evidence's hash. */
  deletedSecrets: z.array(z.object({ name: z.string(), sha256: z.string() })),
  /** Manifests kept here when there was no evidence store (plan-only callers, tests). */
  heldEvidence: z.array(artifactSchema).default([]),
  gsa: z.string().nullable(),
  /** The workloadIdentityUser member Airlock removed, and the role's members right after (undo's drift check). */
  wiMemberRemoved: z.string().nullable(),
  wiMembersAfter: z.array(z.string()).nullable(),
  gsaDisabledByAirlock: z.boolean(),
  keysDisabled: z.array(z.string()),
});
type RunRecord = z.output<typeof record>;

// What a stolen token could do that matters to the containment.
const CHECKS: { verb: string; resource: string; group?: string; subresource?: string; undoes?: string; label: string }[] = [
  { verb: "patch", resource: "pods", undoes: "remove the quarantine label", label: "patch pods" },
  { verb: "delete", resource: "networkpolicies", group: "networking.k8s.io", undoes: "delete the deny-all policy", label: "delete networkpolicies" },
  { verb: "patch", resource: "networkpolicies", group: "networking.k8s.io", undoes: "rewrite the deny-all policy", label: "patch networkpolicies" },
  { verb: "get", resource: "secrets", label: "read secrets" },
  { verb: "create", resource: "pods", label: "create pods" },
  { verb: "create", resource: "pods", subresource: "exec", label: "exec into pods" },
];

/** Read-modify-write loops: a conflict (409, a concurrent edit) means read again and retry. */
const CONFLICT_RETRY = { retryOn: (err: unknown) => statusOf(err) === 409 || isTransient(err) };

const ksaUser = (ns: string, ksa: string) => `system:serviceaccount:${ns}:${ksa}`;
const ksaGroups = (ns: string) => ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"];

/** Disabling the GSA disables its user-managed keys too: a downloaded key would otherwise outlive the decision. */
function keysToDisable(p: { workloadIdentity?: string; disableKeys?: boolean }): boolean {
  return p.disableKeys === true || p.workloadIdentity === "disable-gsa";
}

function namesKsa(s: V1Subject, ns: string, ksa: string, bindingNs: string | undefined): boolean {
  return s.kind === "ServiceAccount" && s.name === ksa && (s.namespace || bindingNs) === ns;
}

type Rbac = ReturnType<typeof apis>["rbac"];

/** The live RoleBinding or ClusterRoleBinding a ref names. */
function readBinding(rbac: Rbac, ref: BindingRef): Promise<V1RoleBinding | V1ClusterRoleBinding> {
  return ref.kind === "RoleBinding"
    ? rbac.readNamespacedRoleBinding({ name: ref.name, namespace: ref.namespace! })
    : rbac.readClusterRoleBinding({ name: ref.name });
}

/** Replaces it with `body` (carrying the read resourceVersion: a concurrent edit is a 409). */
async function replaceBinding(rbac: Rbac, ref: BindingRef, body: V1RoleBinding | V1ClusterRoleBinding): Promise<void> {
  if (ref.kind === "RoleBinding") await rbac.replaceNamespacedRoleBinding({ name: ref.name, namespace: ref.namespace!, body });
  else await rbac.replaceClusterRoleBinding({ name: ref.name, body });
}

const refLabel = (b: BindingRef) => (b.kind === "RoleBinding" ? `RoleBinding ${b.namespace}/${b.name}` : `ClusterRoleBinding ${b.name}`);

/** The cluster's project: Workload Identity members are `<project>.svc.id.goog[ns/ksa]`. */
function projectOf(ctx: StepContext): string | null {
  return parseGkeContextName(ctx.incident.targets.cluster)?.project ?? ctx.incident.targets.instance?.project ?? null;
}

async function ksaOf(ctx: StepContext): Promise<string | null> {
  const pod = await readIncidentPod(ctx);
  if (!pod) return null;
  return pod.spec?.serviceAccountName || "default";
}

type Found = { ref: BindingRef; role: string; direct: V1Subject[]; groups: string[] };

async function findBindings(ctx: StepContext, ns: string, ksa: string): Promise<Found[]> {
  const { rbac } = apis(ctx);
  const [rbs, crbs] = await Promise.all([withRetry(() => rbac.listRoleBindingForAllNamespaces()), withRetry(() => rbac.listClusterRoleBinding())]);
  const groups = new Set(ksaGroups(ns));
  const out: Found[] = [];
  const consider = (b: V1RoleBinding | V1ClusterRoleBinding, ref: BindingRef) => {
    const subjects = b.subjects ?? [];
    const direct = subjects.filter((s) => namesKsa(s, ns, ksa, ref.namespace));
    const viaGroups = subjects.filter((s) => s.kind === "Group" && groups.has(s.name)).map((s) => s.name);
    if (direct.length || viaGroups.length) out.push({ ref, role: `${b.roleRef.kind}/${b.roleRef.name}`, direct, groups: viaGroups });
  };
  for (const b of rbs.items) consider(b, { kind: "RoleBinding", namespace: b.metadata?.namespace, name: b.metadata?.name ?? "" });
  for (const b of crbs.items) consider(b, { kind: "ClusterRoleBinding", name: b.metadata?.name ?? "" });
  return out;
}

async function can(ctx: StepContext, ns: string, ksa: string, c: (typeof CHECKS)[number]): Promise<boolean> {
  const res = await withRetry(() =>
    apis(ctx).authz.createSubjectAccessReview({
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
          user: ksaUser(ns, ksa),
          groups: ksaGroups(ns),
          resourceAttributes: { namespace: ns, verb: c.verb, resource: c.resource, group: c.group ?? "", subresource: c.subresource },
        },
      },
    }),
  );
  return res.status?.allowed === true;
}

async function legacyTokens(ctx: StepContext, ns: string, ksa: string): Promise<V1Secret[]> {
  const list = await withRetry(() => apis(ctx).core.listNamespacedSecret({ namespace: ns }));
  return list.items.filter((s) => s.type === LEGACY_TOKEN && s.metadata?.annotations?.["kubernetes.io/service-account.name"] === ksa);
}

const wiMembers = (p: IamPolicy) => (p.bindings ?? []).filter((b) => b.role === WI_ROLE).flatMap((b) => b.members);

/** The policy without one member of workloadIdentityUser, keeping the etag for read-modify-write. */
function withoutMember(p: IamPolicy, member: string): IamPolicy {
  const bindings = (p.bindings ?? [])
    .map((b) => (b.role === WI_ROLE ? { ...b, members: b.members.filter((m) => m !== member) } : b))
    .filter((b) => b.members.length);
  return { ...p, bindings };
}

function withMember(p: IamPolicy, member: string): IamPolicy {
  const bindings = [...(p.bindings ?? [])];
  const i = bindings.findIndex((b) => b.role === WI_ROLE && !b.condition);
  if (i >= 0) bindings[i] = { ...bindings[i], members: [...bindings[i].members, member] };
  else bindings.push({ role: WI_ROLE, members: [member] });
  return { ...p, bindings };
}

/** Does the node pool run the GKE metadata server? null: unknown (not GKE, or unreadable). */
async function nodePoolMetadataMode(ctx: StepContext): Promise<{ pool: string; mode: string } | null> {
  const t = ctx.incident.targets;
  const gke = parseGkeContextName(t.cluster);
  if (!gke || !t.node) return null;
  const node = await readOrNull(() => apis(ctx).core.readNode({ name: t.node! }));
  const pool = node?.metadata?.labels?.[NODE_POOL_LABEL];
  if (!pool) return null;
  const np = await readNodePool(poolPathOf({ project: gke.project, location: gke.location, name: gke.cluster }, pool));
  // A pool that is gone is as unreadable as an error: the plan says it could not tell.
  if (!np) throw new HttpError(404, `Node pool ${pool} was not found.`);
  return { pool, mode: String(np.config?.workloadMetadataConfig?.mode ?? "MODE_UNSPECIFIED") };
}

function redacted(s: V1Secret): unknown {
  // The manifest is evidence, not a credential store: values are kept as their SHA-256 only.
  const data = Object.fromEntries(
    Object.entries(s.data ?? {}).map(([k, v]) => [k, `sha256:${createHash("sha256").update(Buffer.from(v, "base64")).digest("hex")}`]),
  );
  return { ...s, data };
}

export const revokeCredentials = defineStep<Data, RunRecord>()({
  id: "revoke-credentials",
  stage: "credentials",
  title: "Revoke the pod's credentials",
  risk: "reversible",
  role: "analyst",
  summary:
    "Removes the pod's Kubernetes service account from every RoleBinding and ClusterRoleBinding naming it, deletes its legacy token Secrets, and removes its Workload Identity binding on the Google service account.",
  params,
  record,
  ui: {
    form: [
      {
        kind: "radio",
        name: "workloadIdentity",
        legend: "Workload Identity",
        options: [
          { value: "remove-binding", label: "Remove only this KSA's `roles/iam.workloadIdentityUser` binding on the GSA" },
          { value: "disable-gsa", label: "Disable the GSA and its user-managed keys (every workload using it stops: destructive, needs an approver)" },
        ],
        default: "remove-binding",
      },
      {
        kind: "checkbox",
        name: "disableKeys",
        label: "Disable the GSA's user-managed keys",
        help: "Keys someone downloaded work from anywhere; disabled keys can be enabled again on release. Disabling the GSA always disables them.",
      },
    ],
    undoEffect:
      "Puts the KSA back into the bindings it was removed from, restores its Workload Identity binding (refused if the GSA's policy changed since), re-enables the GSA and keys Airlock disabled. Deleted legacy token Secrets are not recreated.",
  },
  needs: {
    kube: [
      { verb: "get", resource: "pods" },
      { verb: "get", resource: "nodes" },
      { verb: "list", resource: "rolebindings", group: RBAC_GROUP, clusterScoped: true },
      { verb: "list", resource: "clusterrolebindings", group: RBAC_GROUP, clusterScoped: true },
      { verb: "get", resource: "rolebindings", group: RBAC_GROUP, clusterScoped: true },
      { verb: "get", resource: "clusterrolebindings", group: RBAC_GROUP, clusterScoped: true },
      { verb: "update", resource: "rolebindings", group: RBAC_GROUP, clusterScoped: true },
      { verb: "update", resource: "clusterrolebindings", group: RBAC_GROUP, clusterScoped: true },
      // A real API server refuses to write a binding to a role whose permissions the writer does
      // not hold (escalation check) unless it may `bind` that role: needed to put subjects back.
      { verb: "bind", resource: "roles", group: RBAC_GROUP, clusterScoped: true },
      { verb: "bind", resource: "clusterroles", group: RBAC_GROUP, clusterScoped: true },
      { verb: "create", resource: "subjectaccessreviews", group: "authorization.k8s.io", clusterScoped: true },
      { verb: "get", resource: "serviceaccounts" },
      { verb: "list", resource: "secrets" },
      { verb: "get", resource: "secrets" },
      { verb: "delete", resource: "secrets" },
    ],
    gcp: [
      "container.clusters.get",
      "iam.serviceAccounts.get",
      "iam.serviceAccounts.getIamPolicy",
      "iam.serviceAccounts.setIamPolicy",
      "iam.serviceAccounts.disable",
      "iam.serviceAccounts.enable",
      "iam.serviceAccountKeys.list",
      "iam.serviceAccountKeys.disable",
      "iam.serviceAccountKeys.enable",
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const ns = t.namespace;
    const ksa = await ksaOf(ctx);
    if (!ksa) return { changes: [], commands: [], warnings: [], blocked: podGone(ctx) };
    const user = ksaUser(ns, ksa);
    const changes: Change[] = [];
    const commands: string[] = [];
    const warnings: Warning[] = [];

    const found = await findBindings(ctx, ns, ksa).catch((err) => {
      throw kubeFailure(`Listing the bindings of ${user}`, err);
    });
    for (const f of found) {
      if (f.direct.length) {
        changes.push({
          target: refLabel(f.ref),
          action: "patch",
          field: "subjects",
          before: f.direct.map((s) => `ServiceAccount ${s.namespace || f.ref.namespace}/${s.name}`),
          after: null,
          note: `grants ${f.role}`,
        });
        commands.push(kubectl(t, f.ref.namespace ?? null, "edit", f.ref.kind === "RoleBinding" ? "rolebinding" : "clusterrolebinding", f.ref.name));
      }
      if (f.groups.length) {
        warnings.push({
          level: "caution",
          code: "group-binding",
          message: `${refLabel(f.ref)} grants ${f.role} to ${f.groups.join(", ")}, which includes this KSA; it stays, since removing a group would hit every workload in it.`,
        });
      }
    }
    const allowed: string[] = [];
    const undoes: string[] = [];
    try {
      for (const c of CHECKS) {
        if (await can(ctx, ns, ksa, c)) {
          allowed.push(c.label);
          if (c.undoes) undoes.push(c.undoes);
        }
      }
    } catch (err) {
      throw kubeFailure(`Asking what ${user} may do`, err);
    }
    changes.push({
      target: `ServiceAccount ${ns}/${ksa}`,
      action: "read",
      field: "can",
      before: allowed,
      note: "SubjectAccessReview as the KSA, in its namespace",
    });
    if (undoes.length) {
      warnings.push({
        level: "danger",
        code: "ksa-can-undo-containment",
        message: `A stolen token of ${user} can undo the containment: it may ${undoes.join(", ")}.`,
      });
    }

    let secrets: V1Secret[] = [];
    try {
      secrets = await legacyTokens(ctx, ns, ksa);
    } catch (err) {
      throw kubeFailure(`Listing the legacy tokens of ${user}`, err);
    }
    for (const s of secrets) {
      changes.push({ target: `Secret ${ns}/${s.metadata?.name}`, action: "delete", note: "legacy long-lived token; its manifest is stored as evidence first" });
      commands.push(kubectl(t, ns, "delete", "secret", s.metadata?.name ?? ""));
    }
    warnings.push({
      level: "info",
      code: "bound-tokens",
      message:
        "Bound (projected) tokens cannot be revoked one by one: they stay valid until they expire or the pod is deleted, which invalidates them. Removing the bindings takes away what they allow.",
    });

    const sa = await readOrNull(() => apis(ctx).core.readNamespacedServiceAccount({ name: ksa, namespace: ns })).catch((err) => {
      throw kubeFailure(`Reading ServiceAccount ${ns}/${ksa}`, err);
    });
    const gsa = sa?.metadata?.annotations?.[GSA_ANNOTATION] ?? null;
    const project = projectOf(ctx);
    let member: string | null = null;
    const raise: RiskRaise[] = [];
    const disableKeys = keysToDisable(ctx.params);
    // Set where their changes are planned: whether Workload Identity or a key is still to change.
    let wiToDo = false;
    let keysToDo = false;
    if (gsa && project) {
      member = `serviceAccount:${project}.svc.id.goog[${ns}/${ksa}]`;
      try {
        const [account, policy, keys] = await Promise.all([
          withRetry(() => iam.getServiceAccount(gsa)),
          withRetry(() => iam.getIamPolicy(gsa)),
          withRetry(() => iam.userManagedKeys(gsa)),
        ]);
        const members = wiMembers(policy);
        const others = members.filter((m) => m !== member);
        changes.push({
          target: `GSA ${gsa}`,
          action: "read",
          field: `${WI_ROLE} members`,
          before: members,
          note: account.disabled ? "the GSA is disabled" : undefined,
        });
        if (others.length) {
          warnings.push({
            level: "caution",
            code: "shared-gsa",
            message: `GSA ${gsa} is also used by ${others.join(", ")}: disabling it would stop them too.`,
          });
        }
        if (ctx.params.workloadIdentity === "remove-binding") {
          if (members.includes(member)) {
            changes.push({ target: `GSA ${gsa}`, action: "patch", field: `policy ${WI_ROLE}`, before: member, after: null });
            wiToDo = true;
            commands.push(
              gcloud(
                ["iam", "service-accounts", "remove-iam-policy-binding", gsa],
                [
                  ["--role", WI_ROLE],
                  ["--member", member],
                ],
                account.projectId ?? project,
              ),
            );
          }
        } else {
          changes.push({
            target: `GSA ${gsa}`,
            action: "patch",
            field: "disabled",
            before: account.disabled === true,
            after: true,
            note: "affects every workload using it",
          });
          wiToDo = true;
          commands.push(gcloud(["iam", "service-accounts", "disable", gsa], [], account.projectId ?? project));
          // The step is reversible; this mode stops every workload using the GSA, so its plan is
          // destructive and waits for an approver (the reason is shown and hashed with the plan).
          if (!account.disabled) raise.push({ risk: "destructive", reason: `Disables GSA ${gsa}: every workload that uses it loses its Google credentials.` });
        }
        const enabledKeys = keys.filter((k) => !k.disabled);
        keysToDo = disableKeys && enabledKeys.length > 0;
        for (const k of keys)
          changes.push({
            target: `Key ${k.name.split("/").pop()}`,
            action: disableKeys && !k.disabled ? "patch" : "read",
            field: "disabled",
            before: k.disabled === true,
            after: disableKeys ? true : undefined,
            note: `user-managed key of ${gsa}, valid after ${k.validAfterTime}`,
          });
        if (disableKeys)
          for (const k of enabledKeys)
            commands.push(
              gcloud(["iam", "service-accounts", "keys", "disable", k.name.split("/").pop() ?? ""], [["--iam-account", gsa]], account.projectId ?? project),
            );
        else if (enabledKeys.length)
          warnings.push({
            level: "caution",
            code: "user-managed-keys",
            message: `GSA ${gsa} has ${enabledKeys.length} enabled user-managed key(s); a copied key works from anywhere. Tick "disable its user-managed keys" to disable them.`,
          });
      } catch (err) {
        throw gcpFailure(`Reading GSA ${gsa}`, err);
      }
    }

    try {
      const md = await nodePoolMetadataMode(ctx);
      if (md && md.mode !== "GKE_METADATA") {
        warnings.push({
          level: "danger",
          code: "node-credentials",
          message: `Node pool ${md.pool} does not run the GKE metadata server (workloadMetadataConfig.mode ${md.mode}): the pod can take the node VM's service-account token from 169.254.169.254. attest-isolation's egress probe to it shows whether it still can.`,
        });
      }
    } catch (err) {
      warnings.push({
        level: "caution",
        code: "node-pool-unknown",
        message: `Could not read the node pool's metadata mode: ${gcpFailure("reading the node pool", err).message}`,
      });
    }

    const data: Data = {
      ksa,
      bindings: found.filter((f) => f.direct.length).map((f) => f.ref),
      secrets: secrets.map((s) => s.metadata?.name ?? ""),
      gsa,
      member,
    };
    const noop = !data.bindings.length && !data.secrets.length && !wiToDo && !keysToDo;
    return { changes, commands, warnings, ...(noop ? { noop: true } : {}), ...(raise.length ? { raise } : {}), data };
  },

  async execute(ctx, plan) {
    const t = ctx.incident.targets;
    const ns = t.namespace;
    const ksa = plan.data.ksa;
    const { rbac, core } = apis(ctx);
    const prior = ctx.priorRecord();
    const rec: RunRecord = prior
      ? structuredClone(prior)
      : {
          ksa,
          removed: [],
          deletedSecrets: [],
          heldEvidence: [],
          gsa: plan.data.gsa,
          wiMemberRemoved: null,
          wiMembersAfter: null,
          gsaDisabledByAirlock: false,
          keysDisabled: [],
        };
    const done: string[] = [];
    // Kept before each write with what it is about to change: a run that fails after a write
    // landed (its answer lost) still holds what undo must put back.
    const keep = (change: Partial<RunRecord>) => ctx.keepRecord({ ...rec, ...change });

    // Re-listed rather than taken from the plan: a binding created since must not keep the KSA.
    let found: Found[];
    try {
      found = (await findBindings(ctx, ns, ksa)).filter((f) => f.direct.length);
    } catch (err) {
      throw kubeFailure(`Listing the bindings of ${ksaUser(ns, ksa)}`, err);
    }
    for (const f of found) {
      const ref = f.ref;
      try {
        // What this binding loses, once read: a retry whose earlier replace landed (answer lost) reads none left.
        let entry = null as RunRecord["removed"][number] | null;
        await withRetry(async () => {
          const b = await readBinding(rbac, ref);
          const out = (b.subjects ?? []).filter((s) => namesKsa(s, ns, ksa, ref.namespace));
          if (!out.length) return;
          entry = {
            ...ref,
            subjects: out.map((s) => ({
              kind: s.kind,
              name: s.name,
              ...(s.namespace ? { namespace: s.namespace } : {}),
              ...(s.apiGroup ? { apiGroup: s.apiGroup } : {}),
            })),
          };
          await keep({ removed: [...rec.removed, entry] });
          // Replaced with the read resourceVersion: a concurrent edit is a 409 and a fresh read.
          await replaceBinding(rbac, ref, { ...b, subjects: (b.subjects ?? []).filter((s) => !namesKsa(s, ns, ksa, ref.namespace)) });
        }, CONFLICT_RETRY);
        if (entry) {
          rec.removed.push(entry);
          done.push(`removed from ${refLabel(ref)}`);
        }
      } catch (err) {
        if (isNotFound(err)) continue;
        throw kubeFailure(`Removing ${ksaUser(ns, ksa)} from ${refLabel(ref)}`, err);
      }
    }

    for (const name of plan.data.secrets) {
      const s = await readOrNull(() => core.readNamespacedSecret({ name, namespace: ns })).catch((err) => {
        throw kubeFailure(`Reading Secret ${ns}/${name}`, err);
      });
      if (!s) continue;
      const a: Artifact = jsonArtifact(`secret-${ns}-${name}.json`, redacted(s), `/api/v1/namespaces/${ns}/secrets/${name}`);
      if (ctx.artifacts) await ctx.artifacts.put(a);
      else rec.heldEvidence.push(a);
      await keep({ deletedSecrets: [...rec.deletedSecrets, { name, sha256: a.sha256 }] });
      try {
        await withRetry(() => core.deleteNamespacedSecret({ name, namespace: ns }));
      } catch (err) {
        if (!isNotFound(err)) throw kubeFailure(`Deleting Secret ${ns}/${name}`, err);
      }
      rec.deletedSecrets.push({ name, sha256: a.sha256 });
      done.push(`deleted Secret ${name}`);
    }

    const { gsa, member } = plan.data;
    if (gsa && member && ctx.params.workloadIdentity === "remove-binding") {
      try {
        const policy = await withRetry(() => iam.getIamPolicy(gsa));
        if (wiMembers(policy).includes(member)) {
          // setIamPolicy carries the etag just read: a concurrent change is 409 ABORTED, and the
          // retry reads the policy again instead of overwriting someone else's edit.
          const after = await withRetry(async () => {
            const current = await iam.getIamPolicy(gsa);
            // Gone already: an earlier try's setIamPolicy landed though its answer was lost; not sent again.
            if (!wiMembers(current).includes(member)) return current;
            const next = withoutMember(current, member);
            await keep({ wiMemberRemoved: member, wiMembersAfter: wiMembers(next) });
            return iam.setIamPolicy(gsa, next);
          }, CONFLICT_RETRY);
          rec.wiMemberRemoved = member;
          rec.wiMembersAfter = wiMembers(after);
          done.push(`removed ${member} from ${gsa}`);
        }
      } catch (err) {
        throw gcpFailure(`Removing the Workload Identity binding on ${gsa}`, err);
      }
    }
    if (gsa && ctx.params.workloadIdentity === "disable-gsa") {
      try {
        const account = await withRetry(() => iam.getServiceAccount(gsa));
        if (!account.disabled) {
          await keep({ gsaDisabledByAirlock: true });
          await withRetry(() => iam.disable(gsa));
          rec.gsaDisabledByAirlock = true;
          done.push(`disabled ${gsa}`);
        }
      } catch (err) {
        throw gcpFailure(`Disabling ${gsa}`, err);
      }
    }
    if (gsa && keysToDisable(ctx.params)) {
      try {
        for (const k of await withRetry(() => iam.userManagedKeys(gsa))) {
          if (k.disabled) continue;
          await keep({ keysDisabled: [...rec.keysDisabled, k.name] });
          await withRetry(() => iam.disableKey(k.name));
          rec.keysDisabled.push(k.name);
          done.push(`disabled key ${k.name.split("/").pop()}`);
        }
      } catch (err) {
        throw gcpFailure(`Disabling the user-managed keys of ${gsa}`, err);
      }
    }

    if (!done.length) return { outcome: "noop", message: `${ksaUser(ns, ksa)} holds nothing more to revoke.`, record: rec };
    return { outcome: "success", message: `Credentials of ${ksaUser(ns, ksa)} revoked: ${done.join("; ")}.`, record: rec };
  },

  async verify(ctx) {
    const ns = ctx.incident.targets.namespace;
    const rec = ctx.priorRecord();
    const ksa = rec?.ksa ?? (await ksaOf(ctx));
    if (!ksa) return { holds: false, message: podGone(ctx) };
    const problems: string[] = [];
    try {
      const still = (await findBindings(ctx, ns, ksa)).filter((f) => f.direct.length);
      if (still.length) problems.push(`still named in ${still.map((f) => refLabel(f.ref)).join(", ")}`);
      if (await can(ctx, ns, ksa, CHECKS[0])) problems.push("may still patch pods (through a group or another binding)");
    } catch (err) {
      return { holds: false, message: `Could not check the bindings: ${kubeMessage(err)}` };
    }
    if (rec?.gsa && rec.wiMemberRemoved) {
      try {
        if (wiMembers(await withRetry(() => iam.getIamPolicy(rec.gsa!))).includes(rec.wiMemberRemoved))
          problems.push(`${rec.gsa}'s policy names ${rec.wiMemberRemoved} again`);
      } catch (err) {
        return { holds: false, message: `Could not read ${rec.gsa}'s policy: ${gcpFailure("reading the policy", err).message}` };
      }
    }
    if (rec?.gsa && rec.gsaDisabledByAirlock) {
      try {
        if (!(await withRetry(() => iam.getServiceAccount(rec.gsa!))).disabled) problems.push(`${rec.gsa}, which Airlock disabled, is enabled again`);
      } catch (err) {
        return { holds: false, message: `Could not read ${rec.gsa}: ${gcpFailure("reading the GSA", err).message}` };
      }
    }
    if (rec?.gsa && rec.keysDisabled.length) {
      try {
        const enabled = (await withRetry(() => iam.userManagedKeys(rec.gsa!))).filter((k) => !k.disabled && rec.keysDisabled.includes(k.name));
        if (enabled.length)
          problems.push(`${rec.gsa}'s key ${enabled.map((k) => k.name.split("/").pop()).join(", ")}, which Airlock disabled, is enabled again`);
      } catch (err) {
        return { holds: false, message: `Could not read ${rec.gsa}'s keys: ${gcpFailure("reading the keys", err).message}` };
      }
    }
    const who = ksaUser(ns, ksa);
    return problems.length
      ? { holds: false, message: `${who} ${problems.join("; ")}.` }
      : {
          holds: true,
          message: `${who} is in no binding, may not patch pods${rec?.wiMemberRemoved ? ", and no longer acts as its GSA" : ""}${rec?.gsaDisabledByAirlock ? `; ${rec.gsa} is disabled` : ""}.`,
        };
  },

  async undo(ctx, rec) {
    if (!rec) return { outcome: "noop", message: "Nothing recorded to restore." };
    const { rbac } = apis(ctx);
    const done: string[] = [];
    // Checked before anything is put back, so a refused undo changes nothing.
    let policy: IamPolicy | null = null;
    if (rec.gsa && rec.wiMemberRemoved) {
      try {
        policy = await withRetry(() => iam.getIamPolicy(rec.gsa!));
      } catch (err) {
        throw gcpFailure(`Reading ${rec.gsa}'s policy`, err);
      }
      const now = wiMembers(policy);
      const then = rec.wiMembersAfter ?? [];
      const added = now.filter((m) => !then.includes(m));
      const gone = then.filter((m) => !now.includes(m));
      if (added.length || gone.length) {
        throw new HttpError(
          409,
          `${rec.gsa}'s ${WI_ROLE} members changed since Airlock removed ${rec.wiMemberRemoved}${added.length ? `; added: ${added.join(", ")}` : ""}${gone.length ? `; removed: ${gone.join(", ")}` : ""}. Review the policy (gcloud iam service-accounts get-iam-policy ${rec.gsa}) and restore the member by hand if it should return.`,
          { reason: "drift" },
        );
      }
    }
    for (const r of rec.removed) {
      try {
        await withRetry(async () => {
          const b = await readBinding(rbac, r);
          const have = b.subjects ?? [];
          const missing = r.subjects.filter((s) => !have.some((h) => h.kind === s.kind && h.name === s.name && (h.namespace ?? "") === (s.namespace ?? "")));
          if (!missing.length) return;
          await replaceBinding(rbac, r, { ...b, subjects: [...have, ...missing] });
          done.push(`restored ${refLabel(r)}`);
        }, CONFLICT_RETRY);
      } catch (err) {
        if (statusOf(err) === 404) {
          done.push(`${refLabel(r)} no longer exists`);
          continue;
        }
        throw kubeFailure(`Restoring ${refLabel(r)}`, err);
      }
    }
    if (rec.gsa && rec.wiMemberRemoved && policy && !wiMembers(policy).includes(rec.wiMemberRemoved)) {
      try {
        await iam.setIamPolicy(rec.gsa, withMember(policy, rec.wiMemberRemoved));
        done.push(`restored ${rec.wiMemberRemoved} on ${rec.gsa}`);
      } catch (err) {
        throw gcpFailure(`Restoring the Workload Identity binding on ${rec.gsa}`, err);
      }
    }
    try {
      if (rec.gsa && rec.gsaDisabledByAirlock) {
        await withRetry(() => iam.enable(rec.gsa!));
        done.push(`enabled ${rec.gsa}`);
      }
      for (const k of rec.keysDisabled) {
        await withRetry(() => iam.enableKey(k));
        done.push(`enabled key ${k.split("/").pop()}`);
      }
    } catch (err) {
      throw gcpFailure(`Re-enabling ${rec.gsa}`, err);
    }
    const secrets = rec.deletedSecrets.length
      ? ` Legacy token Secrets ${rec.deletedSecrets.map((s) => s.name).join(", ")} stay deleted (a new one would mint a new token).`
      : "";
    if (!done.length) return { outcome: "noop", message: `Nothing to restore.${secrets}` };
    return { outcome: "success", message: `${done.join("; ")}.${secrets}` };
  },
});
