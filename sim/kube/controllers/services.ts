import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject, StoreEvent } from "../types";
import type { Controller, ControllerManager } from "./manager";
import { recordEvent } from "../events";

// Service defaults the API server applies on create (cluster IP from the service range,
// node ports, families, policies) and the cloud provider's part for LoadBalancer Services:
// an external IP in status.loadBalancer.ingress a few seconds after creation.

const SERVICE_CIDR_BASE = [10, 8]; // GKE servicesIpv4Cidr 10.8.0.0/20
const RESERVED = new Set(["10.8.0.1", "10.8.0.10"]); // kubernetes, kube-dns

function usedAddresses(cluster: SimCluster): { ips: Set<string>; ports: Set<number> } {
  const ips = new Set<string>(RESERVED);
  const ports = new Set<number>();
  for (const s of cluster.store.scan("services")) {
    for (const ip of (s.spec?.clusterIPs as string[] | undefined) ?? [s.spec?.clusterIP]) if (ip) ips.add(ip);
    for (const p of (s.spec?.ports ?? []) as { nodePort?: number }[]) if (p.nodePort) ports.add(p.nodePort);
  }
  return { ips, ports };
}

/**
 * Returns a copy of a Service with the API server's defaults filled in. The API layer calls
 * this on create (and on a type change); the services controller applies it to Services
 * written directly into the store. Values already set are kept.
 */
export function applyServiceDefaults(world: World, cluster: SimCluster, input: KObject): KObject {
  const svc = structuredClone(input);
  const spec = (svc.spec ??= {});
  spec.type ??= "ClusterIP";
  spec.sessionAffinity ??= "None";
  const used = usedAddresses(cluster);
  for (const p of (spec.ports ?? []) as { protocol?: string; targetPort?: number | string; port: number; nodePort?: number }[]) {
    p.protocol ??= "TCP";
    if (spec.type !== "ExternalName") p.targetPort ??= p.port;
    if ((spec.type === "NodePort" || spec.type === "LoadBalancer") && !p.nodePort) {
      let port: number;
      do port = 30000 + world.random.int(2768);
      while (used.ports.has(port));
      used.ports.add(port);
      p.nodePort = port;
    }
  }
  if (spec.type === "ExternalName") {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  } else {
    if (!spec.clusterIP) {
      let ip: string;
      do ip = `${SERVICE_CIDR_BASE[0]}.${SERVICE_CIDR_BASE[1]}.${world.random.int(16)}.${1 + world.random.int(254)}`;
      while (used.ips.has(ip));
      spec.clusterIP = ip;
    }
    spec.clusterIPs ??= [spec.clusterIP];
    if (spec.clusterIP !== "None" || spec.clusterIPs) {
      spec.ipFamilies ??= ["IPv4"];
      spec.ipFamilyPolicy ??= "SingleStack";
    }
    spec.internalTrafficPolicy ??= "Cluster";
  }
  if (spec.type === "NodePort" || spec.type === "LoadBalancer") spec.externalTrafficPolicy ??= "Cluster";
  if (spec.type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
  svc.status ??= { loadBalancer: {} };
  svc.status.loadBalancer ??= {};
  return svc;
}

export class ServiceController implements Controller {
  readonly name = "service";
  private readonly ensuring = new Set<string>();

  constructor(private readonly m: ControllerManager) {}

  resyncAll(): void {
    for (const s of this.m.store.scan("services")) this.m.enqueue(this, key(s));
  }

  observe(e: StoreEvent): void {
    if (e.resource === "services" && e.type !== "DELETED") this.m.enqueue(this, key(e.object));
  }

  sync(k: string): void {
    const [ns, name] = k.split("/");
    const svc = this.m.store.get("services", ns, name);
    if (!svc) return;
    const { world, cluster, store } = this.m;
    const type = svc.spec?.type ?? "ClusterIP";
    if ((type !== "ExternalName" && !svc.spec?.clusterIP) || !svc.spec?.type) {
      const next = applyServiceDefaults(world, cluster, svc);
      delete next.metadata.resourceVersion;
      store.update("services", next);
      return;
    }
    const ingress = svc.status?.loadBalancer?.ingress as unknown[] | undefined;
    if (type === "LoadBalancer" && !ingress?.length && !this.ensuring.has(svc.metadata.uid!)) {
      this.ensuring.add(svc.metadata.uid!);
      recordEvent(world, cluster, svc, "Normal", "EnsuringLoadBalancer", "Ensuring load balancer", { component: "service-controller" });
      this.m.after(3000, () => this.provision(ns, name, svc.metadata.uid!));
    } else if (type !== "LoadBalancer" && ingress?.length) {
      const next = structuredClone(svc);
      next.status = { loadBalancer: {} };
      delete next.metadata.resourceVersion;
      store.update("services", next);
      recordEvent(world, cluster, svc, "Normal", "DeletedLoadBalancer", "Deleted load balancer", { component: "service-controller" });
    }
  }

  private provision(ns: string, name: string, uid: string): void {
    this.ensuring.delete(uid);
    const { world, cluster, store } = this.m;
    const svc = store.get("services", ns, name);
    if (!svc || svc.metadata.uid !== uid || svc.spec?.type !== "LoadBalancer" || svc.status?.loadBalancer?.ingress?.length) return;
    const next = structuredClone(svc);
    const ip = `34.${120 + world.random.int(100)}.${world.random.int(256)}.${1 + world.random.int(254)}`;
    next.status = { loadBalancer: { ingress: [{ ip, ipMode: "VIP" }] } };
    delete next.metadata.resourceVersion;
    const done = store.update("services", next);
    recordEvent(world, cluster, done, "Normal", "EnsuredLoadBalancer", "Ensured load balancer", { component: "service-controller" });
  }
}

function key(o: KObject): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}
