import type { World } from "../../world";
import type { GcpJson } from "../state";
import { knownZones, mustGet, requireZone, type ComputeCtx, type ComputeRoute } from "./context";
import { invalidField, requiredField } from "./errors";
import { listAt, storedItems } from "./listing";
import { startOperation } from "./operations";

// Instance templates and zonal managed instance groups: what GKE builds a node pool from.
// Auto-repair and the cluster autoscaler act through the group, so an instance abandoned
// from it (instanceGroupManagers.abandonInstances, what google/cloud-forensics-utils does to
// keep a compromised node) is left alone by both. Membership lives in GcpState.migMembers.

function groupOf(ctx: ComputeCtx): { zone: string; key: string; mig: GcpJson } {
  const zone = requireZone(ctx);
  const key = `${zone}/${ctx.params.igm}`;
  const mig = mustGet(ctx.world.gcp.instanceGroupManagers, key, ctx, `zones/${zone}/instanceGroupManagers/${ctx.params.igm}`);
  return { zone, key, mig };
}

/** The managed-instance view of one member, as listManagedInstances answers it. */
function managedInstance(world: World, zone: string, mig: GcpJson, name: string): GcpJson {
  const instance = world.gcp.instances.get(`${zone}/${name}`);
  const url = `${world.gcp.computeBase()}/zones/${zone}/instances/${name}`;
  if (!instance) {
    // A member whose VM is gone is being created again by the group.
    return { instance: url, name, currentAction: "CREATING", version: { instanceTemplate: mig.instanceTemplate } };
  }
  return {
    instance: url,
    id: instance.id,
    name,
    instanceStatus: instance.status,
    currentAction: "NONE",
    version: { instanceTemplate: mig.instanceTemplate },
    lastAttempt: {},
  };
}

function listManagedInstances(ctx: ComputeCtx): GcpJson {
  const { zone, key, mig } = groupOf(ctx);
  const names = [...(ctx.world.gcp.migMembers.get(key) ?? [])].sort();
  return { managedInstances: names.map((n) => managedInstance(ctx.world, zone, mig, n)) };
}

/** "…/zones/z/instances/n", "zones/z/instances/n" or "projects/p/zones/z/instances/n" → n, in the group's zone. */
function memberName(zone: string, ref: unknown, field: string): string {
  const m = typeof ref === "string" ? /(?:^|\/)zones\/([^/]+)\/instances\/([^/]+)$/.exec(ref) : null;
  if (!m) throw invalidField(field, ref, "Must be an instance URL or a partial URL zones/ZONE/instances/NAME.");
  if (m[1] !== zone) throw invalidField(field, ref, `The instance must be in zone ${zone}, the zone of the managed instance group.`);
  return m[2];
}

function abandonInstances(ctx: ComputeCtx): GcpJson {
  const { zone, key, mig } = groupOf(ctx);
  const refs = ctx.body?.instances;
  if (!Array.isArray(refs) || !refs.length) throw requiredField("instanceGroupManagers.abandonInstances.instances");
  const members = ctx.world.gcp.migMembers.get(key) ?? new Set<string>();
  const names = refs.map((r, i) => memberName(zone, r, `instanceGroupManagers.abandonInstances.instances[${i}]`));
  names.forEach((n, i) => {
    if (!members.has(n))
      throw invalidField(
        `instanceGroupManagers.abandonInstances.instances[${i}]`,
        refs[i],
        `The instance is not a member of the managed instance group ${mig.name}.`,
      );
  });
  // The VM keeps running outside the group; the group shrinks instead of replacing it.
  for (const n of names) members.delete(n);
  mig.targetSize = Math.max(0, (mig.targetSize ?? 0) - names.length);
  mig.currentActions.none = members.size;
  return startOperation(ctx.world, {
    scope: { zone },
    operationType: "compute.instanceGroupManagers.abandonInstances",
    targetLink: mig.selfLink,
    targetId: mig.id,
  });
}

function aggregatedTemplates(ctx: ComputeCtx): GcpJson {
  const templates = storedItems(ctx.world.gcp.instanceTemplates);
  return {
    kind: "compute#instanceTemplateAggregatedList",
    id: `projects/${ctx.project}/aggregated/instanceTemplates`,
    items: {
      global: templates.length
        ? { instanceTemplates: templates }
        : {
            warning: {
              code: "NO_RESULTS_ON_PAGE",
              message: "There are no results for scope 'global' on this page.",
              data: [{ key: "scope", value: "global" }],
            },
          },
    },
    selfLink: `${ctx.world.gcp.computeBase()}/aggregated/instanceTemplates`,
  };
}

function aggregatedGroups(ctx: ComputeCtx): GcpJson {
  const items: Record<string, GcpJson> = {};
  // As for instances: every zone is named, with a warning where it has no group.
  for (const zone of knownZones(ctx.world)) {
    const scope = `zones/${zone}`;
    const groups = storedItems(ctx.world.gcp.instanceGroupManagers, zone);
    items[scope] = groups.length
      ? { instanceGroupManagers: groups }
      : { warning: { code: "NO_RESULTS_ON_PAGE", message: `There are no results for scope '${scope}' on this page.`, data: [{ key: "scope", value: scope }] } };
  }
  return {
    kind: "compute#instanceGroupManagerAggregatedList",
    id: `projects/${ctx.project}/aggregated/instanceGroupManagers`,
    items,
    selfLink: `${ctx.world.gcp.computeBase()}/aggregated/instanceGroupManagers`,
  };
}

/** The (unmanaged view of the) instance group a manager keeps: what `managed list` reads sizes from. */
function instanceGroupOf(ctx: ComputeCtx, key: string, mig: GcpJson): GcpJson {
  const zone = key.split("/")[0];
  const base = ctx.world.gcp.computeBase();
  return {
    kind: "compute#instanceGroup",
    id: mig.id,
    creationTimestamp: mig.creationTimestamp,
    name: mig.name,
    zone: `${base}/zones/${zone}`,
    network: `${base}/global/networks/default`,
    subnetwork: `${base}/regions/${zone.replace(/-[a-z]$/, "")}/subnetworks/default`,
    fingerprint: mig.fingerprint,
    size: ctx.world.gcp.migMembers.get(key)?.size ?? 0,
    selfLink: mig.instanceGroup,
  };
}

export const groupRoutes: ComputeRoute[] = [
  {
    method: "GET",
    pattern: "zones/:zone/instanceGroups",
    handler: (c) => {
      const zone = requireZone(c);
      const groups = [...c.world.gcp.instanceGroupManagers.entries()].filter(([k]) => k.startsWith(`${zone}/`)).map(([k, mig]) => instanceGroupOf(c, k, mig));
      return listAt(c, "compute#instanceGroupList", `zones/${zone}/instanceGroups`, groups);
    },
  },
  {
    method: "GET",
    pattern: "zones/:zone/instanceGroups/:igm",
    handler: (c) => {
      const g = groupOf(c);
      return instanceGroupOf(c, g.key, g.mig);
    },
  },
  { method: "GET", pattern: "aggregated/instanceGroupManagers", handler: aggregatedGroups },
  { method: "GET", pattern: "aggregated/instanceTemplates", handler: aggregatedTemplates },
  {
    method: "GET",
    pattern: "global/instanceTemplates",
    handler: (c) => listAt(c, "compute#instanceTemplateList", "global/instanceTemplates", storedItems(c.world.gcp.instanceTemplates)),
  },
  {
    method: "GET",
    pattern: "global/instanceTemplates/:template",
    handler: (c) => structuredClone(mustGet(c.world.gcp.instanceTemplates, c.params.template, c, `global/instanceTemplates/${c.params.template}`)),
  },
  {
    method: "GET",
    pattern: "zones/:zone/instanceGroupManagers",
    handler: (c) =>
      listAt(
        c,
        "compute#instanceGroupManagerList",
        `zones/${requireZone(c)}/instanceGroupManagers`,
        storedItems(c.world.gcp.instanceGroupManagers, requireZone(c)),
      ),
  },
  { method: "GET", pattern: "zones/:zone/instanceGroupManagers/:igm", handler: (c) => structuredClone(groupOf(c).mig) },
  { method: "POST", pattern: "zones/:zone/instanceGroupManagers/:igm/listManagedInstances", handler: listManagedInstances },
  { method: "POST", pattern: "zones/:zone/instanceGroupManagers/:igm/abandonInstances", handler: abandonInstances },
  // GKE's cluster autoscaler is not a Compute autoscaler: node pool groups never have one.
  { method: "GET", pattern: "zones/:zone/autoscalers", handler: (c) => listAt(c, "compute#autoscalerList", `zones/${requireZone(c)}/autoscalers`, []) },
];

/** Whether `instanceName` in `zone` is still managed by some group (not abandoned), and which. */
export function managingGroup(world: World, zone: string, instanceName: string): string | undefined {
  for (const [key, members] of world.gcp.migMembers) if (key.startsWith(`${zone}/`) && members.has(instanceName)) return key;
  return undefined;
}
