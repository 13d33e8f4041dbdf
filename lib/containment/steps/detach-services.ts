import "server-only";
import { z } from "zod";
import type { V1Service, V1ServiceSpec } from "@kubernetes/client-node";
import { statusOf } from "@/lib/kube/retry";
import { defineStep, type Change, type StepContext, type Warning } from "../types";
import { kubectl } from "./support/commands";
import { apis, dryRun, combineDryRuns, isNotFound, kubeFailure, podGone, readIncidentPod, readOrNull, withRetry } from "./support/kube";
import { REMOVED_LABELS_ANNOTATION } from "./support/labels";
import { manifestOf } from "./support/records";
import { serviceSelectorMatches, type Labels } from "./support/selectors";

// Stops Services routing to the compromised pod. A Service selector is equality-only and every
// healthy replica carries the same labels as the compromised pod, so no selector patch can drop
// this pod and keep its siblings. The decision:
//  - "patch" (default) means "this Service must no longer select the pod". It is satisfied by
//    orphan-pod (which strips only the binding labels from this pod, so the Service keeps serving
//    the replacement). While the pod is still selected, patch mode is blocked with that advice
//    rather than silently cutting off every replica.
//  - "delete" removes the Service (all its traffic, and for a LoadBalancer its external IP);
//    the full manifest is recorded so release recreates it (a new cluster IP, and for a
//    LoadBalancer most likely a new external IP).
// The default `kubernetes` Service is never touched; ExternalName Services have no selector and
// never route to a pod.

const params = z.object({
  mode: z.record(z.string(), z.enum(["patch", "delete"])).default({}),
});

function consequence(svc: V1Service): string {
  switch (svc.spec?.type) {
    case "LoadBalancer":
      return "LoadBalancer: exposed outside the cluster through a Google Cloud network load balancer; deleting it releases the external IP (a recreated one most likely gets a new IP).";
    case "NodePort":
      return "NodePort: reachable on that port of every node; deleting it closes the port on all nodes.";
    case "ExternalName":
      return "ExternalName: a CNAME to an outside name with no selector; it never routes to the pod.";
    default:
      return "ClusterIP: reachable only inside the cluster by its name and IP; pods can still reach the pod's own IP directly (use the NetworkPolicy steps for that). The default `kubernetes` ClusterIP Service is recreated by the API server and is never touched.";
  }
}

function isDefaultKubernetes(ns: string, name: string | undefined): boolean {
  return ns === "default" && name === "kubernetes";
}

/** Services that select the pod now, or that selected it before orphan-pod took its labels. */
async function relevantServices(ctx: StepContext, labels: Labels, removed: Labels | undefined) {
  const t = ctx.incident.targets;
  const list = await withRetry(() => apis(ctx).core.listNamespacedService({ namespace: t.namespace }));
  const original = { ...labels, ...(removed ?? {}) };
  return list.items
    .filter((s) => !isDefaultKubernetes(t.namespace, s.metadata?.name))
    .map((s) => ({
      svc: s,
      selectsNow: serviceSelectorMatches(s.spec?.selector, labels),
      selectedBefore: serviceSelectorMatches(s.spec?.selector, original) || t.services.includes(s.metadata!.name!),
    }))
    .filter((x) => x.selectsNow || x.selectedBefore);
}

/** What recreating a deleted Service needs: its spec minus the fields the API server assigns. */
export function recreatable(svc: V1Service): V1Service {
  const spec: V1ServiceSpec = { ...(svc.spec ?? {}) };
  delete spec.clusterIP;
  delete spec.clusterIPs;
  delete spec.healthCheckNodePort;
  const meta = svc.metadata ?? {};
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: meta.name, namespace: meta.namespace, labels: meta.labels, annotations: meta.annotations },
    spec,
  };
}

type Data = { delete: string[] };

const record = z.object({ deleted: z.array(manifestOf<V1Service>()) });
type RunRecord = z.output<typeof record>;

export const detachServices = defineStep<Data, RunRecord>()({
  id: "detach-services",
  stage: "services",
  title: "Detach Services from the pod",
  risk: "disruptive",
  role: "analyst",
  summary:
    "Per Service that selects the pod: make sure it no longer routes to it (patch mode, satisfied by orphan-pod while healthy replicas keep serving) or delete it (delete mode, manifest kept for release). Never the default kubernetes Service.",
  params,
  record,
  ui: {
    form: [
      {
        kind: "radio-each",
        name: "mode",
        from: "services",
        legend: "Service `{target}`",
        options: [
          { value: "patch", label: "Patch: stop routing to this pod only" },
          { value: "delete", label: "Delete the Service (recreated on release)" },
        ],
        default: "patch",
        empty: "No Service selected the pod when the incident was opened.",
      },
    ],
    undoEffect: "Recreates the deleted Services from their recorded manifests (new cluster IPs).",
  },
  needs: {
    kube: [
      { verb: "list", resource: "services" },
      { verb: "delete", resource: "services" },
      { verb: "create", resource: "services" },
      { verb: "get", resource: "services" },
      { verb: "get", resource: "pods" },
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const pod = await readIncidentPod(ctx);
    if (!pod) return { changes: [], commands: [], warnings: [], blocked: podGone(ctx) };
    const labels = pod.metadata?.labels ?? {};
    let removed: Labels | undefined;
    try {
      removed = JSON.parse(pod.metadata?.annotations?.[REMOVED_LABELS_ANNOTATION] ?? "null") ?? undefined;
    } catch {
      removed = undefined;
    }
    const mode = ctx.params.mode ?? {};
    const found = await relevantServices(ctx, labels, removed);
    const changes: Change[] = [];
    const commands: string[] = [];
    const warnings: Warning[] = [];
    const blockedBy: string[] = [];
    const toDelete: string[] = [];
    const dry: Promise<{ ok: boolean; message: string }>[] = [];
    for (const { svc, selectsNow } of found) {
      const name = svc.metadata!.name!;
      const m = mode[name] ?? "patch";
      const why = consequence(svc);
      if (m === "delete") {
        changes.push({ target: `Service ${t.namespace}/${name}`, action: "delete", before: svc.spec, note: why });
        commands.push(kubectl(t, t.namespace, "delete", "service", name));
        toDelete.push(name);
        dry.push(dryRun(`deleting ${name}`, () => apis(ctx).core.deleteNamespacedService({ name, namespace: t.namespace, dryRun: "All" })));
        if (svc.spec?.type === "LoadBalancer") {
          warnings.push({
            level: "danger",
            code: "external-ip",
            message: `Deleting ${name} releases its load balancer's external IP; recreating it on release most likely gets a different one.`,
          });
        }
      } else if (selectsNow) {
        blockedBy.push(
          `Service ${name} still selects the pod by ${Object.keys(svc.spec?.selector ?? {}).join(", ")}, labels every healthy replica shares: no selector patch drops this pod alone. Run orphan-pod first (the Service then keeps serving the replacement), or choose delete for ${name}.`,
        );
        changes.push({ target: `Service ${t.namespace}/${name}`, action: "read", note: `${why} Selects the pod.` });
      } else {
        changes.push({
          target: `Service ${t.namespace}/${name}`,
          action: "read",
          field: "spec.selector",
          before: svc.spec?.selector,
          after: svc.spec?.selector,
          note: "no longer selects the pod (its binding labels were removed); nothing to patch.",
        });
      }
    }
    if (found.length === 0) {
      return { changes: [], commands: [], warnings, noop: true, data: { delete: [] } };
    }
    const dryResult = combineDryRuns(await Promise.all(dry));
    return {
      changes,
      commands,
      warnings,
      dryRun: dryResult,
      blocked: blockedBy.length ? blockedBy.join(" ") : undefined,
      noop: !blockedBy.length && toDelete.length === 0 ? true : undefined,
      // Deleting a Service cuts all its traffic and may lose a load balancer's IP: an approver decides.
      raise: toDelete.map((name) => ({
        risk: "destructive" as const,
        reason: `Deletes Service ${name}: all its traffic stops and a load balancer's external IP is lost.`,
      })),
      data: { delete: toDelete },
    };
  },

  async execute(ctx, plan) {
    const t = ctx.incident.targets;
    const prior = ctx.priorRecord()?.deleted ?? [];
    const deleted: V1Service[] = [...prior];
    const done: string[] = [];
    for (const name of plan.data.delete) {
      if (isDefaultKubernetes(t.namespace, name)) continue;
      const svc = await readOrNull(() => apis(ctx).core.readNamespacedService({ name, namespace: t.namespace }));
      if (!svc) continue;
      try {
        await withRetry(() => apis(ctx).core.deleteNamespacedService({ name, namespace: t.namespace }));
      } catch (err) {
        if (!isNotFound(err)) throw kubeFailure(`Deleting Service ${name}`, err);
      }
      deleted.push(svc);
      done.push(name);
    }
    const record = { deleted };
    if (!done.length) return { outcome: "noop", message: "No Service routes to the pod any more; nothing changed.", record };
    return { outcome: "success", message: `Deleted Service${done.length > 1 ? "s" : ""} ${done.join(", ")} (manifests kept for release).`, record };
  },

  async verify(ctx) {
    const pod = await readIncidentPod(ctx);
    if (!pod) return { holds: false, message: podGone(ctx) };
    const t = ctx.incident.targets;
    const list = await withRetry(() => apis(ctx).core.listNamespacedService({ namespace: t.namespace }));
    const selecting = list.items
      .filter((s) => !isDefaultKubernetes(t.namespace, s.metadata?.name))
      .filter((s) => serviceSelectorMatches(s.spec?.selector, pod.metadata?.labels ?? {}))
      .map((s) => s.metadata?.name);
    return selecting.length
      ? { holds: false, message: `Still routing to the pod: ${selecting.join(", ")}.` }
      : { holds: true, message: "No Service routes to the pod." };
  },

  async undo(ctx, record) {
    const t = ctx.incident.targets;
    const deleted = record?.deleted ?? [];
    const recreated: string[] = [];
    for (const svc of deleted) {
      const name = svc.metadata?.name;
      if (!name) continue;
      try {
        await withRetry(() => apis(ctx).core.createNamespacedService({ namespace: t.namespace, body: recreatable(svc) }));
        recreated.push(name);
      } catch (err) {
        if (statusOf(err) === 409) continue; // already back
        throw kubeFailure(`Recreating Service ${name}`, err);
      }
    }
    return recreated.length
      ? {
          outcome: "success",
          message: `Recreated Service${recreated.length > 1 ? "s" : ""} ${recreated.join(", ")} (new cluster IP; a LoadBalancer gets a new external IP unless it was reserved).`,
        }
      : { outcome: "noop", message: "No Service to recreate." };
  },
});
