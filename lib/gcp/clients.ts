import "server-only";
import {
  DisksClient,
  FirewallsClient,
  GlobalOperationsClient,
  InstanceGroupManagersClient,
  InstancesClient,
  NetworksClient,
  SnapshotsClient,
  SubnetworksClient,
  ZoneOperationsClient,
} from "@google-cloud/compute";
import { ClusterManagerClient } from "@google-cloud/container";
import { Storage, type StorageOptions } from "@google-cloud/storage";
import { PassThroughClient } from "google-auth-library";
import { config } from "@/lib/config";
import { processSingleton } from "@/lib/process-singleton";

export type ComputeClients = {
  instances: InstancesClient;
  instanceGroupManagers: InstanceGroupManagersClient;
  firewalls: FirewallsClient;
  disks: DisksClient;
  snapshots: SnapshotsClient;
  networks: NetworksClient;
  subnetworks: SubnetworksClient;
  zoneOperations: ZoneOperationsClient;
  globalOperations: GlobalOperationsClient;
};

/** Options every Google client takes: an endpoint override (the simulator), else ADC. */
export type GoogleClientOptions = {
  apiEndpoint?: string;
  port?: number;
  protocol?: string;
  fallback?: boolean;
  authClient?: PassThroughClient;
};

/**
 * Client options for an endpoint URL such as `http://127.0.0.1:8080/compute/v1/`. Only the
 * scheme, host and port matter: the libraries add their own `/compute/v1` or `/v1` paths.
 * REST fallback because the simulator (like any HTTP proxy) speaks JSON, not gRPC; no
 * credentials because there is nothing to authenticate to, and ADC may not exist there.
 */
export function endpointOptions(endpoint: string | undefined): GoogleClientOptions {
  if (!endpoint) return {};
  const url = new URL(endpoint);
  const protocol = url.protocol.replace(/:$/, "");
  const port = url.port ? Number(url.port) : protocol === "https" ? 443 : 80;
  return {
    apiEndpoint: url.hostname,
    port,
    protocol,
    fallback: true,
    authClient: new PassThroughClient(),
  };
}

type Cached = {
  computeKey?: string;
  compute?: ComputeClients;
  containerKey?: string;
  container?: ClusterManagerClient;
  storageKey?: string;
  storage?: Storage;
};
const held = processSingleton("gcp.clients", () => ({ cached: {} as Cached }));

function cache(): Cached {
  return held.cached;
}

/** Compute Engine clients, from GOOGLE_COMPUTE_ENDPOINT when set, else Application Default Credentials. */
export function computeClients(): ComputeClients {
  const endpoint = config().googleComputeEndpoint;
  const c = cache();
  const key = endpoint ?? "adc";
  if (!c.compute || c.computeKey !== key) {
    const opts = endpointOptions(endpoint);
    c.compute = {
      instances: new InstancesClient(opts),
      instanceGroupManagers: new InstanceGroupManagersClient(opts),
      firewalls: new FirewallsClient(opts),
      disks: new DisksClient(opts),
      snapshots: new SnapshotsClient(opts),
      networks: new NetworksClient(opts),
      subnetworks: new SubnetworksClient(opts),
      zoneOperations: new ZoneOperationsClient(opts),
      globalOperations: new GlobalOperationsClient(opts),
    };
    c.computeKey = key;
  }
  return c.compute;
}

/** The GKE cluster manager, from GOOGLE_CONTAINER_ENDPOINT when set, else Application Default Credentials. */
export function containerClient(): ClusterManagerClient {
  const endpoint = config().googleContainerEndpoint;
  const c = cache();
  const key = endpoint ?? "adc";
  if (!c.container || c.containerKey !== key) {
    c.container = new ClusterManagerClient(endpointOptions(endpoint));
    c.containerKey = key;
  }
  return c.container;
}

/**
 * Cloud Storage client options for an endpoint such as `http://127.0.0.1:8443`. Unlike the gax
 * clients, @google-cloud/storage takes the whole origin as `apiEndpoint` and adds
 * `/storage/v1`, `/upload/storage/v1` itself; with a custom endpoint it sends no credentials
 * (`useAuthWithCustomEndpoint: false`), so no ADC is needed against the simulator.
 */
export function storageOptions(endpoint: string | undefined): StorageOptions {
  if (!endpoint) return {};
  const url = new URL(endpoint);
  return { apiEndpoint: url.origin, useAuthWithCustomEndpoint: false };
}

/** Cloud Storage, from GOOGLE_STORAGE_ENDPOINT when set, else Application Default Credentials. */
export function storageClient(): Storage {
  const endpoint = config().googleStorageEndpoint;
  const c = cache();
  const key = endpoint ?? "adc";
  if (!c.storage || c.storageKey !== key) {
    c.storage = new Storage(storageOptions(endpoint));
    c.storageKey = key;
  }
  return c.storage;
}

/** Tests only: forget clients so changed endpoints are read. */
export function resetGcpClientsForTests(): void {
  held.cached = {};
}
