// How `npm run demo` wires the simulator's detectors to the console (README "Alerts"): the
// simulator's environment says where to post and with which secret and audience; the
// console's says what to accept. Two variables already set in the environment win:
// ALERT_INGEST_SECRET (demo.ts passes it as `secret`) and ALERT_FALCO_CLUSTERS; the others are
// always set here, over the environment.
import fs from "node:fs";
import YAML from "yaml";

export const DEMO_PUSH_SERVICE_ACCOUNT = "scc-notifications@airlock-demo.iam.gserviceaccount.com";

/** GKE names nodes gke-<cluster>-<pool>-…: each kubeconfig context's nodes map back to it. */
export function falcoClustersFromKubeconfig(kubeconfigText: string): Record<string, string> {
  const doc = YAML.parse(kubeconfigText) as { contexts?: { name: string }[] };
  const out: Record<string, string> = {};
  for (const { name } of doc.contexts ?? []) {
    const m = /^gke_[^_]+_[^_]+_([a-z0-9-]+)$/.exec(name);
    if (m) out[`gke-${m[1]}-*`] = name;
  }
  return out;
}

export function demoAlertWiring(opts: { consoleOrigin: string; secret: string }) {
  const falcoUrl = `${opts.consoleOrigin}/api/v1/alerts/falco`;
  const sccUrl = `${opts.consoleOrigin}/api/v1/alerts/scc`;
  return {
    simEnv: {
      SIM_ALERT_FALCO_URL: falcoUrl,
      SIM_ALERT_FALCO_SECRET: opts.secret,
      SIM_ALERT_SCC_URL: sccUrl,
      SIM_ALERT_SCC_AUDIENCE: sccUrl,
      SIM_ALERT_SCC_SERVICE_ACCOUNT: DEMO_PUSH_SERVICE_ACCOUNT,
    },
    consoleEnv(kubeconfig: string, oidcCertsUrl: string, env: NodeJS.ProcessEnv): Record<string, string> {
      return {
        ALERT_INGEST_SECRET: opts.secret,
        ALERT_FALCO_CLUSTERS: env.ALERT_FALCO_CLUSTERS ?? JSON.stringify(falcoClustersFromKubeconfig(fs.readFileSync(kubeconfig, "utf8"))),
        ALERT_SCC_AUDIENCE: sccUrl,
        ALERT_SCC_SERVICE_ACCOUNT: DEMO_PUSH_SERVICE_ACCOUNT,
        ALERT_SCC_CERTS_URL: oidcCertsUrl,
      };
    },
  };
}
