import "server-only";
import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { kubeApis, type KubeApis } from "@/lib/kube/clients";
import { kubeError } from "@/lib/kube/errors";
import { withRetry } from "@/lib/kube/retry";
import { kubeRead } from "./kube-call";
import { getInstanceFacts, parseProviderId, type InstanceFacts, type InstanceRef } from "./node-instance";
import { ownerChain, type OwnerLink } from "./owner-chain";
import { isoDate, podRow } from "./rows";
import { labelSelectorMatches, labelSelectorToString, serviceSelects } from "./selectors";
import type { PodRow } from "./types";

export type ContainerInfo = {
  name: string;
  image: string;
  init: boolean;
  ready: boolean | null;
  restartCount: number;
  state: string | null;
  ports: string[];
};

export type EventInfo = { type: string; reason: string; message: string; count: number; lastSeen: string | null; source: string | null };

export type LogTail = { container: string; lines: string | null; error?: string };

/** Each part of a pod page that can fail on its own carries its own readable error. */
export type Section<T> = { ok: true; value: T } | { ok: false; error: string };

export type PodDetail = {
  cluster: string;
  pod: PodRow & {
    uid: string | null;
    annotations: Record<string, string>;
    serviceAccount: string | null;
    hostIP: string | null;
    qosClass: string | null;
    conditions: { type: string; status: string; reason: string | null }[];
  };
  containers: ContainerInfo[];
  ownerChain: OwnerLink[];
  services: Section<{ namespace: string; name: string; type: string; selector: Record<string, string> }[]>;
  networkPolicies: Section<{ namespace: string; name: string; podSelector: string; policyTypes: string[] }[]>;
  node: Section<{ name: string; ready: boolean; cordoned: boolean; providerID: string | null } | null>;
  vm: Section<(InstanceFacts & { ref: InstanceRef }) | null>;
  events: Section<EventInfo[]>;
  logs: LogTail[];
};

const LOG_TAIL_LINES = 50;
const EVENT_LIMIT = 30;
const LOG_BYTES = 64 * 1024;

async function section<T>(fn: () => Promise<T>): Promise<Section<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: kubeError(err).message };
  }
}

/** Lists a namespace's objects page by page: Services and policies per namespace are few, but not bounded. */
async function listAll<T>(page: (cont: string | undefined) => Promise<{ items: T[]; metadata?: { _continue?: string } }>, cap = 2000): Promise<T[]> {
  const out: T[] = [];
  let cont: string | undefined;
  do {
    const res = await withRetry(() => page(cont));
    out.push(...res.items);
    cont = res.metadata?._continue || undefined;
  } while (cont && out.length < cap);
  return out;
}

function containerInfos(pod: V1Pod): ContainerInfo[] {
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const initStatuses = new Map((pod.status?.initContainerStatuses ?? []).map((s) => [s.name, s]));
  const describe =
    (init: boolean) =>
    (c: NonNullable<V1Pod["spec"]>["containers"][number]): ContainerInfo => {
      const st = (init ? initStatuses : statuses).get(c.name);
      const state = st?.state?.running
        ? "running"
        : st?.state?.waiting
          ? `waiting: ${st.state.waiting.reason ?? ""}`.trim()
          : st?.state?.terminated
            ? `terminated: ${st.state.terminated.reason ?? `exit ${st.state.terminated.exitCode}`}`
            : null;
      return {
        name: c.name,
        image: c.image ?? "",
        init,
        ready: st ? st.ready : null,
        restartCount: st?.restartCount ?? 0,
        state,
        ports: (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? "TCP"}${p.name ? ` (${p.name})` : ""}`),
      };
    };
  return [...(pod.spec?.initContainers ?? []).map(describe(true)), ...(pod.spec?.containers ?? []).map(describe(false))];
}

function eventInfo(e: CoreV1Event): EventInfo {
  return {
    type: e.type ?? "Normal",
    reason: e.reason ?? "",
    message: e.message ?? "",
    count: e.count ?? 1,
    lastSeen: isoDate(e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp),
    source: e.source?.component ?? e.reportingComponent ?? null,
  };
}

async function logTail(apis: KubeApis, namespace: string, name: string, container: string): Promise<LogTail> {
  try {
    const text = await withRetry(() => apis.core.readNamespacedPodLog({ namespace, name, container, tailLines: LOG_TAIL_LINES, limitBytes: LOG_BYTES }));
    return { container, lines: typeof text === "string" ? text : String(text ?? "") };
  } catch (err) {
    return { container, lines: null, error: kubeError(err).message };
  }
}

/**
 * Everything an analyst needs about one pod on one page: the pod, its controllers up to the
 * Deployment, what routes to it and what policies select it, where it runs (node and VM),
 * recent events and a log tail. A missing pod is a 404; any other part that fails shows its
 * own error rather than failing the page.
 */
export async function getPodDetail(clusterId: string, namespace: string, name: string): Promise<PodDetail> {
  const apis = kubeApis(clusterId);
  const pod = await kubeRead(() => apis.core.readNamespacedPod({ namespace, name }));
  const labels = pod.metadata?.labels ?? {};
  const nodeName = pod.spec?.nodeName ?? null;

  const [chain, services, networkPolicies, node, events, logs] = await Promise.all([
    ownerChain(apis, namespace, pod.metadata),
    section(async () => {
      const all = await listAll((cont) => apis.core.listNamespacedService({ namespace, limit: 500, _continue: cont }));
      return all
        .filter((s) => serviceSelects(s.spec?.selector, labels))
        .map((s) => ({ namespace, name: s.metadata?.name ?? "", type: s.spec?.type ?? "ClusterIP", selector: s.spec?.selector ?? {} }));
    }),
    section(async () => {
      const all = await listAll((cont) => apis.networking.listNamespacedNetworkPolicy({ namespace, limit: 500, _continue: cont }));
      return all
        .filter((np) => labelSelectorMatches(np.spec?.podSelector, labels))
        .map((np) => ({
          namespace,
          name: np.metadata?.name ?? "",
          podSelector: labelSelectorToString(np.spec?.podSelector) || "(all pods in namespace)",
          policyTypes: np.spec?.policyTypes ?? ["Ingress"],
        }));
    }),
    section(async () => {
      if (!nodeName) return null;
      const n = await withRetry(() => apis.core.readNode({ name: nodeName }));
      return {
        name: nodeName,
        ready: n.status?.conditions?.find((c) => c.type === "Ready")?.status === "True",
        cordoned: n.spec?.unschedulable === true,
        providerID: n.spec?.providerID ?? null,
      };
    }),
    section(async () => {
      const list = await withRetry(() =>
        apis.core.listNamespacedEvent({
          namespace,
          fieldSelector: `involvedObject.name=${name},involvedObject.namespace=${namespace}`,
          limit: 200,
        }),
      );
      return list.items
        .map(eventInfo)
        .sort((a, b) => (b.lastSeen ?? "").localeCompare(a.lastSeen ?? ""))
        .slice(0, EVENT_LIMIT);
    }),
    Promise.all((pod.spec?.containers ?? []).map((c) => logTail(apis, namespace, name, c.name))),
  ]);

  let vm: PodDetail["vm"] = { ok: true, value: null };
  const ref = node.ok && node.value ? parseProviderId(node.value.providerID) : null;
  if (ref) {
    const facts = await getInstanceFacts(ref);
    vm = facts.ok ? { ok: true, value: facts.instance } : { ok: false, error: facts.error };
  }

  return {
    cluster: clusterId,
    pod: {
      ...podRow(pod),
      uid: pod.metadata?.uid ?? null,
      annotations: pod.metadata?.annotations ?? {},
      serviceAccount: pod.spec?.serviceAccountName ?? null,
      hostIP: pod.status?.hostIP ?? null,
      qosClass: pod.status?.qosClass ?? null,
      conditions: (pod.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? null })),
    },
    containers: containerInfos(pod),
    ownerChain: chain,
    services,
    networkPolicies,
    node,
    vm,
    events,
    logs,
  };
}
