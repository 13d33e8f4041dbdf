import { ClusterStore } from "./store";
import type { SimClock } from "../core/clock";
import type { SeededRandom } from "../core/random";

export interface AccessDenial {
  verb: string; // "*" for every verb
  resource: string; // "*" for every resource, else plural with optional "/subresource"
  group?: string;
  namespace?: string;
}

// One simulated Kubernetes cluster: its object store and the facts that tie it to GKE.
export class SimCluster {
  readonly store: ClusterStore;
  /** Verbs SelfSubjectAccessReview answers "denied" for (set through /_sim/). */
  readonly accessDenials: AccessDenial[] = [];
  readonly stops: (() => void)[] = [];
  /** Whether the kubelets serve POST /checkpoint (feature gate ContainerCheckpoint and a runtime with CRIU). */
  kubeletCheckpoint = false;

  constructor(
    readonly name: string,
    readonly location: string,
    readonly project: string,
    readonly kubernetesVersion: string,
    clock: SimClock,
    random: SeededRandom,
  ) {
    this.store = new ClusterStore(clock, random);
  }

  /** The context name gcloud container clusters get-credentials writes. */
  contextName(): string {
    return `gke_${this.project}_${this.location}_${this.name}`;
  }

  stop(): void {
    for (const s of this.stops.splice(0)) s();
  }
}
