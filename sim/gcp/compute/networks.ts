import type { GcpJson } from "../state";
import { computeTimestamp, knownRegions, knownZones, mustGet, regionOf, requireRegion, type ComputeCtx, type ComputeRoute } from "./context";
import { listAt, storedItems } from "./listing";

// Networks, subnetworks, and the zone/region catalogue gcloud consults for prompts and
// validation. Read-only: containment never changes the VPC itself, only firewall rules in it.

function getNetwork(ctx: ComputeCtx): GcpJson {
  return structuredClone(mustGet(ctx.world.gcp.networks, ctx.params.network, ctx, `global/networks/${ctx.params.network}`));
}

function listNetworks(ctx: ComputeCtx): GcpJson {
  return listAt(ctx, "compute#networkList", "global/networks", storedItems(ctx.world.gcp.networks));
}

function getSubnetwork(ctx: ComputeCtx): GcpJson {
  const region = requireRegion(ctx);
  return structuredClone(
    mustGet(ctx.world.gcp.subnetworks, `${region}/${ctx.params.subnetwork}`, ctx, `regions/${region}/subnetworks/${ctx.params.subnetwork}`),
  );
}

function listSubnetworks(ctx: ComputeCtx): GcpJson {
  const region = requireRegion(ctx);
  return listAt(ctx, "compute#subnetworkList", `regions/${region}/subnetworks`, storedItems(ctx.world.gcp.subnetworks, region));
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
    zones: knownZones(ctx.world)
      .filter((z) => regionOf(z) === region)
      .map((z) => `${base}/zones/${z}`),
    quotas: [],
    selfLink: `${base}/regions/${region}`,
    supportsPzs: false,
  };
}

/** The list and get doors of a fixed catalogue (zones, regions): a name outside it is a 404. */
function catalogueRoutes(
  collection: "zones" | "regions",
  listKind: string,
  names: (world: ComputeCtx["world"]) => string[],
  json: (ctx: ComputeCtx, name: string) => GcpJson,
): ComputeRoute[] {
  const param = collection.slice(0, -1);
  return [
    {
      method: "GET",
      pattern: collection,
      handler: (c) =>
        listAt(
          c,
          listKind,
          collection,
          names(c.world).map((n) => json(c, n)),
        ),
    },
    {
      method: "GET",
      pattern: `${collection}/:${param}`,
      handler: (c) => {
        const name = c.params[param];
        if (!names(c.world).includes(name)) mustGet(new Map(), "", c, `${collection}/${name}`);
        return json(c, name);
      },
    },
  ];
}

export const networkRoutes: ComputeRoute[] = [
  { method: "GET", pattern: "global/networks", handler: listNetworks },
  { method: "GET", pattern: "global/networks/:network", handler: getNetwork },
  { method: "GET", pattern: "regions/:region/subnetworks", handler: listSubnetworks },
  { method: "GET", pattern: "regions/:region/subnetworks/:subnetwork", handler: getSubnetwork },
  ...catalogueRoutes("zones", "compute#zoneList", knownZones, zoneJson),
  ...catalogueRoutes("regions", "compute#regionList", knownRegions, regionJson),
];
