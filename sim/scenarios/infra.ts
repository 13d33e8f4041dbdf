import type { World } from "../world";
import type { SimCluster } from "../kube/cluster";
import type { GcpJson } from "../gcp/state";

// The GCP and cluster-level basics every scenario shares: a VPC, GKE cluster descriptions,
// and nodes that exist both as Kubernetes Nodes and as GCE instances with boot disks.

export interface GkeFacts {
  /** "ADVANCED_DATAPATH" (Dataplane V2) or "LEGACY_DATAPATH" */
  datapathProvider: "ADVANCED_DATAPATH" | "LEGACY_DATAPATH";
  /** Calico add-on: networkPolicy.enabled and addonsConfig.networkPolicyConfig.disabled == false */
  calicoEnabled: boolean;
  autopilot: boolean;
  /** default-pool's management.autoRepair */
  autoRepair: boolean;
  /** default-pool's management.autoUpgrade (default true, as GKE creates pools) */
  autoUpgrade?: boolean;
  /** default-pool's cluster autoscaler; absent means autoscaling off */
  autoscaling?: { minNodeCount: number; maxNodeCount: number };
  /** default-pool's config.workloadMetadataConfig.mode (default GKE_METADATA, Workload Identity) */
  workloadMetadata?: "GKE_METADATA" | "GCE_METADATA";
}

export const DEFAULT_POOL = "default-pool";
const NODE_IMAGE = "https://www.googleapis.com/compute/v1/projects/gke-node-images/global/images/gke-1324-gke1106000-cos-113-18244-236-5-c-pre";

export function addNetwork(world: World, name = "default"): GcpJson {
  const base = world.gcp.computeBase();
  const network: GcpJson = {
    kind: "compute#network",
    id: world.random.digits(19),
    creationTimestamp: "2025-01-14T09:12:44.118-08:00",
    name,
    selfLink: `${base}/global/networks/${name}`,
    selfLinkWithId: `${base}/global/networks/${name}`,
    autoCreateSubnetworks: true,
    subnetworks: [`${base}/regions/us-central1/subnetworks/${name}`],
    routingConfig: { routingMode: "REGIONAL" },
    networkFirewallPolicyEnforcementOrder: "AFTER_CLASSIC_FIREWALL",
  };
  world.gcp.networks.set(name, network);
  // The four rules every auto-mode "default" network is created with.
  const rule = (ruleName: string, extra: GcpJson) =>
    world.gcp.firewalls.set(ruleName, {
      kind: "compute#firewall",
      id: world.random.digits(19),
      creationTimestamp: "2025-01-14T09:12:51.402-08:00",
      name: ruleName,
      description: extra.description,
      network: network.selfLink,
      priority: 65534,
      sourceRanges: extra.sourceRanges,
      allowed: extra.allowed,
      direction: "INGRESS",
      logConfig: { enable: false },
      disabled: false,
      selfLink: `${base}/global/firewalls/${ruleName}`,
    });
  rule(`${name}-allow-internal`, {
    description: "Allow internal traffic on the default network",
    sourceRanges: ["10.128.0.0/9"],
    allowed: [{ IPProtocol: "tcp", ports: ["0-65535"] }, { IPProtocol: "udp", ports: ["0-65535"] }, { IPProtocol: "icmp" }],
  });
  rule(`${name}-allow-ssh`, { description: "Allow SSH from anywhere", sourceRanges: ["0.0.0.0/0"], allowed: [{ IPProtocol: "tcp", ports: ["22"] }] });
  rule(`${name}-allow-rdp`, { description: "Allow RDP from anywhere", sourceRanges: ["0.0.0.0/0"], allowed: [{ IPProtocol: "tcp", ports: ["3389"] }] });
  rule(`${name}-allow-icmp`, { description: "Allow ICMP from anywhere", sourceRanges: ["0.0.0.0/0"], allowed: [{ IPProtocol: "icmp" }] });
  world.gcp.subnetworks.set(`us-central1/${name}`, {
    kind: "compute#subnetwork",
    id: world.random.digits(19),
    name,
    network: network.selfLink,
    ipCidrRange: "10.128.0.0/20",
    gatewayAddress: "10.128.0.1",
    region: `${base}/regions/us-central1`,
    selfLink: `${base}/regions/us-central1/subnetworks/${name}`,
  });
  return network;
}

/** Records the GKE description of a cluster, the facts NetworkPolicy enforcement derives from. */
export function addGkeCluster(world: World, cluster: SimCluster, facts: GkeFacts, zones: string[]): GcpJson {
  const project = world.project;
  // GKE tags every node "gke-<cluster>-<first 8 hex of the cluster id>-node" and targets its
  // own firewall rules at that tag.
  const id = world.random.hex(64);
  const nodeTag = `gke-${cluster.name}-${id.slice(0, 8)}-node`;
  const description: GcpJson = {
    name: cluster.name,
    id,
    description: `${cluster.name} (simulated)`,
    initialClusterVersion: cluster.kubernetesVersion,
    currentMasterVersion: cluster.kubernetesVersion,
    currentNodeVersion: cluster.kubernetesVersion,
    location: cluster.location,
    // Deprecated but always present: the location, a region for regional clusters.
    // `gcloud container clusters list` sorts by it and crashes on a cluster without one.
    zone: cluster.location,
    locations: zones,
    status: "RUNNING",
    endpoint: `34.${118 + world.clusters.size}.${world.random.int(250)}.${world.random.int(250)}`,
    network: "default",
    subnetwork: "default",
    clusterIpv4Cidr: "10.4.0.0/14",
    servicesIpv4Cidr: "10.8.0.0/20",
    createTime: "2025-02-03T15:20:11+00:00",
    selfLink: `https://container.googleapis.com/v1/projects/${project}/locations/${cluster.location}/clusters/${cluster.name}`,
    networkPolicy: facts.calicoEnabled ? { provider: "CALICO", enabled: true } : {},
    addonsConfig: {
      httpLoadBalancing: {},
      horizontalPodAutoscaling: {},
      networkPolicyConfig: facts.calicoEnabled ? {} : { disabled: true },
      gcePersistentDiskCsiDriverConfig: { enabled: true },
    },
    networkConfig: {
      network: `projects/${project}/global/networks/default`,
      subnetwork: `projects/${project}/regions/us-central1/subnetworks/default`,
      datapathProvider: facts.datapathProvider,
    },
    autopilot: facts.autopilot ? { enabled: true } : {},
    nodePools: [
      {
        name: DEFAULT_POOL,
        config: {
          machineType: "e2-standard-4",
          diskSizeGb: 100,
          imageType: "COS_CONTAINERD",
          diskType: "pd-balanced",
          serviceAccount: "default",
          oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
          metadata: { "disable-legacy-endpoints": "true" },
          workloadMetadataConfig: { mode: facts.workloadMetadata ?? "GKE_METADATA" },
        },
        initialNodeCount: 1,
        locations: zones,
        ...(facts.autoscaling ? { autoscaling: { enabled: true, ...facts.autoscaling, locationPolicy: "BALANCED" } } : {}),
        management: { autoUpgrade: facts.autoUpgrade ?? true, autoRepair: facts.autoRepair },
        upgradeSettings: { maxSurge: 1, maxUnavailable: 0, strategy: "SURGE" },
        instanceGroupUrls: [],
        podIpv4CidrSize: 24,
        status: "RUNNING",
        version: cluster.kubernetesVersion,
        selfLink: `https://container.googleapis.com/v1/projects/${project}/locations/${cluster.location}/clusters/${cluster.name}/nodePools/${DEFAULT_POOL}`,
      },
    ],
    currentNodeCount: 0,
    masterAuth: { clusterCaCertificate: "" },
    releaseChannel: { channel: "REGULAR" },
  };
  world.gcp.gkeClusters.set(`${cluster.location}/${cluster.name}`, description);
  addGkeFirewalls(world, cluster.name, id.slice(0, 8), nodeTag, description);
  for (const pool of description.nodePools) addPoolGroups(world, cluster, pool, nodeTag);
  return description;
}

/**
 * GKE backs a node pool with one zonal managed instance group per zone, each built from its
 * own instance template: "gke-<cluster>-<pool>-<hash>" (template), "…-<hash>-grp" (group),
 * "…-<hash>-<4 chars>" (instances). The pool lists the groups in instanceGroupUrls.
 */
function addPoolGroups(world: World, cluster: SimCluster, pool: GcpJson, nodeTag: string): void {
  const base = world.gcp.computeBase();
  const urls: string[] = [];
  for (const zone of pool.locations as string[]) {
    const prefix = `gke-${cluster.name}-${pool.name}-${world.random.hex(8)}`.slice(0, 54);
    const templateUrl = `${base}/global/instanceTemplates/${prefix}`;
    const migName = `${prefix}-grp`;
    const migUrl = `${base}/zones/${zone}/instanceGroupManagers/${migName}`;
    world.gcp.instanceTemplates.set(prefix, {
      kind: "compute#instanceTemplate",
      id: world.random.digits(19),
      creationTimestamp: "2025-02-03T07:21:30.118-08:00",
      name: prefix,
      description: "",
      properties: {
        machineType: pool.config.machineType,
        canIpForward: true,
        tags: { items: [nodeTag] },
        disks: [
          {
            kind: "compute#attachedDisk",
            type: "PERSISTENT",
            mode: "READ_WRITE",
            deviceName: "persistent-disk-0",
            index: 0,
            boot: true,
            autoDelete: true,
            initializeParams: {
              sourceImage: NODE_IMAGE,
              diskSizeGb: String(pool.config.diskSizeGb),
              diskType: pool.config.diskType,
              labels: { "goog-gke-node": "", "goog-k8s-cluster-name": cluster.name },
            },
          },
        ],
        networkInterfaces: [
          {
            kind: "compute#networkInterface",
            network: `${base}/global/networks/default`,
            subnetwork: `${base}/regions/${zone.replace(/-[a-z]$/, "")}/subnetworks/default`,
            accessConfigs: [{ kind: "compute#accessConfig", type: "ONE_TO_ONE_NAT", name: "external-nat", networkTier: "PREMIUM" }],
            aliasIpRanges: [{ ipCidrRange: "/24", subnetworkRangeName: `gke-${cluster.name}-pods` }],
          },
        ],
        metadata: {
          kind: "compute#metadata",
          items: [
            { key: "cluster-name", value: cluster.name },
            { key: "disable-legacy-endpoints", value: "true" },
          ],
        },
        serviceAccounts: [{ email: `${world.gcp.projectNumber}-compute@developer.gserviceaccount.com`, scopes: pool.config.oauthScopes }],
        scheduling: { onHostMaintenance: "MIGRATE", automaticRestart: true, preemptible: false },
        labels: { "goog-gke-node": "", "goog-k8s-cluster-name": cluster.name, "goog-k8s-node-pool-name": pool.name },
      },
      selfLink: templateUrl,
    });
    world.gcp.instanceGroupManagers.set(`${zone}/${migName}`, {
      kind: "compute#instanceGroupManager",
      id: world.random.digits(19),
      creationTimestamp: "2025-02-03T07:21:31.402-08:00",
      name: migName,
      zone: `${base}/zones/${zone}`,
      instanceTemplate: templateUrl,
      versions: [{ instanceTemplate: templateUrl }],
      instanceGroup: `${base}/zones/${zone}/instanceGroups/${migName}`,
      baseInstanceName: prefix,
      fingerprint: fingerprint(world),
      currentActions: {
        none: 0,
        creating: 0,
        creatingWithoutRetries: 0,
        verifying: 0,
        recreating: 0,
        deleting: 0,
        abandoning: 0,
        restarting: 0,
        refreshing: 0,
        resuming: 0,
        starting: 0,
        stopping: 0,
        suspending: 0,
      },
      status: { isStable: true, versionTarget: { isReached: true }, stateful: { hasStatefulConfig: false, perInstanceConfigs: { allEffective: true } } },
      targetSize: 0,
      updatePolicy: {
        type: "OPPORTUNISTIC",
        minimalAction: "REPLACE",
        maxSurge: { fixed: 1, calculated: 1 },
        maxUnavailable: { fixed: 0, calculated: 0 },
        replacementMethod: "SUBSTITUTE",
      },
      listManagedInstancesResults: "PAGELESS",
      selfLink: migUrl,
    });
    world.gcp.migMembers.set(`${zone}/${migName}`, new Set());
    urls.push(migUrl);
  }
  pool.instanceGroupUrls = urls;
}

/** The pool's managed instance group in a zone: its key ("zone/name") and JSON. */
export function poolGroup(world: World, pool: GcpJson, zone: string): { key: string; mig: GcpJson } | undefined {
  for (const url of (pool.instanceGroupUrls ?? []) as string[]) {
    const m = /\/zones\/([^/]+)\/instanceGroupManagers\/([^/]+)$/.exec(url);
    if (m && m[1] === zone) {
      const key = `${m[1]}/${m[2]}`;
      const mig = world.gcp.instanceGroupManagers.get(key);
      if (mig) return { key, mig };
    }
  }
  return undefined;
}

export function gkeDescription(world: World, cluster: SimCluster): GcpJson | undefined {
  return world.gcp.gkeClusters.get(`${cluster.location}/${cluster.name}`);
}

/** The rules GKE creates with a cluster: pod-to-pod, node-to-node and control-plane SSH. */
function addGkeFirewalls(world: World, clusterName: string, hash: string, nodeTag: string, gke: GcpJson): void {
  const base = world.gcp.computeBase();
  const network = `${base}/global/networks/default`;
  const rule = (suffix: string, sourceRanges: string[], allowed: GcpJson[], priority = 1000) => {
    const name = `gke-${clusterName}-${hash}-${suffix}`;
    world.gcp.firewalls.set(name, {
      kind: "compute#firewall",
      id: world.random.digits(19),
      creationTimestamp: "2025-02-03T07:20:58.917-08:00",
      name,
      description: "",
      network,
      priority,
      sourceRanges,
      targetTags: [nodeTag],
      allowed,
      direction: "INGRESS",
      logConfig: { enable: false },
      disabled: false,
      selfLink: `${base}/global/firewalls/${name}`,
    });
  };
  rule(
    "all",
    [gke.clusterIpv4Cidr],
    [{ IPProtocol: "tcp" }, { IPProtocol: "udp" }, { IPProtocol: "icmp" }, { IPProtocol: "esp" }, { IPProtocol: "ah" }, { IPProtocol: "sctp" }],
  );
  rule("vms", ["10.128.0.0/9"], [{ IPProtocol: "icmp" }, { IPProtocol: "tcp", ports: ["1-65535"] }, { IPProtocol: "udp", ports: ["1-65535"] }]);
  rule("ssh", [`${gke.endpoint}/32`], [{ IPProtocol: "tcp", ports: ["22"] }]);
}

export function seedClusterBasics(cluster: SimCluster, namespaces: string[]): void {
  for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease", ...namespaces]) {
    if (!cluster.store.get("namespaces", undefined, ns)) {
      cluster.store.create("namespaces", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: ns, labels: { "kubernetes.io/metadata.name": ns } },
        spec: { finalizers: ["kubernetes"] },
        status: { phase: "Active" },
      });
    }
  }
  cluster.store.create("services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: {
      type: "ClusterIP",
      clusterIP: "10.8.0.1",
      clusterIPs: ["10.8.0.1"],
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 443 }],
      sessionAffinity: "None",
    },
    status: { loadBalancer: {} },
  });
  seedDefaultRbac(cluster);
}

const RBAC = "rbac.authorization.k8s.io";

// The bootstrap roles a real API server creates that matter to what Airlock asks: cluster-admin
// for system:masters, the aggregated `view` role (its rules come from the aggregate-to-view
// role, as on a real cluster), and system:basic-user, which lets every authenticated user ask
// what it may do (SelfSubjectAccessReview), so `kubectl auth can-i --as=…` reaches the review.
function seedDefaultRbac(cluster: SimCluster): void {
  const role = (name: string, extra: Record<string, unknown>, labels?: Record<string, string>) =>
    cluster.store.create(`${RBAC}/clusterroles`, {
      apiVersion: `${RBAC}/v1`,
      kind: "ClusterRole",
      metadata: { name, labels: { "kubernetes.io/bootstrapping": "rbac-defaults", ...labels } },
      ...extra,
    });
  const bind = (name: string, roleName: string, group: string) =>
    cluster.store.create(`${RBAC}/clusterrolebindings`, {
      apiVersion: `${RBAC}/v1`,
      kind: "ClusterRoleBinding",
      metadata: { name, labels: { "kubernetes.io/bootstrapping": "rbac-defaults" } },
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: roleName },
      subjects: [{ apiGroup: RBAC, kind: "Group", name: group }],
    });
  role("cluster-admin", {
    rules: [
      { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
      { nonResourceURLs: ["*"], verbs: ["*"] },
    ],
  });
  role("view", { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`${RBAC}/aggregate-to-view`]: "true" } }] }, rules: [] });
  role(
    "system:aggregate-to-view",
    {
      rules: [
        {
          apiGroups: [""],
          resources: ["configmaps", "endpoints", "pods", "pods/log", "pods/status", "services", "serviceaccounts", "events"],
          verbs: ["get", "list", "watch"],
        },
        { apiGroups: ["apps"], resources: ["deployments", "replicasets", "daemonsets", "statefulsets"], verbs: ["get", "list", "watch"] },
        { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["get", "list", "watch"] },
      ],
    },
    { [`${RBAC}/aggregate-to-view`]: "true" },
  );
  role("system:basic-user", {
    rules: [{ apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], verbs: ["create"] }],
  });
  bind("cluster-admin", "cluster-admin", "system:masters");
  bind("system:basic-user", "system:basic-user", "system:authenticated");
}

export interface NodeSpec {
  zone: string;
  /** index of the node in its cluster, for IP allocation */
  index: number;
  /** node pool name (default "default-pool") */
  pool?: string;
  /** a dual-stack subnetwork (addDualStackSubnet) to put the VM in, with an external IPv6 address; default: the IPv4-only "default" */
  dualStackSubnet?: string;
}

/** The external IPv6 /64 of the dual-stack subnetwork (documentation prefix). */
export const DUAL_STACK_IPV6_PREFIX = "2001:db8:4000:7a00::/64";

/**
 * A dual-stack (IPV4_IPV6, external IPv6) subnetwork of the "default" network in `region`: VMs in
 * it have an IPv6 address too, so IPv4-only firewall rules leave them reachable over IPv6.
 * addNode gives a node in it an address from `ipCidrRange` (a /16-aligned x.y.0.0 range).
 */
export function addDualStackSubnet(world: World, name: string, ipCidrRange: string, region: string): GcpJson {
  const base = world.gcp.computeBase();
  const network = world.gcp.networks.get("default")!;
  const selfLink = `${base}/regions/${region}/subnetworks/${name}`;
  const subnet: GcpJson = {
    kind: "compute#subnetwork",
    id: world.random.digits(19),
    creationTimestamp: "2025-01-20T10:02:11.512-08:00",
    name,
    network: network.selfLink,
    ipCidrRange,
    gatewayAddress: ipCidrRange.replace(/\.0\/\d+$/, ".1"),
    region: `${base}/regions/${region}`,
    selfLink,
    stackType: "IPV4_IPV6",
    ipv6AccessType: "EXTERNAL",
    externalIpv6Prefix: DUAL_STACK_IPV6_PREFIX,
    privateIpGoogleAccess: false,
    purpose: "PRIVATE",
    fingerprint: world.random.hex(16),
  };
  world.gcp.subnetworks.set(`${region}/${name}`, subnet);
  network.subnetworks = [...(network.subnetworks as string[]), selfLink];
  return subnet;
}

/** A Node and the GCE instance (with boot disk and external IP) behind it, named alike. */
export function addNode(world: World, cluster: SimCluster, spec: NodeSpec): string {
  const poolName = spec.pool ?? DEFAULT_POOL;
  const pool = (gkeDescription(world, cluster)?.nodePools ?? []).find((p: GcpJson) => p.name === poolName);
  const group = pool ? poolGroup(world, pool, spec.zone) : undefined;
  const prefix = group ? (group.mig.baseInstanceName as string) : `gke-${cluster.name}-${poolName}-${world.random.hex(8)}`;
  // Suffixes are drawn per group, so a big group can draw one twice: draw again.
  let name: string;
  do name = `${prefix}-${world.random.suffix(4)}`;
  while (world.gcp.instances.has(`${spec.zone}/${name}`));
  const region = spec.zone.replace(/-[a-z]$/, "");
  const internalIP = ipFromIndex(subnetPrefix(world, region, spec.dualStackSubnet), spec.index + 2 + world.clusters.size * 1000);
  const externalIP = `35.${192 + world.clusters.size}.${Math.floor(spec.index / 250) % 250}.${(spec.index % 250) + 3}`;
  const base = world.gcp.computeBase();
  const diskName = name;
  const instanceUrl = `${base}/zones/${spec.zone}/instances/${name}`;

  world.gcp.disks.set(`${spec.zone}/${diskName}`, {
    kind: "compute#disk",
    id: world.random.digits(19),
    creationTimestamp: "2025-02-03T07:21:40.402-08:00",
    name: diskName,
    sizeGb: "100",
    zone: `${base}/zones/${spec.zone}`,
    status: "READY",
    selfLink: `${base}/zones/${spec.zone}/disks/${diskName}`,
    sourceImage: NODE_IMAGE,
    type: `${base}/zones/${spec.zone}/diskTypes/pd-balanced`,
    users: [instanceUrl],
    labels: { "goog-gke-node": "", "goog-k8s-cluster-name": cluster.name },
    labelFingerprint: world.random.hex(16),
    physicalBlockSizeBytes: "4096",
    architecture: "X86_64",
  });

  world.gcp.instances.set(`${spec.zone}/${name}`, {
    kind: "compute#instance",
    id: world.random.digits(19),
    creationTimestamp: "2025-02-03T07:21:39.977-08:00",
    name,
    tags: { items: [gkeNodeTag(world, cluster)], fingerprint: fingerprint(world) },
    machineType: `${base}/zones/${spec.zone}/machineTypes/e2-standard-4`,
    status: "RUNNING",
    zone: `${base}/zones/${spec.zone}`,
    canIpForward: true,
    networkInterfaces: [
      {
        kind: "compute#networkInterface",
        network: `${base}/global/networks/default`,
        subnetwork: `${base}/regions/${region}/subnetworks/${spec.dualStackSubnet ?? "default"}`,
        networkIP: internalIP,
        name: "nic0",
        accessConfigs: [{ kind: "compute#accessConfig", type: "ONE_TO_ONE_NAT", name: "external-nat", natIP: externalIP, networkTier: "PREMIUM" }],
        aliasIpRanges: [{ ipCidrRange: podCidr(spec.index), subnetworkRangeName: `gke-${cluster.name}-pods` }],
        fingerprint: fingerprint(world),
        stackType: spec.dualStackSubnet ? "IPV4_IPV6" : "IPV4_ONLY",
        ...(spec.dualStackSubnet
          ? {
              ipv6AccessType: "EXTERNAL",
              ipv6AccessConfigs: [
                {
                  kind: "compute#accessConfig",
                  type: "DIRECT_IPV6",
                  name: "external-ipv6",
                  externalIpv6: `${DUAL_STACK_IPV6_PREFIX.split("::")[0]}:0:${world.clusters.size}${spec.index}::`,
                  externalIpv6PrefixLength: 96,
                  networkTier: "PREMIUM",
                },
              ],
            }
          : {}),
      },
    ],
    disks: [
      {
        kind: "compute#attachedDisk",
        type: "PERSISTENT",
        mode: "READ_WRITE",
        source: `${base}/zones/${spec.zone}/disks/${diskName}`,
        deviceName: "persistent-disk-0",
        index: 0,
        boot: true,
        autoDelete: true,
        interface: "SCSI",
        diskSizeGb: "100",
        architecture: "X86_64",
      },
    ],
    metadata: {
      kind: "compute#metadata",
      fingerprint: fingerprint(world),
      items: [
        { key: "cluster-name", value: cluster.name },
        ...(group
          ? [
              { key: "created-by", value: `projects/${world.gcp.projectNumber}/zones/${spec.zone}/instanceGroupManagers/${group.mig.name}` },
              { key: "instance-template", value: `projects/${world.gcp.projectNumber}/global/instanceTemplates/${prefix}` },
            ]
          : []),
      ],
    },
    serviceAccounts: [
      { email: `${world.gcp.projectNumber}-compute@developer.gserviceaccount.com`, scopes: ["https://www.googleapis.com/auth/cloud-platform"] },
    ],
    selfLink: instanceUrl,
    scheduling: { onHostMaintenance: "MIGRATE", automaticRestart: true, preemptible: false },
    cpuPlatform: "AMD Rome",
    labels: { "goog-gke-node": "", "goog-k8s-cluster-name": cluster.name, "goog-k8s-node-pool-name": poolName },
    labelFingerprint: fingerprint(world),
    fingerprint: fingerprint(world),
  });

  const gke = world.gcp.gkeClusters.get(`${cluster.location}/${cluster.name}`);
  if (gke) gke.currentNodeCount = (gke.currentNodeCount ?? 0) + 1;
  if (group) {
    world.gcp.migMembers.get(group.key)?.add(name);
    group.mig.targetSize = (group.mig.targetSize ?? 0) + 1;
    group.mig.currentActions.none = group.mig.targetSize;
  }

  cluster.store.create("nodes", {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "beta.kubernetes.io/arch": "amd64",
        "node.kubernetes.io/instance-type": "e2-standard-4",
        "topology.kubernetes.io/zone": spec.zone,
        "topology.kubernetes.io/region": region,
        "failure-domain.beta.kubernetes.io/zone": spec.zone,
        "cloud.google.com/gke-nodepool": poolName,
        "cloud.google.com/gke-container-runtime": "containerd",
        "cloud.google.com/gke-os-distribution": "cos",
        "cloud.google.com/machine-family": "e2",
      },
      annotations: { "node.alpha.kubernetes.io/ttl": "0", "container.googleapis.com/instance_id": world.gcp.instances.get(`${spec.zone}/${name}`)!.id },
    },
    spec: {
      podCIDR: podCidr(spec.index),
      podCIDRs: [podCidr(spec.index)],
      providerID: `gce://${world.project}/${spec.zone}/${name}`,
    },
    status: {
      capacity: { cpu: "4", "ephemeral-storage": "98831908Ki", memory: "16393220Ki", pods: "110" },
      allocatable: { cpu: "3920m", "ephemeral-storage": "47060071478", memory: "13409284Ki", pods: "110" },
      conditions: [
        {
          type: "MemoryPressure",
          status: "False",
          reason: "KubeletHasSufficientMemory",
          message: "kubelet has sufficient memory available",
          lastHeartbeatTime: "2026-11-26T00:00:00Z",
          lastTransitionTime: "2025-02-03T15:22:02Z",
        },
        {
          type: "DiskPressure",
          status: "False",
          reason: "KubeletHasNoDiskPressure",
          message: "kubelet has no disk pressure",
          lastHeartbeatTime: "2026-11-26T00:00:00Z",
          lastTransitionTime: "2025-02-03T15:22:02Z",
        },
        {
          type: "PIDPressure",
          status: "False",
          reason: "KubeletHasSufficientPID",
          message: "kubelet has sufficient PID available",
          lastHeartbeatTime: "2026-11-26T00:00:00Z",
          lastTransitionTime: "2025-02-03T15:22:02Z",
        },
        {
          type: "Ready",
          status: "True",
          reason: "KubeletReady",
          message: "kubelet is posting ready status. AppArmor enabled",
          lastHeartbeatTime: "2026-11-26T00:00:00Z",
          lastTransitionTime: "2025-02-03T15:22:12Z",
        },
      ],
      addresses: [
        { type: "InternalIP", address: internalIP },
        { type: "ExternalIP", address: externalIP },
        { type: "InternalDNS", address: `${name}.${spec.zone}.c.${world.project}.internal` },
        { type: "Hostname", address: `${name}.${spec.zone}.c.${world.project}.internal` },
      ],
      nodeInfo: {
        machineID: world.random.hex(32),
        systemUUID: world.random.uuid(),
        bootID: world.random.uuid(),
        kernelVersion: "6.1.112+",
        osImage: "Container-Optimized OS from Google",
        containerRuntimeVersion: "containerd://1.7.24",
        kubeletVersion: `v${cluster.kubernetesVersion}`,
        kubeProxyVersion: `v${cluster.kubernetesVersion}`,
        operatingSystem: "linux",
        architecture: "amd64",
      },
    },
  });
  return name;
}

/** A /24 per node from 10.4.0.0 upward, so even thousands of nodes get distinct pod ranges. */
export function podCidr(index: number): string {
  return `10.${4 + Math.floor(index / 256)}.${index % 256}.0/24`;
}

/**
 * The endpoints of the `kubernetes` Service: the control plane's address. The Service has no
 * selector, so the endpoints controller leaves them as written here.
 */
export function seedApiServerEndpoints(world: World, cluster: SimCluster): void {
  const gke = world.gcp.gkeClusters.get(`${cluster.location}/${cluster.name}`);
  const ip = (gke?.endpoint as string | undefined) ?? "172.16.0.2";
  const labels = { "endpointslice.kubernetes.io/skip-mirror": "true" };
  if (!cluster.store.get("endpoints", "default", "kubernetes")) {
    cluster.store.create("endpoints", {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name: "kubernetes", namespace: "default", labels },
      subsets: [{ addresses: [{ ip }], ports: [{ name: "https", port: 443, protocol: "TCP" }] }],
    });
  }
  if (!cluster.store.get("discovery.k8s.io/endpointslices", "default", "kubernetes")) {
    cluster.store.create("discovery.k8s.io/endpointslices", {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "kubernetes", namespace: "default", labels: { "kubernetes.io/service-name": "kubernetes" } },
      addressType: "IPv4",
      endpoints: [{ addresses: [ip], conditions: { ready: true } }],
      ports: [{ name: "https", port: 443, protocol: "TCP" }],
    });
  }
}

export function fingerprint(world: World): string {
  // Real fingerprints are 8 bytes in URL-safe base64 (with padding).
  const bytes = Buffer.alloc(8);
  for (let i = 0; i < 8; i++) bytes[i] = world.random.int(256);
  return bytes.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

function gkeNodeTag(world: World, cluster: SimCluster): string {
  const id: string | undefined = world.gcp.gkeClusters.get(`${cluster.location}/${cluster.name}`)?.id;
  return `gke-${cluster.name}-${(id ?? "00000000").slice(0, 8)}-node`;
}

/** The first two octets of a node's subnetwork range: the dual-stack one it names, else "default"'s 10.128. */
function subnetPrefix(world: World, region: string, dualStackSubnet: string | undefined): string {
  if (!dualStackSubnet) return "10.128";
  const subnet = world.gcp.subnetworks.get(`${region}/${dualStackSubnet}`);
  if (!subnet) throw new Error(`addNode: no subnetwork ${dualStackSubnet} in ${region} (addDualStackSubnet first)`);
  return String(subnet.ipCidrRange).split(".").slice(0, 2).join(".");
}

function ipFromIndex(prefix: string, n: number): string {
  return `${prefix}.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
}
