import "server-only";
import { VersionApi } from "@kubernetes/client-node";
import { sh } from "@/lib/containment/steps/support/commands";
import { HttpError } from "@/lib/http/errors";
import { kubeApis, kubeContexts } from "@/lib/kube/clients";
import { kubeError } from "@/lib/kube/errors";
import { withRetry } from "@/lib/kube/retry";
import { withTimeout } from "@/lib/kube/timeout";
import { burstCached } from "./burst-cache";
import { gkeContextName, parseGkeContextName } from "./context-name";
import { countFromLimitOne } from "./counts";
import { datapathOf, networkPolicyEnforcement } from "./enforcement";
import { discoverGkeClusters, type GkeCluster } from "./gke-discovery";
import type { ClusterInventory, ClusterSource, ClusterSummary } from "./types";

const TTL_MS = 5_000;
const CLUSTER_CALL_TIMEOUT_MS = 8_000;

type Known = {
  id: string;
  name: string;
  project: string | null;
  location: string | null;
  source: ClusterSource;
  gke: GkeCluster | null;
};

type Discovery = { known: Known[]; problems: ClusterInventory["problems"] };

/** Kubeconfig contexts joined to GKE descriptions by the get-credentials context name. */
async function discover(): Promise<Discovery> {
  return burstCached("discover", TTL_MS, async () => {
    let contexts: ReturnType<typeof kubeContexts> = [];
    const problems: ClusterInventory["problems"] = [];
    try {
      contexts = kubeContexts();
    } catch {
      problems.push({ project: "", message: "The kubeconfig could not be read (check KUBECONFIG, or in-cluster service account)." });
    }
    const gke = await discoverGkeClusters();
    problems.push(...gke.problems);
    const byId = new Map<string, Known>();
    for (const ctx of contexts) {
      const parsed = parseGkeContextName(ctx.name);
      byId.set(ctx.name, {
        id: ctx.name,
        name: parsed?.cluster ?? ctx.name,
        project: parsed?.project ?? null,
        location: parsed?.location ?? null,
        source: "kubeconfig",
        gke: null,
      });
    }
    for (const { project, cluster } of gke.clusters) {
      if (!cluster.name || !cluster.location) continue;
      const id = gkeContextName(project, cluster.location, cluster.name);
      const existing = byId.get(id);
      if (existing) {
        existing.source = "both";
        existing.gke = cluster;
      } else {
        byId.set(id, { id, name: cluster.name, project, location: cluster.location, source: "gke", gke: cluster });
      }
    }
    const known = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
    return { known, problems };
  });
}

function autoRepairOf(gke: GkeCluster): boolean | null {
  if (gke.autopilot?.enabled) return true;
  const pools = gke.nodePools ?? [];
  if (pools.length === 0) return null;
  return pools.every((p) => p.management?.autoRepair === true);
}

type Live = { reachable: boolean; nodeCount: number | null; podCount: number | null; version: string | null; error?: string };

async function probe(id: string, needVersion: boolean): Promise<Live> {
  try {
    const { core, kc } = kubeApis(id);
    const call = <T>(fn: () => Promise<T>) => withTimeout(withRetry(fn, { attempts: 2 }), CLUSTER_CALL_TIMEOUT_MS);
    // limit=1 with remainingItemCount: a count without moving 150,000 pods over the wire.
    const [nodes, pods, version] = await Promise.all([
      call(() => core.listNode({ limit: 1 })),
      call(() => core.listPodForAllNamespaces({ limit: 1 })),
      needVersion ? call(() => kc.makeApiClient(VersionApi).getCode()).catch(() => null) : Promise.resolve(null),
    ]);
    return {
      reachable: true,
      nodeCount: countFromLimitOne(nodes),
      podCount: countFromLimitOne(pods),
      version: version?.gitVersion ?? null,
    };
  } catch (err) {
    return { reachable: false, nodeCount: null, podCount: null, version: null, error: kubeError(err).message };
  }
}

async function describe(k: Known): Promise<ClusterSummary> {
  return burstCached(`cluster:${k.id}`, TTL_MS, async () => {
    const gke = k.gke;
    const live: Live =
      k.source === "gke"
        ? {
            reachable: false,
            nodeCount: null,
            podCount: null,
            version: null,
            error: `No kubeconfig context for this cluster: run \`${sh("gcloud", "container", "clusters", "get-credentials", k.name, "--location", k.location ?? "", "--project", k.project ?? "")}\` into Airlock's KUBECONFIG.`,
          }
        : await probe(k.id, !gke?.currentMasterVersion);
    return {
      id: k.id,
      name: k.name,
      project: k.project,
      location: k.location,
      source: k.source,
      kubernetesVersion: gke?.currentMasterVersion || live.version,
      autopilot: gke ? gke.autopilot?.enabled === true : null,
      datapath: gke ? datapathOf(gke) : null,
      networkPolicy: networkPolicyEnforcement(gke),
      autoRepair: gke ? autoRepairOf(gke) : null,
      nodeCount: live.nodeCount ?? gke?.currentNodeCount ?? null,
      podCount: live.podCount,
      reachable: live.reachable,
      ...(live.error ? { error: live.error } : {}),
    };
  });
}

/** Every cluster Airlock knows, with discovery problems that belong to no single cluster. */
export async function clusterInventory(): Promise<ClusterInventory> {
  const { known, problems } = await discover();
  const items = await Promise.all(known.map(describe));
  return { items, problems };
}

/** Every kubeconfig context plus every GKE cluster in GCP_PROJECTS, with their facts. */
export async function listClusters(): Promise<ClusterSummary[]> {
  return (await clusterInventory()).items;
}

/** One cluster by id (kubeconfig context name); 404 HttpError when Airlock does not know it. */
export async function getCluster(id: string): Promise<ClusterSummary> {
  const { known } = await discover();
  const k = known.find((c) => c.id === id);
  if (!k) throw new HttpError(404, `No cluster "${id}": it is neither a kubeconfig context nor a GKE cluster in GCP_PROJECTS.`);
  return describe(k);
}
