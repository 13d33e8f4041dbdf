import "server-only";
import fs from "node:fs";
import path from "node:path";
import {
  AppsV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type PatchStrategy,
} from "@kubernetes/client-node";
import { config } from "@/lib/config";
import { HttpError } from "@/lib/http/errors";
import { processSingleton } from "@/lib/process-singleton";

export type KubeApis = {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  networking: NetworkingV1Api;
  policy: PolicyV1Api;
  authz: AuthorizationV1Api;
  batch: BatchV1Api;
  rbac: RbacAuthorizationV1Api;
};

/** Context name used when Airlock runs in a pod and has no kubeconfig. */
const IN_CLUSTER_CONTEXT = "in-cluster";

type Loaded = { key: string; base: KubeConfig; apis: Map<string, KubeApis> };

const held = processSingleton("kube.clients", () => ({ loaded: undefined as Loaded | undefined }));

/** A key that changes when the kubeconfig files do, so edits are picked up without a restart. */
function sourceKey(files: string[]): string {
  return files
    .map((f) => {
      try {
        const st = fs.statSync(f);
        return `${f}@${st.mtimeMs}:${st.size}`;
      } catch {
        return `${f}@missing`;
      }
    })
    .join("|");
}

function loadBase(files: string[]): KubeConfig {
  if (files.length === 0) {
    const kc = new KubeConfig();
    kc.loadFromCluster();
    // loadFromCluster names its context "inClusterContext"; give it a stable, readable id.
    const [cluster] = kc.getClusters();
    const [user] = kc.getUsers();
    const named = new KubeConfig();
    named.loadFromOptions({
      clusters: [cluster],
      users: [user],
      contexts: [{ name: IN_CLUSTER_CONTEXT, cluster: cluster.name, user: user.name }],
      currentContext: IN_CLUSTER_CONTEXT,
    });
    return named;
  }
  const kc = new KubeConfig();
  kc.loadFromFile(files[0]);
  for (const extra of files.slice(1)) {
    const more = new KubeConfig();
    more.loadFromFile(extra);
    // Like kubectl: the first file to name a context wins, merged files only add new ones.
    kc.mergeConfig(more, true);
  }
  return kc;
}

function kubeconfigFiles(): string[] {
  const raw = config().kubeconfig;
  if (!raw) return [];
  return raw
    .split(path.delimiter)
    .map((f) => f.trim())
    .filter(Boolean);
}

function loaded(): Loaded {
  const files = kubeconfigFiles();
  const key = files.length ? sourceKey(files) : "in-cluster";
  if (!held.loaded || held.loaded.key !== key) {
    held.loaded = { key, base: loadBase(files), apis: new Map() };
  }
  return held.loaded;
}

/** Every context in the kubeconfig (or the single in-cluster context): each one is a cluster. */
export function kubeContexts(): { name: string; cluster: string; server?: string }[] {
  const { base } = loaded();
  return base.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    server: base.getCluster(c.cluster)?.server,
  }));
}

/**
 * A kubeconfig `exec` user runs a program on this host for every client made from it: only the
 * commands KUBECONFIG_EXEC_ALLOWLIST names may run (compared by base name, as kubectl resolves them on PATH).
 */
function refuseUnlistedExecPlugin(kc: KubeConfig, userName: string): void {
  const command: unknown = kc.getUser(userName)?.exec?.command;
  if (command === undefined) return;
  const allowed = config().kubeconfigExecAllowlist;
  if (typeof command === "string" && allowed.includes(path.basename(command))) return;
  throw new HttpError(
    403,
    `The kubeconfig user "${userName}" runs the credential plugin "${String(command)}", which KUBECONFIG_EXEC_ALLOWLIST does not list (allowed: ${allowed.join(", ") || "none"}).`,
  );
}

/**
 * Typed API clients for one cluster, cached per context. `clusterId` is the kubeconfig
 * context name (`gke_<project>_<location>_<cluster>`). Unknown ids are a 404: ids come
 * from URLs, and a user must learn "no such cluster", not see a client-node error.
 */
export function kubeApis(clusterId: string): KubeApis {
  const state = loaded();
  const cached = state.apis.get(clusterId);
  if (cached) return cached;
  const ctx = state.base.getContextObject(clusterId);
  if (!ctx) throw new HttpError(404, `No cluster named "${clusterId}" in the kubeconfig.`);
  refuseUnlistedExecPlugin(state.base, ctx.user);
  const kc = new KubeConfig();
  // A private copy whose current context is this cluster: makeApiClient reads the current context.
  kc.loadFromOptions({
    // As written: plain http works only where the kubeconfig says insecure-skip-tls-verify (as
    // the simulator's and kubectl-proxy setups do); kubeError explains the refusal otherwise.
    clusters: state.base.getClusters(),
    users: state.base.getUsers(),
    contexts: state.base.getContexts(),
    currentContext: clusterId,
  });
  const apis: KubeApis = {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    networking: kc.makeApiClient(NetworkingV1Api),
    policy: kc.makeApiClient(PolicyV1Api),
    authz: kc.makeApiClient(AuthorizationV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    rbac: kc.makeApiClient(RbacAuthorizationV1Api),
  };
  state.apis.set(clusterId, apis);
  return apis;
}

/**
 * Per-call options that set a PATCH's Content-Type. Without them the generated client labels
 * every patch body as JSON Patch (the first type in its list), which a merge-style body is not; pass `patchOptions(PatchStrategy.StrategicMergePatch)` (or JsonPatch) as the
 * call's second argument, e.g. `core.patchNode({name, body}, patchOptions(PatchStrategy.MergePatch))`.
 */
export function patchOptions(strategy: PatchStrategy) {
  return setHeaderOptions("Content-Type", strategy);
}

export { PatchStrategy } from "@kubernetes/client-node";

/** Tests only: drop cached clients so a new KUBECONFIG is read. */
export function resetKubeClientsForTests(): void {
  held.loaded = undefined;
}
