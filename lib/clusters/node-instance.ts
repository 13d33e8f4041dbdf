import "server-only";
import { computeClients } from "@/lib/gcp/clients";
import { gcpError } from "@/lib/gcp/errors";
import { withRetry } from "@/lib/kube/retry";
import { withTimeout } from "@/lib/kube/timeout";

export type InstanceRef = { project: string; zone: string; name: string };

/** `gce://<project>/<zone>/<instance>` → the VM behind a GKE node; null for anything else. */
export function parseProviderId(providerID: string | undefined | null): InstanceRef | null {
  const m = /^gce:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(providerID ?? "");
  return m ? { project: m[1], zone: m[2], name: m[3] } : null;
}

export type AccessConfig = { name: string | null; type: string | null; natIP: string | null; networkTier: string | null };

export type InstanceFacts = {
  ref: InstanceRef;
  status: string | null;
  tags: string[];
  tagsFingerprint: string | null;
  machineType: string | null;
  networkInterfaces: { name: string | null; network: string | null; networkIP: string | null; accessConfigs: AccessConfig[] }[];
};

const lastSegment = (url: string | null | undefined) => (url ? url.slice(url.lastIndexOf("/") + 1) : null);

/** The VM's facts, or a readable error: a node page must still render when Compute says no. */
export async function getInstanceFacts(ref: InstanceRef): Promise<{ ok: true; instance: InstanceFacts } | { ok: false; error: string }> {
  try {
    const [vm] = await withTimeout(
      withRetry(() => computeClients().instances.get({ project: ref.project, zone: ref.zone, instance: ref.name })),
      10_000,
      "The Compute Engine API",
    );
    return {
      ok: true,
      instance: {
        ref,
        status: vm.status ?? null,
        tags: vm.tags?.items ?? [],
        tagsFingerprint: vm.tags?.fingerprint ?? null,
        machineType: lastSegment(vm.machineType),
        networkInterfaces: (vm.networkInterfaces ?? []).map((ni) => ({
          name: ni.name ?? null,
          network: lastSegment(ni.network),
          networkIP: ni.networkIP ?? null,
          accessConfigs: (ni.accessConfigs ?? []).map((ac) => ({
            name: ac.name ?? null,
            type: ac.type ?? null,
            natIP: ac.natIP ?? null,
            networkTier: ac.networkTier ?? null,
          })),
        })),
      },
    };
  } catch (err) {
    return { ok: false, error: gcpError(err).message };
  }
}
