import type { KObject, StoreEvent } from "../types";
import type { Controller, ControllerManager } from "./manager";
import { recordEvent } from "../events";
import { controllerOf, deepEqual, isPodActive, isPodReady, isTerminating, ownerRefTo } from "./labels";
import { podFromTemplate } from "./podtemplate";
import { podTemplateHash } from "./deployment";
import { deletePodGracefully } from "./termination";

// StatefulSets: pods <name>-0..n-1 with stable identity. OrderedReady is honoured in the
// simple form: ordinal i is created once i-1 is Ready; scale-down removes the highest first.

const SOURCE = { component: "statefulset-controller" };

export class StatefulSetController implements Controller {
  readonly name = "statefulset";

  constructor(private readonly m: ControllerManager) {}

  resyncAll(): void {
    for (const s of this.m.store.scan("apps/statefulsets")) this.m.enqueue(this, key(s));
  }

  observe(e: StoreEvent, previous?: KObject): void {
    if (e.resource === "apps/statefulsets") {
      if (e.type !== "DELETED") this.m.enqueue(this, key(e.object));
    } else if (e.resource === "pods") {
      for (const pod of [previous, e.object]) {
        const ref = pod && controllerOf(pod);
        if (ref?.kind === "StatefulSet") this.m.enqueue(this, `${pod!.metadata.namespace}/${ref.name}`);
      }
    }
  }

  sync(k: string): void {
    const [ns, name] = k.split("/");
    const sts = this.m.store.get("apps/statefulsets", ns, name);
    if (!sts) return;
    const { world, cluster, store } = this.m;
    const replicas = (sts.spec?.replicas as number | undefined) ?? 1;
    const hash = `${name}-${podTemplateHash(sts.spec?.template)}`;
    const ordered = (sts.spec?.podManagementPolicy ?? "OrderedReady") === "OrderedReady";
    const byOrdinal = new Map<number, KObject>();
    for (const pod of this.m.dependentsOf(sts.metadata.uid!, "pods")) {
      if (controllerOf(pod)?.uid !== sts.metadata.uid) continue;
      const m = new RegExp(`^${name}-(\\d+)$`).exec(pod.metadata.name);
      if (m) byOrdinal.set(Number(m[1]), pod);
    }
    if (!isTerminating(sts)) {
      for (let i = 0; i < replicas; i++) {
        const pod = byOrdinal.get(i);
        if (pod && isPodActive(pod)) {
          if (ordered && !isPodReady(pod)) break;
          continue;
        }
        if (pod) break; // the old pod with this name is still going away
        const created = this.createPod(sts, i, hash);
        byOrdinal.set(i, created);
        recordEvent(world, cluster, sts, "Normal", "SuccessfulCreate", `create Pod ${created.metadata.name} in StatefulSet ${name} successful`, SOURCE);
        if (ordered) break;
      }
      const surplus = [...byOrdinal.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
      for (const i of surplus) {
        const pod = byOrdinal.get(i)!;
        if (!isTerminating(pod)) {
          deletePodGracefully(world, cluster, pod);
          recordEvent(world, cluster, sts, "Normal", "SuccessfulDelete", `delete Pod ${pod.metadata.name} in StatefulSet ${name} successful`, SOURCE);
        }
        if (ordered) break;
      }
    }
    const pods = [...byOrdinal.values()].map((p) => store.get("pods", ns, p.metadata.name)).filter((p): p is KObject => !!p && isPodActive(p));
    const ready = pods.filter(isPodReady).length;
    const status: Record<string, unknown> = {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas: pods.length,
      readyReplicas: ready,
      currentReplicas: pods.length,
      updatedReplicas: pods.length,
      currentRevision: hash,
      updateRevision: hash,
      collisionCount: 0,
      availableReplicas: ready,
    };
    if (!ready) delete status.readyReplicas;
    if (deepEqual(status, sts.status)) return;
    const next = structuredClone(sts);
    next.status = status;
    delete next.metadata.resourceVersion;
    store.update("apps/statefulsets", next);
  }

  private createPod(sts: KObject, ordinal: number, revision: string): KObject {
    const ns = sts.metadata.namespace!;
    const name = `${sts.metadata.name}-${ordinal}`;
    const pod = podFromTemplate(sts.spec.template, name, ns, ownerRefTo(sts), {
      labels: { "controller-revision-hash": revision, "statefulset.kubernetes.io/pod-name": name, "apps.kubernetes.io/pod-index": String(ordinal) },
      hostname: name,
      spec: sts.spec.serviceName ? { subdomain: sts.spec.serviceName } : {},
    });
    return this.m.store.create("pods", pod);
  }
}

function key(o: KObject): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}
