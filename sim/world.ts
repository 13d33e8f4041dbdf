import { SimClock } from "./core/clock";
import { SeededRandom } from "./core/random";
import { GcpState } from "./gcp/state";
import { SimCluster } from "./kube/cluster";
import { Faults } from "./control/faults";

export type ScenarioName = "demo" | "scale" | "empty";

export interface SimOptions {
  scenario: ScenarioName;
  seed: number;
  /** Seconds before a new NetworkPolicy is enforced. */
  netpolDelaySeconds: number;
  /** scale scenario sizing */
  nodes?: number;
  pods?: number;
}

// Everything one simulator process serves: the project, its clusters, simulated time and faults.
export class World {
  readonly clock = new SimClock();
  readonly random: SeededRandom;
  readonly gcp: GcpState;
  readonly clusters = new Map<string, SimCluster>();
  readonly faults = new Faults();

  constructor(
    readonly options: SimOptions,
    project: string,
    projectNumber: string,
  ) {
    this.random = new SeededRandom(options.seed);
    this.gcp = new GcpState(project, projectNumber);
  }

  get project(): string {
    return this.gcp.project;
  }

  addCluster(name: string, location: string, kubernetesVersion = "1.32.4-gke.1106000"): SimCluster {
    const cluster = new SimCluster(name, location, this.project, kubernetesVersion, this.clock, this.random);
    this.clusters.set(name, cluster);
    return cluster;
  }

  stop(): void {
    for (const c of this.clusters.values()) c.stop();
    this.clock.reset();
  }

  /**
   * Back to an empty world with the original seed, ready for the scenario to be built again
   * (POST /_sim/reset). The maps are cleared in place because the server and routers hold
   * this World, not copies of its fields.
   */
  reset(): void {
    this.stop();
    this.clusters.clear();
    for (const value of Object.values(this.gcp)) {
      if (value instanceof Map || value instanceof Set) value.clear();
    }
    this.gcp.iam.accounts.clear();
    this.faults.clear();
    this.random.reseed(this.options.seed);
  }
}
