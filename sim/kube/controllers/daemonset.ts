import type { KObject, StoreEvent } from "../types";
import type { Controller, ControllerManager } from "./manager";
import { recordEvent } from "../events";
import { controllerOf, deepEqual, isPodActive, isPodReady, isTerminating, ownerRefTo } from "./labels";
import { podFromTemplate } from "./podtemplate";
import { podTemplateHash } from "./deployment";
import { deletePodGracefully } from "./termination";
import { tolerates, unfitReason } from "./scheduler";

// One pod per eligible node, pinned by required node affinity on metadata.name as the real
// controller does. DaemonSet pods tolerate node.kubernetes.io/unschedulable, so cordoning a
// node neither evicts nor blocks them, which is why `kubectl drain` must skip them.

const SOURCE = { component: "daemonset-controller" };

const DAEMON_TOLERATIONS = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];

/** The node a DaemonSet pod is meant for: its binding, or the pinning affinity before that. */
function daemonPodNode(pod: KObject): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) for (const f of t.matchFields ?? []) if (f.key === "metadata.name") return f.values?.[0];
  return undefined;
}

export class DaemonSetController implements Controller {
  readonly name = "daemonset";

  constructor(private readonly m: ControllerManager) {}

  resyncAll(): void {
    for (const ds of this.m.store.scan("apps/daemonsets")) this.m.enqueue(this, key(ds));
  }

  observe(e: StoreEvent, previous?: KObject): void {
    if (e.resource === "apps/daemonsets") {
      if (e.type !== "DELETED") this.m.enqueue(this, key(e.object));
    } else if (e.resource === "nodes") {
      this.resyncAll();
    } else if (e.resource === "pods") {
      for (const pod of [previous, e.object]) {
        const ref = pod && controllerOf(pod);
        if (ref?.kind === "DaemonSet") this.m.enqueue(this, `${pod!.metadata.namespace}/${ref.name}`);
      }
    }
  }

  sync(k: string): void {
    const [ns, name] = k.split("/");
    const ds = this.m.store.get("apps/daemonsets", ns, name);
    if (!ds) return;
    const { world, cluster, store } = this.m;
    const hash = podTemplateHash(ds.spec?.template);
    const byNode = new Map<string, KObject[]>();
    for (const pod of this.m.dependentsOf(ds.metadata.uid!, "pods")) {
      if (controllerOf(pod)?.uid !== ds.metadata.uid || !isPodActive(pod)) continue;
      const n = daemonPodNode(pod) ?? "";
      byNode.set(n, [...(byNode.get(n) ?? []), pod]);
    }
    const template = ds.spec?.template ?? { spec: {} };
    const probe: KObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "probe" },
      spec: { ...template.spec, tolerations: [...(template.spec?.tolerations ?? []), ...DAEMON_TOLERATIONS] },
    };
    let desired = 0;
    const eligible = new Set<string>();
    for (const node of store.scan("nodes")) {
      const n = node.metadata.name;
      // Eligibility ignores readiness and capacity: a DaemonSet wants a pod on every node it fits.
      const why = unfitReason(
        probe,
        { ...node, status: { ...node.status, conditions: [{ type: "Ready", status: "True" }], allocatable: { pods: "1000000" } } },
        0,
      );
      if (why) continue;
      eligible.add(n);
      desired++;
      if (!byNode.get(n)?.length && !isTerminating(ds)) {
        const pod = this.createPod(ds, n, hash);
        byNode.set(n, [pod]);
        recordEvent(world, cluster, ds, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, SOURCE);
      }
    }
    for (const [n, pods] of byNode) {
      const extra = eligible.has(n) ? pods.slice(1) : pods;
      for (const pod of extra) {
        deletePodGracefully(world, cluster, pod);
        recordEvent(world, cluster, ds, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`, SOURCE);
      }
    }
    const pods = [...byNode.entries()].filter(([n]) => eligible.has(n)).map(([, p]) => store.get("pods", ns, p[0].metadata.name) ?? p[0]);
    const scheduled = pods.filter((p) => p.spec?.nodeName).length;
    const ready = pods.filter(isPodReady).length;
    const updated = pods.filter((p) => p.metadata.labels?.["controller-revision-hash"] === hash).length;
    const status: Record<string, unknown> = {
      currentNumberScheduled: scheduled,
      numberMisscheduled: 0,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: ds.metadata.generation ?? 1,
      updatedNumberScheduled: updated,
      numberAvailable: ready,
    };
    if (desired - ready > 0) status.numberUnavailable = desired - ready;
    if (!ready) delete status.numberAvailable;
    if (deepEqual(status, ds.status)) return;
    const next = structuredClone(ds);
    next.status = status;
    delete next.metadata.resourceVersion;
    store.update("apps/daemonsets", next);
  }

  private createPod(ds: KObject, nodeName: string, hash: string): KObject {
    const ns = ds.metadata.namespace!;
    const template = ds.spec.template;
    const tolerations = [...(template.spec?.tolerations ?? [])];
    for (const t of DAEMON_TOLERATIONS) if (!tolerates(tolerations, { key: t.key, effect: t.effect })) tolerations.push(t);
    const affinity = {
      ...(template.spec?.affinity ?? {}),
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] }],
        },
      },
    };
    let name: string;
    do name = `${ds.metadata.name}-${this.m.world.random.suffix(5)}`;
    while (this.m.store.get("pods", ns, name));
    const pod = podFromTemplate(template, name, ns, ownerRefTo(ds), {
      labels: { "controller-revision-hash": hash, "pod-template-generation": String(ds.metadata.generation ?? 1) },
      spec: { tolerations, affinity },
    });
    return this.m.store.create("pods", pod);
  }
}

function key(o: KObject): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}
