import type { GcpJson } from "../state";
import { computeTimestamp, knownRegions, knownZones, mustGet, regionOf, requireRegion, type ComputeCtx, type ComputeRoute } from "./context";
import { listEnvelope } from "./listing";

// Networks, subnetworks, and the zone/region catalogue gcloud consults for prompts and
// validation. Read-only: containment never changes the VPC itself, only firewall rules in it.

function getNetwork(ctx: ComputeCtx): GcpJson {
  return structuredClone(mustGet(ctx.world.gcp.networks, ctx.params.network, ctx, `global/networks/${ctx.params.network}`));
}

function listNetworks(ctx: ComputeCtx): GcpJson {
  const items = [...ctx.world.gcp.networks.values()].map((n) => structuredClone(n));
  return listEnvelope("compute#networkList", `projects/${ctx.project}/global/networks`, `${ctx.world.gcp.computeBase()}/global/networks`, items, ctx.query);
}

function getSubnetwork(ctx: ComputeCtx): GcpJson {
  const region = requireRegion(ctx);
  return structuredClone(mustGet(ctx.world.gcp.subnetworks, `${region}/${ctx.params.subnetwork}`, ctx, `regions/${region}/subnetworks/${ctx.params.subnetwork}`));
}

function listSubnetworks(ctx: ComputeCtx): GcpJson {
  const region = requireRegion(ctx);
  const items = [...ctx.world.gcp.subnetworks.entries()].filter(([k]) => k.startsWith(`${region}/`)).map(([, v]) => structuredClone(v));
  return listEnvelope("compute#subnetworkList", `projects/${ctx.project}/regions/${region}/subnetworks`, `${ctx.world.gcp.computeBase()}/regions/${region}/subnetworks`, items, ctx.query);
}

function zoneJson(ctx: ComputeCtx, zone: string): GcpJson {
  const base = ctx.world.gcp.computeBase();
  return {
    kind: "compute#zone",
    id: String(2000 + knownZones(ctx.world).indexOf(zone)),
    creationTimestamp: computeTimestamp(Date.UTC(2014, 4, 30, 18, 35, 16)),
    name: zone,
    description: zone,
    status: "UP",
    region: `${base}/regions/${regionOf(zone)}`,
    selfLink: `${base}/zones/${zone}`,
    availableCpuPlatforms: ["AMD Rome", "Intel Cascade Lake", "Intel Broadwell"],
    supportsPzs: false,
  };
}

function regionJson(ctx: ComputeCtx, region: string): GcpJson {
  const base = ctx.world.gcp.computeBase();
  return {
    kind: "compute#region",
    id: String(1000 + knownRegions(ctx.world).indexOf(region)),
    creationTimestamp: computeTimestamp(Date.UTC(2014, 4, 30, 18, 35, 16)),
    name: region,
    description: region,
    status: "UP",
    zones: knownZones(ctx.world).filter((z) => regionOf(z) === region).map((z) => `${base}/zones/${z}`),
    quotas: [],
    selfLink: `${base}/regions/${region}`,
    supportsPzs: false,
  };
}

export const networkRoutes: ComputeRoute[] = [
  { method: "GET", pattern: "global/networks", handler: listNetworks },
  { method: "GET", pattern: "global/networks/:network", handler: getNetwork },
  { method: "GET", pattern: "regions/:region/subnetworks", handler: listSubnetworks },
  { method: "GET", pattern: "regions/:region/subnetworks/:subnetwork", handler: getSubnetwork },
  {
    method: "GET",
    pattern: "zones",
    handler: (c) => listEnvelope("compute#zoneList", `projects/${c.project}/zones`, `${c.world.gcp.computeBase()}/zones`, knownZones(c.world).map((z) => zoneJson(c, z)), c.query),
  },
  {
    method: "GET",
    pattern: "zones/:zone",
    handler: (c) => {
      if (!knownZones(c.world).includes(c.params.zone)) mustGet(new Map(), "", c, `zones/${c.params.zone}`);
      return zoneJson(c, c.params.zone);
    },
  },
  {
    method: "GET",
    pattern: "regions",
    handler: (c) => listEnvelope("compute#regionList", `projects/${c.project}/regions`, `${c.world.gcp.computeBase()}/regions`, knownRegions(c.world).map((r) => regionJson(c, r)), c.query),
  },
  {
    method: "GET",
    pattern: "regions/:region",
    handler: (c) => {
      if (!knownRegions(c.world).includes(c.params.region)) mustGet(new Map(), "", c, `regions/${c.params.region}`);
      return regionJson(c, c.params.region);
    },
  },
];
