import type { SimCluster } from "../kube/cluster";
import type { KObject } from "../kube/types";

// Small constructors for the objects scenarios create through the store, shaped as
// `kubectl apply` would leave them before any controller has run.

export interface ContainerSpec {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  command?: string[];
  args?: string[];
  env?: { name: string; value: string }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  securityContext?: Record<string, unknown>;
}

export interface WorkloadSpec {
  replicas?: number;
  labels: Record<string, string>;
  /** Defaults to the labels. */
  selector?: Record<string, string>;
  containers: ContainerSpec[];
  volumes?: Record<string, unknown>[];
  tolerations?: Record<string, unknown>[];
  annotations?: Record<string, string>;
  serviceAccountName?: string;
  nodeSelector?: Record<string, string>;
  hostNetwork?: boolean;
  priorityClassName?: string;
}

function podTemplate(w: WorkloadSpec) {
  return {
    metadata: { labels: { ...w.labels }, ...(w.annotations ? { annotations: { ...w.annotations } } : {}) },
    spec: {
      containers: w.containers.map((c) => structuredClone(c)),
      ...(w.volumes ? { volumes: structuredClone(w.volumes) } : {}),
      ...(w.tolerations ? { tolerations: structuredClone(w.tolerations) } : {}),
      ...(w.serviceAccountName ? { serviceAccountName: w.serviceAccountName } : {}),
      ...(w.nodeSelector ? { nodeSelector: { ...w.nodeSelector } } : {}),
      ...(w.hostNetwork ? { hostNetwork: true } : {}),
      ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}),
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      schedulerName: "default-scheduler",
      securityContext: {},
    },
  };
}

export function createDeployment(cluster: SimCluster, namespace: string, name: string, w: WorkloadSpec): KObject {
  return cluster.store.create("apps/deployments", {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels: { app: w.labels.app ?? name }, annotations: { "deployment.kubernetes.io/revision": "1" } },
    spec: {
      replicas: w.replicas ?? 1,
      selector: { matchLabels: { ...(w.selector ?? w.labels) } },
      template: podTemplate(w),
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  });
}

export function createDaemonSet(cluster: SimCluster, namespace: string, name: string, w: WorkloadSpec): KObject {
  return cluster.store.create("apps/daemonsets", {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace, labels: { ...w.labels }, annotations: { "deprecated.daemonset.template.generation": "1" } },
    spec: {
      selector: { matchLabels: { ...(w.selector ?? w.labels) } },
      template: podTemplate(w),
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    },
    status: {},
  });
}

/** A pod nobody owns, as `kubectl run` or `kubectl apply -f pod.yaml` makes one. */
export function createBarePod(cluster: SimCluster, namespace: string, name: string, w: WorkloadSpec & { nodeName?: string }): KObject {
  const t = podTemplate(w);
  return cluster.store.create("pods", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: t.metadata.labels },
    spec: { ...t.spec, ...(w.nodeName ? { nodeName: w.nodeName } : {}) },
    status: { phase: "Pending", qosClass: "BestEffort" },
  });
}

export interface ServicePortSpec {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  nodePort?: number;
}

export function serviceObject(
  namespace: string,
  name: string,
  spec: { type?: string; selector?: Record<string, string>; ports?: ServicePortSpec[]; externalName?: string; labels?: Record<string, string> },
): KObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels: spec.labels ?? { app: name } },
    spec: {
      type: spec.type ?? "ClusterIP",
      ...(spec.selector ? { selector: { ...spec.selector } } : {}),
      ...(spec.ports ? { ports: spec.ports.map((p) => ({ protocol: "TCP", ...p })) } : {}),
      ...(spec.externalName ? { externalName: spec.externalName } : {}),
    },
    status: { loadBalancer: {} },
  };
}

export function createPdb(
  cluster: SimCluster,
  namespace: string,
  name: string,
  selector: Record<string, string>,
  budget: { minAvailable?: number | string; maxUnavailable?: number | string },
): KObject {
  return cluster.store.create("policy/poddisruptionbudgets", {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name, namespace },
    spec: { ...budget, selector: { matchLabels: { ...selector } } },
    status: {},
  });
}

export function createNetworkPolicy(cluster: SimCluster, namespace: string, name: string, spec: Record<string, unknown>): KObject {
  return cluster.store.create("networking.k8s.io/networkpolicies", {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace },
    spec,
  });
}
