import type { World } from "../world";
import type { KObject } from "../kube/types";
import { addGkeCluster, addNetwork, addNode, podCidr, seedApiServerEndpoints, seedClusterBasics } from "./infra";
import { applyServiceDefaults } from "../kube/controllers/services";
import { replicaSetFor } from "../kube/controllers/deployment";
import { ownerRefTo } from "../kube/controllers/labels";
import { containerId, imageId, fullImageName } from "../kube/controllers/kubelet";
import { reconcileNow } from "../kube/controllers";
import { createDeployment, serviceObject } from "./builders";

// One cluster at Kubernetes' published limits: 5,000 nodes and 150,000 pods (30 per node),
// in several hundred namespaces of three Deployments each. --nodes / --pods scale it down.
//
// Pods are written already Running and Ready, without events or timers, and kept small: the
// point is a cluster the console must page through, not 150,000 rich pod histories. The
// controllers then fill in ReplicaSet, Deployment and Endpoints status in one pass.

const SCALE_DEFAULT_NODES = 5_000;
const SCALE_DEFAULT_PODS = 150_000;
const PODS_PER_NAMESPACE = 300;
const DEPLOYMENTS_PER_NAMESPACE = 3;
const ZONES = ["us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"];
const APPS = ["api", "worker", "web"];

export function buildScaleScenario(world: World): void {
  const nodeCount = world.options.nodes ?? SCALE_DEFAULT_NODES;
  const podCount = world.options.pods ?? SCALE_DEFAULT_PODS;
  addNetwork(world);
  const cluster = world.addCluster("fleet", "us-central1");
  addGkeCluster(world, cluster, { datapathProvider: "ADVANCED_DATAPATH", calicoEnabled: false, autopilot: false, autoRepair: true }, ZONES);
  const nsCount = Math.max(1, Math.min(500, Math.round(podCount / PODS_PER_NAMESPACE)));
  const namespaces = Array.from({ length: nsCount }, (_, i) => `team-${String(i).padStart(3, "0")}`);
  seedClusterBasics(cluster, namespaces);
  seedApiServerEndpoints(world, cluster);

  const nodes: { name: string; ip: string; cidrBase: string; next: number }[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const name = addNode(world, cluster, { zone: ZONES[i % ZONES.length], index: i });
    const node = cluster.store.get("nodes", undefined, name)!;
    const ip = (node.status.addresses as { type: string; address: string }[]).find((a) => a.type === "InternalIP")!.address;
    nodes.push({ name, ip, cidrBase: podCidr(i).replace(/0\/24$/, ""), next: 2 });
  }

  const now = world.clock.isoNow();
  let placed = 0;
  for (let n = 0; n < nsCount; n++) {
    const ns = namespaces[n];
    // Spread the pods evenly: namespace n gets its share, split over its Deployments.
    const nsPods = Math.floor(((n + 1) * podCount) / nsCount) - Math.floor((n * podCount) / nsCount);
    for (let d = 0; d < DEPLOYMENTS_PER_NAMESPACE; d++) {
      const app = APPS[d];
      const replicas = Math.floor(((d + 1) * nsPods) / DEPLOYMENTS_PER_NAMESPACE) - Math.floor((d * nsPods) / DEPLOYMENTS_PER_NAMESPACE);
      const image = `us-docker.pkg.dev/${world.project}/${ns}/${app}:1.${n % 7}.${d}`;
      const deploy = createDeployment(cluster, ns, app, {
        replicas,
        labels: { app },
        containers: [{ name: app, image, ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }] }],
      });
      const rs = cluster.store.create("apps/replicasets", replicaSetFor(deploy, replicas));
      const owner = ownerRefTo(rs);
      const hash = rs.metadata.labels!["pod-template-hash"];
      const images = { full: fullImageName(image), id: imageId(image) };
      const taken = new Set<string>();
      for (let r = 0; r < replicas; r++) {
        let name: string;
        do name = `${rs.metadata.name}-${world.random.suffix(5)}`;
        while (taken.has(name));
        taken.add(name);
        const node = nodes[placed++ % nodes.length];
        cluster.store.create("pods", runningPod(ns, name, app, hash, image, images, owner, node, now));
      }
      if (d === 0)
        cluster.store.create(
          "services",
          applyServiceDefaults(world, cluster, serviceObject(ns, app, { selector: { app }, ports: [{ name: "http", port: 80, targetPort: "http" }] })),
        );
    }
  }
  reconcileNow(world, cluster);
}

function runningPod(
  ns: string,
  name: string,
  app: string,
  hash: string,
  image: string,
  images: { full: string; id: string },
  owner: KObject["metadata"]["ownerReferences"] extends (infer R)[] | undefined ? R : never,
  node: { name: string; ip: string; cidrBase: string; next: number },
  now: string,
): KObject {
  const podIP = node.cidrBase + node.next++;
  const cond = (type: string) => ({ type, status: "True", lastProbeTime: null, lastTransitionTime: now });
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels: { app, "pod-template-hash": hash }, ownerReferences: [owner] },
    spec: {
      containers: [
        {
          name: app,
          image,
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
          resources: {},
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
          imagePullPolicy: "IfNotPresent",
        },
      ],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      serviceAccountName: "default",
      nodeName: node.name,
      schedulerName: "default-scheduler",
      priority: 0,
    },
    status: {
      phase: "Running",
      conditions: [cond("Initialized"), cond("Ready"), cond("ContainersReady"), cond("PodScheduled")],
      hostIP: node.ip,
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: now,
      containerStatuses: [
        {
          name: app,
          state: { running: { startedAt: now } },
          lastState: {},
          ready: true,
          restartCount: 0,
          image: images.full,
          imageID: images.id,
          containerID: containerId(name, app),
          started: true,
        },
      ],
      qosClass: "BestEffort",
    },
  };
}
