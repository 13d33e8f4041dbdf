import YAML from "yaml";
import { ApiError, badRequest } from "../errors";
import type { ResourceType } from "../resources";

// Request bodies are decoded the way the API server decodes them into Go structs: a value of
// the wrong JSON type fails the whole request with 400 and encoding/json's message, e.g. the
// playbook's `quarantine: true` (ERRATA 1):
//   NetworkPolicy in version "v1" cannot be handled as a NetworkPolicy: json: cannot unmarshal
//   bool into Go struct field LabelSelector.spec.podSelector.matchLabels of type string
// Only the fields this simulator's kinds carry are typed; anything else is accepted as is.

type Prim = "string" | "int32" | "int64" | "bool" | "intstr" | "any";
type GoType = Prim | { struct: string; fields: Record<string, GoType> } | { map: GoType } | { slice: GoType };

const S = "string" as const;
const I32 = "int32" as const;
const I64 = "int64" as const;
const B = "bool" as const;
const IOS = "intstr" as const;
const strMap: GoType = { map: S };
const strList: GoType = { slice: S };
const struct = (name: string, fields: Record<string, GoType>): GoType => ({ struct: name, fields });

const OWNER_REF = struct("OwnerReference", { apiVersion: S, kind: S, name: S, uid: S, controller: B, blockOwnerDeletion: B });
const OBJECT_META = struct("ObjectMeta", {
  name: S,
  generateName: S,
  namespace: S,
  uid: S,
  resourceVersion: S,
  generation: I64,
  labels: strMap,
  annotations: strMap,
  finalizers: strList,
  ownerReferences: { slice: OWNER_REF },
});
const LABEL_SELECTOR = struct("LabelSelector", {
  matchLabels: strMap,
  matchExpressions: { slice: struct("LabelSelectorRequirement", { key: S, operator: S, values: strList }) },
});
const CONTAINER = struct("Container", {
  name: S,
  image: S,
  command: strList,
  args: strList,
  workingDir: S,
  imagePullPolicy: S,
  ports: { slice: struct("ContainerPort", { name: S, hostPort: I32, containerPort: I32, protocol: S, hostIP: S }) },
  env: { slice: struct("EnvVar", { name: S, value: S }) },
  volumeMounts: { slice: struct("VolumeMount", { name: S, readOnly: B, mountPath: S, subPath: S }) },
  stdin: B,
  tty: B,
});
const POD_SPEC = struct("PodSpec", {
  containers: { slice: CONTAINER },
  initContainers: { slice: CONTAINER },
  volumes: { slice: struct("Volume", { name: S }) },
  restartPolicy: S,
  terminationGracePeriodSeconds: I64,
  activeDeadlineSeconds: I64,
  dnsPolicy: S,
  nodeSelector: strMap,
  serviceAccountName: S,
  nodeName: S,
  hostNetwork: B,
  hostPID: B,
  priority: I32,
  schedulerName: S,
  tolerations: { slice: struct("Toleration", { key: S, operator: S, value: S, effect: S, tolerationSeconds: I64 }) },
});
const POD_TEMPLATE = struct("PodTemplateSpec", { metadata: OBJECT_META, spec: POD_SPEC });
const NP_PEER = struct("NetworkPolicyPeer", {
  podSelector: LABEL_SELECTOR,
  namespaceSelector: LABEL_SELECTOR,
  ipBlock: struct("IPBlock", { cidr: S, except: strList }),
});
const NP_PORT = struct("NetworkPolicyPort", { protocol: S, port: IOS, endPort: I32 });

const TOP: Record<string, Record<string, GoType>> = {
  namespaces: { spec: struct("NamespaceSpec", { finalizers: strList }) },
  nodes: {
    spec: struct("NodeSpec", {
      podCIDR: S,
      podCIDRs: strList,
      providerID: S,
      unschedulable: B,
      taints: { slice: struct("Taint", { key: S, value: S, effect: S }) },
    }),
  },
  pods: { spec: POD_SPEC },
  services: {
    spec: struct("ServiceSpec", {
      ports: { slice: struct("ServicePort", { name: S, protocol: S, appProtocol: S, port: I32, targetPort: IOS, nodePort: I32 }) },
      selector: strMap,
      clusterIP: S,
      clusterIPs: strList,
      type: S,
      externalIPs: strList,
      sessionAffinity: S,
      loadBalancerIP: S,
      externalName: S,
      externalTrafficPolicy: S,
    }),
  },
  configmaps: { data: strMap },
  "apps/deployments": {
    spec: struct("DeploymentSpec", {
      replicas: I32,
      selector: LABEL_SELECTOR,
      template: POD_TEMPLATE,
      minReadySeconds: I32,
      revisionHistoryLimit: I32,
      paused: B,
      progressDeadlineSeconds: I32,
    }),
  },
  "apps/replicasets": { spec: struct("ReplicaSetSpec", { replicas: I32, minReadySeconds: I32, selector: LABEL_SELECTOR, template: POD_TEMPLATE }) },
  "apps/daemonsets": { spec: struct("DaemonSetSpec", { selector: LABEL_SELECTOR, template: POD_TEMPLATE, minReadySeconds: I32 }) },
  "apps/statefulsets": { spec: struct("StatefulSetSpec", { replicas: I32, selector: LABEL_SELECTOR, template: POD_TEMPLATE, serviceName: S }) },
  "batch/jobs": {
    spec: struct("JobSpec", {
      parallelism: I32,
      completions: I32,
      activeDeadlineSeconds: I64,
      backoffLimit: I32,
      selector: LABEL_SELECTOR,
      template: POD_TEMPLATE,
    }),
  },
  "networking.k8s.io/networkpolicies": {
    spec: struct("NetworkPolicySpec", {
      podSelector: LABEL_SELECTOR,
      ingress: { slice: struct("NetworkPolicyIngressRule", { ports: { slice: NP_PORT }, from: { slice: NP_PEER } }) },
      egress: { slice: struct("NetworkPolicyEgressRule", { ports: { slice: NP_PORT }, to: { slice: NP_PEER } }) },
      policyTypes: strList,
    }),
  },
  "policy/poddisruptionbudgets": {
    spec: struct("PodDisruptionBudgetSpec", { minAvailable: IOS, maxUnavailable: IOS, selector: LABEL_SELECTOR, unhealthyPodEvictionPolicy: S }),
  },
};

function topType(t: ResourceType): GoType {
  return struct(t.kind, { apiVersion: S, kind: S, metadata: OBJECT_META, ...(TOP[t.key] ?? {}) });
}

function goName(t: GoType): string {
  if (typeof t === "string") return t === "intstr" ? "intstr.IntOrString" : t;
  if ("struct" in t) return `v1.${t.struct}`;
  if ("map" in t) return `map[string]${goName(t.map)}`;
  return `[]${goName(t.slice)}`;
}

function jsonTypeOf(v: unknown): string {
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return "number";
  if (typeof v === "string") return "string";
  if (Array.isArray(v)) return "array";
  return "object";
}

class TypeError_ {
  constructor(readonly message: string) {}
}

function check(value: unknown, t: GoType, owner: string, path: string[]): void {
  if (value === null || value === undefined || t === "any") return;
  const fail = (extra = "") => {
    throw new TypeError_(`json: cannot unmarshal ${jsonTypeOf(value)}${extra} into Go struct field ${owner}.${path.join(".")} of type ${goName(t)}`);
  };
  if (typeof t === "string") {
    switch (t) {
      case "string":
        if (typeof value !== "string") fail();
        return;
      case "bool":
        if (typeof value !== "boolean") fail();
        return;
      case "int32":
      case "int64":
        if (typeof value !== "number") fail();
        if (!Number.isInteger(value)) fail(` ${value}`);
        return;
      case "intstr":
        if (typeof value !== "number" && typeof value !== "string") fail();
        return;
    }
    return;
  }
  if ("struct" in t) {
    if (typeof value !== "object" || Array.isArray(value)) fail();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const ft = t.fields[k];
      if (ft) check(v, ft, t.struct, [...path, k]);
    }
    return;
  }
  if ("map" in t) {
    if (typeof value !== "object" || Array.isArray(value)) fail();
    for (const v of Object.values(value as Record<string, unknown>)) check(v, t.map, owner, path);
    return;
  }
  if (!Array.isArray(value)) fail();
  for (const v of value as unknown[]) check(v, t.slice, owner, path);
}

/** The 400 a Go API server answers when the body does not fit the kind's Go types, if any. */
export function typeCheck(t: ResourceType, obj: unknown): ApiError | undefined {
  try {
    check(obj, topType(t), t.kind, []);
    return undefined;
  } catch (err) {
    if (err instanceof TypeError_) {
      return badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: ${err.message}`);
    }
    throw err;
  }
}

/** Parses a create/update body (JSON, or YAML as kubectl --raw may send). */
export function parseBody(body: Buffer, contentType: string | undefined): unknown {
  const ct = (contentType ?? "application/json").split(";")[0].trim().toLowerCase();
  const text = body.toString("utf8");
  if (ct === "application/vnd.kubernetes.protobuf") {
    throw new ApiError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
    );
  }
  if (ct === "application/yaml" || ct === "application/apply-patch+yaml") {
    try {
      return YAML.parse(text);
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

// Top-level fields each kind's Go type has; with fieldValidation=Strict anything else is the
// "strict decoding error" a real server gives.
const KNOWN_TOP: Record<string, string[]> = {
  configmaps: ["data", "binaryData", "immutable"],
  endpoints: ["subsets"],
  events: [
    "involvedObject",
    "reason",
    "message",
    "source",
    "firstTimestamp",
    "lastTimestamp",
    "count",
    "type",
    "eventTime",
    "series",
    "action",
    "related",
    "reportingComponent",
    "reportingInstance",
  ],
  serviceaccounts: ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
  "discovery.k8s.io/endpointslices": ["addressType", "endpoints", "ports"],
  secrets: ["data", "stringData", "type", "immutable"],
  "rbac.authorization.k8s.io/roles": ["rules"],
  "rbac.authorization.k8s.io/rolebindings": ["roleRef", "subjects"],
  "rbac.authorization.k8s.io/clusterroles": ["rules", "aggregationRule"],
  "rbac.authorization.k8s.io/clusterrolebindings": ["roleRef", "subjects"],
};
const META_FIELDS = new Set([
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
]);

export function unknownFields(t: ResourceType, obj: Record<string, unknown>): string[] {
  const allowed = new Set(["apiVersion", "kind", "metadata", ...(KNOWN_TOP[t.key] ?? ["spec", "status"])]);
  const out: string[] = [];
  for (const k of Object.keys(obj)) if (!allowed.has(k)) out.push(k);
  const meta = obj.metadata;
  if (meta && typeof meta === "object") for (const k of Object.keys(meta)) if (!META_FIELDS.has(k)) out.push(`metadata.${k}`);
  return out;
}

export function strictDecodingError(fields: string[]): ApiError {
  const msgs = fields.map((f) => `unknown field "${f}"`);
  return badRequest(`strict decoding error: ${msgs.join(", ")}`);
}
