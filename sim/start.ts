import type { AddressInfo } from "node:net";
import type http from "node:http";
import type { World, SimOptions } from "./world";
import { buildWorld } from "./scenarios/populate";
import { createSimServer } from "./server";
import { writeKubeconfig } from "./kubeconfig";
import { evidenceBucketName } from "./gcp/storage/buckets";
import { alertTargetsFromEnv, sendAttackAlerts, setAlertTargets } from "./alerts/sender";

export interface ReadyLine {
  event: "ready";
  port: number;
  kubeconfig: string;
  project: string;
  computeEndpoint: string;
  containerEndpoint: string;
  /** Cloud Storage JSON API root (the client's apiEndpoint) and the project's evidence bucket. */
  storageEndpoint: string;
  evidenceBucket: string;
  /** IAM v1 root (the path before `v1/projects/…`), for GOOGLE_IAM_ENDPOINT and CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM. */
  iamEndpoint: string;
  /** The stand-in for Google's token-signing certificates (kid → PEM), for ALERT_SCC_CERTS_URL. */
  oidcCertsUrl: string;
}

export interface RunningSim {
  world: World;
  server: http.Server;
  ready: ReadyLine;
  stop(): Promise<void>;
}

/** Builds the scenario, listens on 127.0.0.1 and writes the kubeconfig. */
export async function startSim(options: SimOptions & { port: number; kubeconfig: string }, env: NodeJS.ProcessEnv = process.env): Promise<RunningSim> {
  const world = buildWorld(options);
  const targets = alertTargetsFromEnv(env);
  setAlertTargets(world, targets);
  const server = createSimServer(world);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const kubeconfig = writeKubeconfig(world, port, options.kubeconfig);
  const ready: ReadyLine = {
    event: "ready",
    port,
    kubeconfig,
    project: world.project,
    computeEndpoint: `http://127.0.0.1:${port}/compute/v1/`,
    containerEndpoint: `http://127.0.0.1:${port}/`,
    storageEndpoint: `http://127.0.0.1:${port}`,
    evidenceBucket: evidenceBucketName(world.project),
    iamEndpoint: `http://127.0.0.1:${port}/iam/`,
    oidcCertsUrl: `http://127.0.0.1:${port}/oauth2/v1/certs`,
  };
  // The demo opens on an alert: the detectors report the compromised pod as soon as the
  // simulator is up, retrying until the console answers (sendAttackAlerts never throws).
  if (targets.falco || targets.scc) void sendAttackAlerts(world).catch(() => {});
  return {
    world,
    server,
    ready,
    stop: () =>
      new Promise<void>((resolve) => {
        world.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
