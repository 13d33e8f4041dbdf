import "server-only";
import type { protos } from "@google-cloud/container";
import { config } from "@/lib/config";
import { containerClient } from "@/lib/gcp/clients";
import { gcpError } from "@/lib/gcp/errors";
import { withRetry } from "@/lib/kube/retry";
import { withTimeout } from "@/lib/kube/timeout";

export type GkeCluster = protos.google.container.v1.ICluster;

export type GkeDiscovery = {
  clusters: { project: string; cluster: GkeCluster }[];
  problems: { project: string; message: string }[];
};

/** Every GKE cluster in the configured projects (location `-`: all zones and regions at once). */
export async function discoverGkeClusters(): Promise<GkeDiscovery> {
  const projects = config().gcpProjects;
  const out: GkeDiscovery = { clusters: [], problems: [] };
  await Promise.all(
    projects.map(async (project) => {
      try {
        const [resp] = await withTimeout(
          withRetry(() => containerClient().listClusters({ parent: `projects/${project}/locations/-` })),
          15_000,
          "The GKE API",
        );
        for (const cluster of resp.clusters ?? []) out.clusters.push({ project, cluster });
        // A partial answer names the zones GKE could not reach; say so rather than hide clusters.
        if (resp.missingZones?.length) {
          out.problems.push({ project, message: `GKE could not list clusters in ${resp.missingZones.join(", ")}.` });
        }
      } catch (err) {
        out.problems.push({ project, message: gcpError(err).message });
      }
    }),
  );
  return out;
}
