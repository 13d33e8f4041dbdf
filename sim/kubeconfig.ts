import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import type { World } from "./world";

// One context per cluster, named as `gcloud container clusters get-credentials` names them,
// each pointing at that cluster's path on the simulator's listener.
function renderKubeconfig(world: World, port: number): string {
  const clusters = [...world.clusters.values()];
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    "current-context": clusters[0]?.contextName() ?? "",
    clusters: clusters.map((c) => ({
      name: c.contextName(),
      // Plain HTTP on loopback: client-node refuses http:// servers unless TLS checking is off.
      cluster: { server: `http://127.0.0.1:${port}/clusters/${c.name}`, "insecure-skip-tls-verify": true },
    })),
    users: clusters.map((c) => ({ name: c.contextName(), user: { token: "airlock-sim-token" } })),
    contexts: clusters.map((c) => ({
      name: c.contextName(),
      context: { cluster: c.contextName(), user: c.contextName(), namespace: "default" },
    })),
  };
  return YAML.stringify(doc);
}

export function writeKubeconfig(world: World, port: number, file: string): string {
  const absolute = path.resolve(file);
  fs.mkdirSync(path.dirname(absolute), { recursive: true });
  fs.writeFileSync(absolute, renderKubeconfig(world, port), { mode: 0o600 });
  return absolute;
}
