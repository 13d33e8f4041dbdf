// The simulator a figure runs the console against, with the console's configuration pointed at it
// as `npm run demo` does, and the simulator's request log, which counts the writes that reached
// the cluster or the cloud (dry runs excluded).
import { resetConfigForTests } from "@/lib/config";
import { resetGcpClientsForTests } from "@/lib/gcp/clients";
import { resetKubeClientsForTests } from "@/lib/kube/clients";
import { startSimProcess, type SimProcess } from "@/sim/test/harness";

export const DEMO_CLUSTER = "gke_acme-prod_us-central1-a_payments";

/** Starts the simulator (demo scenario, more `args` such as --seed) and points the console's clients at it. */
export async function startConsoleSim(args: string[] = []): Promise<SimProcess> {
  const sim = await startSimProcess(["--scenario", "demo", ...args]);
  Object.assign(process.env, {
    KUBECONFIG: sim.ready.kubeconfig,
    GOOGLE_COMPUTE_ENDPOINT: sim.ready.computeEndpoint,
    GOOGLE_CONTAINER_ENDPOINT: sim.ready.containerEndpoint,
    GOOGLE_IAM_ENDPOINT: sim.ready.iamEndpoint,
    GCP_PROJECTS: sim.ready.project,
  });
  resetConfigForTests();
  resetKubeClientsForTests();
  resetGcpClientsForTests();
  return sim;
}

export async function simJson(sim: SimProcess, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.base}${path}`);
  return (await res.json()) as Record<string, unknown>;
}

/** The request log's position now: pass it to simWritesSince. */
export async function simLogPosition(sim: SimProcess): Promise<number> {
  return ((await simJson(sim, "/_sim/requests")) as { last: number }).last;
}

/** The writes (not dry runs) the simulator served since a log position, as "METHOD path". */
export async function simWritesSince(sim: SimProcess, since: number): Promise<string[]> {
  const { items } = (await simJson(sim, `/_sim/requests?since=${since}&writes=true`)) as { items: { method: string; path: string }[] };
  return items.map((r) => `${r.method} ${r.path}`);
}
