import { createHash } from "node:crypto";
import { RESOURCE_TYPES, groupVersions, type ResourceType } from "../resources";
import type { SimCluster } from "../cluster";

// Legacy discovery (/api, /apis, /api/v1, /apis/<group>/<version>) built from RESOURCE_TYPES.
// Aggregated discovery is not offered: clients that ask for it get plain application/json and
// fall back, as they do against any older API server.

function storageVersionHash(t: ResourceType): string {
  return createHash("sha256").update(`${t.group}/${t.version}/${t.kind}`).digest("base64").slice(0, 11);
}

function resourceEntries(group: string, version: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const t of RESOURCE_TYPES) {
    if (t.group !== group || t.version !== version) continue;
    out.push({
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
      storageVersionHash: storageVersionHash(t),
    });
    for (const s of t.subresources ?? []) {
      out.push({
        name: `${t.resource}/${s.name}`,
        singularName: "",
        namespaced: t.namespaced,
        ...(s.group !== undefined ? { group: s.group } : {}),
        ...(s.version !== undefined ? { version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return out;
}

export function apiVersions(): Record<string, unknown> {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "10.128.0.2:443" }],
  };
}

function groupEntry(group: string): Record<string, unknown> {
  const versions = groupVersions()
    .filter((gv) => gv.group === group)
    .map((gv) => ({ groupVersion: `${group}/${gv.version}`, version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(): Record<string, unknown> {
  const groups = [...new Set(groupVersions().map((gv) => gv.group))].filter((g) => g !== "");
  return { kind: "APIGroupList", apiVersion: "v1", groups: groups.map(groupEntry) };
}

export function apiGroup(group: string): Record<string, unknown> | undefined {
  if (!groupVersions().some((gv) => gv.group === group)) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...groupEntry(group) };
}

export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  if (!groupVersions().some((gv) => gv.group === group && gv.version === version)) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources: resourceEntries(group, version),
  };
}

/** /version, from the cluster's GKE version ("1.32.4-gke.1106000"). */
export function versionInfo(cluster: SimCluster): Record<string, unknown> {
  const v = cluster.kubernetesVersion.replace(/^v/, "");
  const [major, minor] = v.split(".");
  return {
    major,
    minor,
    gitVersion: `v${v}`,
    gitCommit: createHash("sha1").update(v).digest("hex"),
    gitTreeState: "clean",
    buildDate: "2025-04-22T09:30:21Z",
    goVersion: "go1.23.6 X:boringcrypto",
    compiler: "gc",
    platform: "linux/amd64",
  };
}
