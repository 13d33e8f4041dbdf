import type { KObject, StoreEvent } from "../types";
import type { Controller, ControllerManager } from "./manager";
import { deepEqual, isPodReady, isTerminating, mapSelectorMatches } from "./labels";

// Endpoints and EndpointSlices follow Service selectors over pods with an IP: Ready pods are
// addresses, others notReadyAddresses; terminating pods leave Endpoints and show as
// terminating in slices. Services without a selector (like `kubernetes`) keep whatever
// endpoints were written by hand. This is what makes detaching a pod from a Service visible.

const MANAGED_BY = "endpointslice-controller.k8s.io";

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  appProtocol?: string;
}

interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

/** The container port a Service port reaches on a pod; undefined when a named port is missing. */
function resolveTargetPort(sp: ServicePort, pod: KObject): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === "number") return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  for (const c of (pod.spec?.containers ?? []) as { ports?: { name?: string; containerPort: number; protocol?: string }[] }[]) {
    for (const p of c.ports ?? []) if (p.name === tp && (p.protocol ?? "TCP") === (sp.protocol ?? "TCP")) return p.containerPort;
  }
  return undefined;
}

function portsFor(svc: KObject, pod: KObject): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of (svc.spec?.ports ?? []) as ServicePort[]) {
    const port = resolveTargetPort(sp, pod);
    if (port === undefined) continue;
    out.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? "TCP", ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

function ipKey(ip: string): string {
  return ip
    .split(".")
    .map((n) => n.padStart(3, "0"))
    .join(".");
}

export class EndpointsController implements Controller {
  readonly name = "endpoints";

  constructor(private readonly m: ControllerManager) {}

  resyncAll(): void {
    for (const s of this.m.store.scan("services")) this.m.enqueue(this, key(s));
  }

  observe(e: StoreEvent, previous?: KObject): void {
    const ns = e.object.metadata.namespace!;
    if (e.resource === "services") {
      this.m.enqueue(this, key(e.object));
    } else if (e.resource === "pods") {
      for (const svc of this.m.store.scan("services", { namespace: ns })) {
        const sel = svc.spec?.selector as Record<string, string> | undefined;
        if (mapSelectorMatches(sel, e.object.metadata.labels) || (previous && mapSelectorMatches(sel, previous.metadata.labels)))
          this.m.enqueue(this, key(svc));
      }
    } else if (e.resource === "endpoints" && e.type !== "ADDED") {
      // Someone else changed a managed object: put it back.
      this.m.enqueue(this, key(e.object));
    }
  }

  sync(k: string): void {
    const [ns, name] = k.split("/");
    const store = this.m.store;
    const svc = store.get("services", ns, name);
    const selector = svc?.spec?.selector as Record<string, string> | undefined;
    if (!svc) {
      // The Service is gone: its Endpoints go too (slices follow through their owner reference).
      const ep = store.get("endpoints", ns, name);
      if (ep && !ep.metadata.labels?.["endpoints.kubernetes.io/managed-by-user"] && this.wasManaged(ep)) store.remove("endpoints", ns, name);
      for (const slice of store.scan("discovery.k8s.io/endpointslices", { namespace: ns })) {
        if (
          slice.metadata.labels?.["kubernetes.io/service-name"] === name &&
          slice.metadata.labels?.["endpointslice.kubernetes.io/managed-by"] === MANAGED_BY
        ) {
          store.remove("discovery.k8s.io/endpointslices", ns, slice.metadata.name);
        }
      }
      return;
    }
    if (!selector || !Object.keys(selector).length || svc.spec?.type === "ExternalName") return;

    const pods = [...this.m.podsIn(ns)]
      .filter((p) => mapSelectorMatches(selector, p.metadata.labels) && p.status?.podIP && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed")
      .map((p) => ({ p, k: ipKey(p.status.podIP) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
      .map((x) => x.p);
    const publishNotReady = !!svc.spec?.publishNotReadyAddresses;

    const subsets = new Map<string, { addresses: unknown[]; notReadyAddresses: unknown[]; ports: EndpointPort[] }>();
    for (const pod of pods) {
      if (isTerminating(pod) && !publishNotReady) continue;
      const ports = portsFor(svc, pod);
      if (!ports.length && (svc.spec?.ports ?? []).length) continue;
      const sig = JSON.stringify(ports);
      let s = subsets.get(sig);
      if (!s) subsets.set(sig, (s = { addresses: [], notReadyAddresses: [], ports }));
      const addr = {
        ip: pod.status.podIP,
        nodeName: pod.spec?.nodeName,
        targetRef: { kind: "Pod", namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid },
      };
      (isPodReady(pod) || publishNotReady ? s.addresses : s.notReadyAddresses).push(addr);
    }
    const subsetList = [...subsets.values()].map((s) => ({
      ...(s.addresses.length ? { addresses: s.addresses } : {}),
      ...(s.notReadyAddresses.length ? { notReadyAddresses: s.notReadyAddresses } : {}),
      ports: s.ports,
    }));
    this.writeEndpoints(svc, subsetList);
    this.writeSlice(svc, pods);
  }

  private wasManaged(ep: KObject): boolean {
    return !!ep.metadata.annotations?.["endpoints.kubernetes.io/last-change-trigger-time"];
  }

  private writeEndpoints(svc: KObject, subsets: unknown[]): void {
    const store = this.m.store;
    const ns = svc.metadata.namespace!;
    const name = svc.metadata.name;
    const current = store.get("endpoints", ns, name);
    const labels = { ...(svc.metadata.labels ?? {}) };
    if (current && deepEqual(current.subsets ?? [], subsets) && deepEqual(current.metadata.labels ?? {}, labels)) return;
    const now = this.m.world.clock.isoNow();
    const body: KObject = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: {
        ...(current ? structuredClone(current.metadata) : { name, namespace: ns }),
        labels,
        annotations: { ...(current?.metadata.annotations ?? {}), "endpoints.kubernetes.io/last-change-trigger-time": now },
      },
      ...(subsets.length ? { subsets } : {}),
    };
    if (!Object.keys(labels).length) delete body.metadata.labels;
    delete body.metadata.resourceVersion;
    if (current) store.update("endpoints", body);
    else store.create("endpoints", body);
  }

  private writeSlice(svc: KObject, pods: KObject[]): void {
    const store = this.m.store;
    const ns = svc.metadata.namespace!;
    const name = svc.metadata.name;
    let ports: EndpointPort[] | undefined;
    const endpoints = pods.map((pod) => {
      ports ??= portsFor(svc, pod);
      const ready = isPodReady(pod) && !isTerminating(pod);
      const node = pod.spec?.nodeName ? store.get("nodes", undefined, pod.spec.nodeName) : undefined;
      const zone = node?.metadata.labels?.["topology.kubernetes.io/zone"];
      return {
        addresses: [pod.status.podIP],
        conditions: { ready, serving: isPodReady(pod), terminating: isTerminating(pod) },
        ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
        targetRef: { kind: "Pod", namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid },
        ...(zone ? { zone } : {}),
      };
    });
    const current = this.m.dependentsOf(svc.metadata.uid!, "discovery.k8s.io/endpointslices")[0];
    const labels = {
      ...(svc.metadata.labels ?? {}),
      "endpointslice.kubernetes.io/managed-by": MANAGED_BY,
      "kubernetes.io/service-name": name,
    };
    const desired = { endpoints, ports: ports ?? null, labels };
    if (current && deepEqual({ endpoints: current.endpoints, ports: current.ports ?? null, labels: current.metadata.labels }, desired)) return;
    const now = this.m.world.clock.isoNow();
    const meta = current
      ? structuredClone(current.metadata)
      : {
          name: `${name}-${this.m.world.random.suffix(5)}`,
          generateName: `${name}-`,
          namespace: ns,
          ownerReferences: [{ apiVersion: "v1", kind: "Service", name, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        };
    const body: KObject = {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { ...meta, labels, annotations: { ...(current?.metadata.annotations ?? {}), "endpoints.kubernetes.io/last-change-trigger-time": now } },
      addressType: "IPv4",
      endpoints,
      ports: ports ?? null,
    };
    delete body.metadata.resourceVersion;
    if (current) store.update("discovery.k8s.io/endpointslices", body);
    else store.create("discovery.k8s.io/endpointslices", body);
  }
}

function key(o: KObject): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}
