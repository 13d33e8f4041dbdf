import type { KObject, StoreEvent } from "../types";
import type { Controller, ControllerManager } from "./manager";
import { recordEvent } from "../events";
import { canonicalJson, controllerOf, deepEqual, isTerminating, ownerRefTo, selectorMatches } from "./labels";
import { fnv32a, safeEncode } from "./podtemplate";

// The Deployment controller: one ReplicaSet per pod template, named <deployment>-<hash> with
// the pod-template-hash label, revisions in annotations, and a simple rolling update (the new
// ReplicaSet gets the full count, old ones shrink as new pods become available).

const SOURCE = { component: "deployment-controller" };
const HASH = "pod-template-hash";
const REVISION = "deployment.kubernetes.io/revision";

/** ComputeHash: FNV-32a over the template (and collision count), rendered as the real one is. */
export function podTemplateHash(template: unknown, collisionCount?: number): string {
  const text = canonicalJson(template) + (collisionCount ? String(collisionCount) : "");
  return safeEncode(String(fnv32a(text)));
}

function templateWithoutHash(t: KObject["spec"]): unknown {
  const copy = structuredClone(t ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[HASH];
  return copy;
}

function maxUnavailableOf(d: KObject, desired: number): number {
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const v = ru.maxUnavailable ?? "25%";
  if (d.spec?.strategy?.type === "Recreate") return desired;
  return typeof v === "number" ? v : Math.floor((parseInt(String(v), 10) / 100) * desired);
}

/** The ReplicaSet the controller makes for a Deployment's current template (not stored). */
export function replicaSetFor(d: KObject, replicas: number, revision = 1, collisionCount = 0): KObject {
  const hash = podTemplateHash(d.spec.template, collisionCount);
  const template = structuredClone(d.spec.template);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [HASH]: hash } };
  const selector = structuredClone(d.spec.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH]: hash };
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...(template.metadata.labels ?? {}) },
      annotations: {
        "deployment.kubernetes.io/desired-replicas": String(replicas),
        "deployment.kubernetes.io/max-replicas": String(replicas + maxSurgeOf(d, replicas)),
        [REVISION]: String(revision),
      },
      ownerReferences: [ownerRefTo(d)],
    },
    spec: { replicas, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    status: { replicas: 0 },
  };
}

export class DeploymentController implements Controller {
  readonly name = "deployment";

  constructor(private readonly m: ControllerManager) {}

  resyncAll(): void {
    for (const d of this.m.store.scan("apps/deployments")) this.m.enqueue(this, key(d));
  }

  observe(e: StoreEvent): void {
    if (e.resource === "apps/deployments") {
      if (e.type !== "DELETED") this.m.enqueue(this, key(e.object));
    } else if (e.resource === "apps/replicasets") {
      const ref = controllerOf(e.object);
      if (ref?.kind === "Deployment") this.m.enqueue(this, `${e.object.metadata.namespace}/${ref.name}`);
    }
  }

  sync(k: string): void {
    const [ns, name] = k.split("/");
    const d = this.m.store.get("apps/deployments", ns, name);
    if (!d || isTerminating(d)) return;
    const { world, cluster, store } = this.m;
    const uid = d.metadata.uid!;
    const desired = (d.spec?.replicas as number | undefined) ?? 1;
    const owned: KObject[] = [];
    for (const rs of store.scan("apps/replicasets", { namespace: ns })) {
      const ref = controllerOf(rs);
      if (ref?.uid === uid) owned.push(rs);
      else if (!ref && !isTerminating(rs) && selectorMatches(d.spec?.selector, rs.metadata.labels)) {
        const next = structuredClone(rs);
        next.metadata.ownerReferences = [...(next.metadata.ownerReferences ?? []), ownerRefTo(d)];
        delete next.metadata.resourceVersion;
        owned.push(store.update("apps/replicasets", next));
      }
    }
    const wanted = canonicalJson(templateWithoutHash(d.spec?.template));
    let newRS = owned.find((rs) => canonicalJson(templateWithoutHash(rs.spec?.template)) === wanted);
    const oldRSs = owned.filter((rs) => rs !== newRS);
    const maxRevision = Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0)));

    if (!newRS) {
      newRS = this.createReplicaSet(d, desired, maxRevision + 1);
      recordEvent(world, cluster, d, "Normal", "ScalingReplicaSet", `Scaled up replica set ${newRS.metadata.name} from 0 to ${desired}`, SOURCE);
    } else {
      const rev = Number(newRS.metadata.annotations?.[REVISION] ?? 0);
      const current = newRS.spec?.replicas ?? 0;
      const needsRevision = oldRSs.length > 0 && rev < maxRevision;
      if (current !== desired || needsRevision || newRS.metadata.annotations?.["deployment.kubernetes.io/desired-replicas"] !== String(desired)) {
        newRS = this.scale(newRS, desired, needsRevision ? maxRevision + 1 : rev, desired, d);
        if (current !== desired) {
          recordEvent(
            world,
            cluster,
            d,
            "Normal",
            "ScalingReplicaSet",
            `Scaled ${current < desired ? "up" : "down"} replica set ${newRS.metadata.name} from ${current} to ${desired}`,
            SOURCE,
          );
        }
      }
    }

    // Old ReplicaSets shrink as the new one's pods become available, keeping availability.
    const newAvailable = (newRS.status?.availableReplicas as number | undefined) ?? 0;
    const minAvailable = Math.max(0, desired - maxUnavailableOf(d, desired));
    let allowedOld = Math.max(0, minAvailable - newAvailable);
    if (d.spec?.strategy?.type === "Recreate") allowedOld = 0;
    for (const rs of oldRSs) {
      const current = rs.spec?.replicas ?? 0;
      const target = Math.min(current, allowedOld);
      allowedOld -= target;
      if (target !== current) {
        this.scale(rs, target, Number(rs.metadata.annotations?.[REVISION] ?? 0), desired, d);
        recordEvent(world, cluster, d, "Normal", "ScalingReplicaSet", `Scaled down replica set ${rs.metadata.name} from ${current} to ${target}`, SOURCE);
      }
    }

    this.updateStatus(d, newRS, owned.filter((rs) => rs.metadata.uid !== newRS!.metadata.uid).concat(newRS), desired);
  }

  private createReplicaSet(d: KObject, replicas: number, revision: number): KObject {
    const store = this.m.store;
    const ns = d.metadata.namespace!;
    let collision = (d.status?.collisionCount as number | undefined) ?? 0;
    while (store.get("apps/replicasets", ns, `${d.metadata.name}-${podTemplateHash(d.spec.template, collision)}`)) collision++;
    return store.create("apps/replicasets", replicaSetFor(d, replicas, revision, collision));
  }

  private scale(rs: KObject, replicas: number, revision: number, desired: number, d: KObject): KObject {
    const next = structuredClone(rs);
    next.spec.replicas = replicas;
    next.metadata.annotations = {
      ...(next.metadata.annotations ?? {}),
      "deployment.kubernetes.io/desired-replicas": String(desired),
      "deployment.kubernetes.io/max-replicas": String(desired + maxSurgeOf(d, desired)),
      [REVISION]: String(revision),
    };
    delete next.metadata.resourceVersion;
    return this.m.store.update("apps/replicasets", next);
  }

  private updateStatus(d: KObject, newRS: KObject, all: KObject[], desired: number): void {
    const now = this.m.world.clock.isoNow();
    const sum = (f: string) => all.reduce((n, rs) => n + ((rs.status?.[f] as number | undefined) ?? 0), 0);
    const replicas = sum("replicas");
    const ready = sum("readyReplicas");
    const available = sum("availableReplicas");
    const updated = (newRS.status?.replicas as number | undefined) ?? 0;
    const minAvailable = Math.max(0, desired - maxUnavailableOf(d, desired));
    const complete = updated === desired && replicas === desired && available >= desired && (newRS.status?.availableReplicas ?? 0) === desired;
    const old = (d.status?.conditions ?? []) as {
      type: string;
      status: string;
      reason: string;
      message: string;
      lastUpdateTime: string;
      lastTransitionTime: string;
    }[];
    const condition = (type: string, status: string, reason: string, message: string) => {
      const prev = old.find((c) => c.type === type);
      const same = prev && prev.status === status && prev.reason === reason && prev.message === message;
      return {
        type,
        status,
        lastUpdateTime: same ? prev.lastUpdateTime : now,
        lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now,
        reason,
        message,
      };
    };
    const availableCond =
      available >= minAvailable
        ? condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
        : condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.");
    const progressing = complete
      ? condition("Progressing", "True", "NewReplicaSetAvailable", `ReplicaSet "${newRS.metadata.name}" has successfully progressed.`)
      : condition("Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${newRS.metadata.name}" is progressing.`);
    const status: Record<string, unknown> = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      unavailableReplicas: Math.max(0, replicas - available),
      conditions: [availableCond, progressing],
    };
    for (const f of ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"]) if (!status[f]) delete status[f];
    if (d.status?.collisionCount) status.collisionCount = d.status.collisionCount;
    if (deepEqual(status, d.status)) return;
    const next = structuredClone(d);
    next.status = status;
    delete next.metadata.resourceVersion;
    this.m.store.update("apps/deployments", next);
  }
}

function maxSurgeOf(d: KObject, desired: number): number {
  const v = d.spec?.strategy?.rollingUpdate?.maxSurge ?? "25%";
  return typeof v === "number" ? v : Math.ceil((parseInt(String(v), 10) / 100) * desired);
}

function key(o: KObject): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}
