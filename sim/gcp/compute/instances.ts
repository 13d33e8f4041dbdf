import type { GcpJson } from "../state";
import { firewallAppliesToInstance, parseIpv4 } from "../firewall-eval";
import { knownZones, mustGet, newFingerprint, requireZone, sameFingerprint, NAME_RE, NAME_REGEX_TEXT, type ComputeCtx, type ComputeRoute } from "./context";
import { badRequest, conditionNotMet, invalidField, requiredField } from "./errors";
import { compileFilter, listAt, paginate, sortFor, storedItems } from "./listing";
import { startOperation } from "./operations";
import { testPermissions } from "./iam";

// Instances: the node VMs behind GKE nodes. The containment steps touch their network tags
// (setTags, guarded by the tag fingerprint) and their external IPs (access configs).

function instanceOf(ctx: ComputeCtx): { zone: string; key: string; instance: GcpJson } {
  const zone = requireZone(ctx);
  const key = `${zone}/${ctx.params.instance}`;
  const instance = mustGet(ctx.world.gcp.instances, key, ctx, `zones/${zone}/instances/${ctx.params.instance}`);
  return { zone, key, instance };
}

function nicOf(ctx: ComputeCtx, instance: GcpJson): GcpJson {
  const nicName = ctx.query.get("networkInterface");
  if (!nicName) throw requiredField("networkInterface");
  const nic = (instance.networkInterfaces ?? []).find((n: GcpJson) => n.name === nicName);
  if (!nic) throw invalidField("networkInterface", nicName, "The network interface does not exist on the instance.");
  return nic;
}

function get(ctx: ComputeCtx): GcpJson {
  return structuredClone(instanceOf(ctx).instance);
}

function list(ctx: ComputeCtx): GcpJson {
  const zone = requireZone(ctx);
  return listAt(ctx, "compute#instanceList", `zones/${zone}/instances`, storedItems(ctx.world.gcp.instances, zone));
}

function aggregatedList(ctx: ComputeCtx): GcpJson {
  const pred = compileFilter(ctx.query.get("filter"));
  const matching = sortFor([...ctx.world.gcp.instances.values()].filter(pred), ctx.query.get("orderBy"));
  const page = paginate(matching, ctx.query);
  const items: Record<string, GcpJson> = {};
  // Real answers name every zone, with a warning where it has nothing on this page.
  for (const zone of knownZones(ctx.world)) {
    const scope = `zones/${zone}`;
    const inZone = page.items.filter((i) => i.zone.endsWith(`/${scope}`)).map((i) => structuredClone(i));
    items[scope] = inZone.length
      ? { instances: inZone }
      : { warning: { code: "NO_RESULTS_ON_PAGE", message: `There are no results for scope '${scope}' on this page.`, data: [{ key: "scope", value: scope }] } };
  }
  return {
    kind: "compute#instanceAggregatedList",
    id: `projects/${ctx.project}/aggregated/instances`,
    items,
    ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    selfLink: `${ctx.world.gcp.computeBase()}/aggregated/instances`,
  };
}

function setTags(ctx: ComputeCtx): GcpJson {
  const { zone, instance } = instanceOf(ctx);
  const body = ctx.body ?? {};
  // Tags are a read-modify-write of the whole list; the fingerprint is what stops two
  // responders from overwriting each other's tags (ERRATA 12).
  if (!sameFingerprint(body.fingerprint, instance.tags?.fingerprint)) throw conditionNotMet();
  const items = body.items ?? [];
  if (!Array.isArray(items)) throw invalidField("tags.items", items, "Must be a list of strings.");
  if (items.length > 64) throw invalidField("tags.items", items.length, "An instance can have at most 64 tags.");
  items.forEach((t: unknown, i: number) => {
    if (typeof t !== "string" || !NAME_RE.test(t)) throw invalidField(`tags.items[${i}]`, t, `Must be a match of regex '${NAME_REGEX_TEXT}'`);
  });
  const unique = [...new Set(items as string[])];
  instance.tags = { ...(unique.length ? { items: unique } : {}), fingerprint: newFingerprint(ctx.world) };
  instance.fingerprint = newFingerprint(ctx.world);
  return startOperation(ctx.world, { scope: { zone }, operationType: "setTags", targetLink: instance.selfLink, targetId: instance.id });
}

function deleteAccessConfig(ctx: ComputeCtx): GcpJson {
  const { zone, instance } = instanceOf(ctx);
  const name = ctx.query.get("accessConfig");
  if (!name) throw requiredField("accessConfig");
  const nic = nicOf(ctx, instance);
  const configs: GcpJson[] = nic.accessConfigs ?? [];
  if (!configs.some((a) => a.name === name)) throw invalidField("accessConfig", name, "The access config does not exist on the network interface.");
  const rest = configs.filter((a) => a.name !== name);
  if (rest.length) nic.accessConfigs = rest;
  else delete nic.accessConfigs;
  nic.fingerprint = newFingerprint(ctx.world);
  instance.fingerprint = newFingerprint(ctx.world);
  return startOperation(ctx.world, { scope: { zone }, operationType: "deleteAccessConfig", targetLink: instance.selfLink, targetId: instance.id });
}

function addAccessConfig(ctx: ComputeCtx): GcpJson {
  const { zone, instance } = instanceOf(ctx);
  const nic = nicOf(ctx, instance);
  const body = ctx.body ?? {};
  const type = body.type ?? "ONE_TO_ONE_NAT";
  if (type !== "ONE_TO_ONE_NAT") throw invalidField("resource.type", type, "Only ONE_TO_ONE_NAT is supported.");
  if ((nic.accessConfigs ?? []).length >= 1) throw badRequest("At most one access config currently supported.");
  let natIP: string;
  if (body.natIP) {
    if (parseIpv4(body.natIP) === undefined) throw invalidField("resource.natIP", body.natIP, "Must be a valid IPv4 address.");
    if (externalIpsInUse(ctx).has(body.natIP)) throw invalidField("resource.natIP", body.natIP, "The specified external IP address is already in use.");
    natIP = body.natIP;
  } else {
    natIP = allocateExternalIp(ctx);
  }
  nic.accessConfigs = [
    {
      kind: "compute#accessConfig",
      type,
      name: body.name ?? "External NAT",
      natIP,
      networkTier: body.networkTier ?? "PREMIUM",
      ...(body.setPublicPtr !== undefined ? { setPublicPtr: body.setPublicPtr } : {}),
    },
  ];
  nic.fingerprint = newFingerprint(ctx.world);
  instance.fingerprint = newFingerprint(ctx.world);
  return startOperation(ctx.world, { scope: { zone }, operationType: "addAccessConfig", targetLink: instance.selfLink, targetId: instance.id });
}

function externalIpsInUse(ctx: ComputeCtx): Set<string> {
  const used = new Set<string>();
  for (const i of ctx.world.gcp.instances.values())
    for (const nic of i.networkInterfaces ?? []) for (const a of nic.accessConfigs ?? []) if (a.natIP) used.add(a.natIP);
  return used;
}

// A restored external IP is almost never the old one (ERRATA 13): draw a fresh address.
function allocateExternalIp(ctx: ComputeCtx): string {
  const used = externalIpsInUse(ctx);
  for (;;) {
    const ip = `34.${64 + ctx.world.random.int(64)}.${ctx.world.random.int(256)}.${1 + ctx.world.random.int(254)}`;
    if (!used.has(ip)) return ip;
  }
}

function getEffectiveFirewalls(ctx: ComputeCtx): GcpJson {
  const { instance } = instanceOf(ctx);
  const nic = nicOf(ctx, instance);
  const view = { ...instance, networkInterfaces: [nic] };
  const firewalls = [...ctx.world.gcp.firewalls.values()]
    .filter((fw) => firewallAppliesToInstance(fw, view))
    .sort((a, b) => (a.priority ?? 1000) - (b.priority ?? 1000) || String(a.name).localeCompare(String(b.name)))
    .map((fw) => structuredClone(fw));
  return { firewalls };
}

function testIamPermissions(ctx: ComputeCtx): GcpJson {
  instanceOf(ctx);
  return testPermissions(ctx);
}

export const instanceRoutes: ComputeRoute[] = [
  { method: "GET", pattern: "aggregated/instances", handler: aggregatedList },
  { method: "GET", pattern: "zones/:zone/instances", handler: list },
  { method: "GET", pattern: "zones/:zone/instances/:instance", handler: get },
  { method: "POST", pattern: "zones/:zone/instances/:instance/setTags", handler: setTags },
  { method: "POST", pattern: "zones/:zone/instances/:instance/deleteAccessConfig", handler: deleteAccessConfig },
  { method: "POST", pattern: "zones/:zone/instances/:instance/addAccessConfig", handler: addAccessConfig },
  { method: "GET", pattern: "zones/:zone/instances/:instance/getEffectiveFirewalls", handler: getEffectiveFirewalls },
  { method: "POST", pattern: "zones/:zone/instances/:instance/testIamPermissions", handler: testIamPermissions },
];
