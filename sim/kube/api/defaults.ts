import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";

// Server-side defaulting (pkg/apis/*/v1/defaults.go) for what kubectl leaves out, applied to
// creates and updates alike so an update that omits a defaulted field does not look like a
// change to an immutable one.

type Obj = Record<string, unknown>;

export function defaultContainers(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const c of list as Obj[]) {
    if (!c || typeof c !== "object") continue;
    c.terminationMessagePath ??= "/dev/termination-log";
    c.terminationMessagePolicy ??= "File";
    if (c.imagePullPolicy === undefined) {
      const image = String(c.image ?? "");
      c.imagePullPolicy = image.endsWith(":latest") || !/:[^/]+$/.test(image) ? "Always" : "IfNotPresent";
    }
    c.resources ??= {};
    for (const p of (c.ports as Obj[]) ?? []) p.protocol ??= "TCP";
  }
}

export function defaultPodSpec(spec: Obj | undefined): void {
  if (!spec) return;
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.securityContext ??= {};
  spec.schedulerName ??= "default-scheduler";
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= "PreemptLowerPriority";
  spec.priority ??= 0;
  if (spec.serviceAccountName === undefined && spec.serviceAccount === undefined) spec.serviceAccountName = "default";
  if (spec.serviceAccountName !== undefined) spec.serviceAccount ??= spec.serviceAccountName;
  defaultContainers(spec.containers);
  defaultContainers(spec.initContainers);
  defaultContainers(spec.ephemeralContainers);
}

function defaultTemplate(spec: Obj): void {
  const template = spec.template as Obj | undefined;
  if (!template) return;
  template.metadata ??= {};
  defaultPodSpec(template.spec as Obj | undefined);
}

function usedClusterIPs(cluster: SimCluster): Set<string> {
  const used = new Set<string>();
  for (const s of cluster.store.scan("services")) if (s.spec?.clusterIP) used.add(s.spec.clusterIP);
  return used;
}

function allocateClusterIP(world: World, cluster: SimCluster): string {
  const used = usedClusterIPs(cluster);
  // 10.8.0.0/20, the demo clusters' servicesIpv4Cidr; .0.1 is the kubernetes Service.
  for (let attempt = 0; attempt < 4096; attempt++) {
    const n = 2 + world.random.int(4093);
    const ip = `10.8.${Math.floor(n / 256)}.${n % 256}`;
    if (!used.has(ip)) return ip;
  }
  throw new Error("service IP range exhausted");
}

function allocateNodePort(world: World, cluster: SimCluster): number {
  const used = new Set<number>();
  for (const s of cluster.store.scan("services")) for (const p of s.spec?.ports ?? []) if (p.nodePort) used.add(p.nodePort);
  for (;;) {
    const port = 30000 + world.random.int(2768);
    if (!used.has(port)) return port;
  }
}

/** Applies defaults in place. `old` is the stored object on updates (allocated values carry over). */
export function applyDefaults(world: World, cluster: SimCluster, key: string, obj: KObject, old?: KObject): void {
  const spec = obj.spec as Obj | undefined;
  // On updates only allocated values carry over: controllers store objects without every
  // default, and adding them on a label patch would read as a spec change.
  if (old && key !== "services" && key !== "namespaces") return;
  switch (key) {
    case "pods":
      obj.spec ??= {};
      defaultPodSpec(obj.spec);
      if (!old) {
        obj.status ??= {};
        obj.status.phase ??= "Pending";
        obj.status.qosClass ??= "BestEffort";
      }
      break;
    case "namespaces":
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), "kubernetes.io/metadata.name": obj.metadata.name };
      obj.spec ??= { finalizers: ["kubernetes"] };
      obj.status ??= { phase: "Active" };
      break;
    case "services": {
      obj.spec ??= {};
      const s = obj.spec as Obj;
      s.type ??= "ClusterIP";
      s.sessionAffinity ??= "None";
      const ports = (s.ports as Obj[]) ?? [];
      for (const p of ports) {
        p.protocol ??= "TCP";
        p.targetPort ??= p.port;
      }
      if (s.type === "ExternalName") {
        delete s.clusterIP;
        delete s.clusterIPs;
        break;
      }
      if (!s.clusterIP && old?.spec?.clusterIP && old.spec.type !== "ExternalName") s.clusterIP = old.spec.clusterIP;
      if (!s.clusterIP) s.clusterIP = allocateClusterIP(world, cluster);
      s.clusterIPs ??= [s.clusterIP];
      s.ipFamilies ??= ["IPv4"];
      s.ipFamilyPolicy ??= "SingleStack";
      s.internalTrafficPolicy ??= "Cluster";
      if (s.type === "NodePort" || s.type === "LoadBalancer") {
        s.externalTrafficPolicy ??= "Cluster";
        const oldPorts = (old?.spec?.ports as Obj[]) ?? [];
        for (const p of ports) {
          if (p.nodePort) continue;
          const prev = oldPorts.find((o) => o.port === p.port && (o.protocol ?? "TCP") === p.protocol);
          p.nodePort = (prev?.nodePort as number) ?? allocateNodePort(world, cluster);
        }
      }
      obj.status ??= { loadBalancer: {} };
      break;
    }
    case "apps/deployments":
      if (!spec) break;
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= {};
      {
        const strategy = spec.strategy as Obj;
        strategy.type ??= "RollingUpdate";
        if (strategy.type === "RollingUpdate") strategy.rollingUpdate ??= { maxUnavailable: "25%", maxSurge: "25%" };
      }
      defaultTemplate(spec);
      break;
    case "apps/replicasets":
    case "apps/statefulsets":
      if (!spec) break;
      spec.replicas ??= 1;
      defaultTemplate(spec);
      break;
    case "apps/daemonsets":
      if (!spec) break;
      spec.revisionHistoryLimit ??= 10;
      spec.updateStrategy ??= { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      defaultTemplate(spec);
      break;
    case "batch/jobs":
      if (!spec) break;
      spec.backoffLimit ??= 6;
      spec.completions ??= 1;
      spec.parallelism ??= 1;
      defaultTemplate(spec);
      {
        const podSpec = (spec.template as Obj | undefined)?.spec as Obj | undefined;
        if (podSpec) podSpec.restartPolicy ??= "Never";
      }
      break;
    case "networking.k8s.io/networkpolicies":
      obj.spec ??= {};
      (obj.spec as Obj).podSelector ??= {};
      if (!(obj.spec as Obj).policyTypes) {
        (obj.spec as Obj).policyTypes = (obj.spec as Obj).egress ? ["Ingress", "Egress"] : ["Ingress"];
      }
      break;
  }
}
