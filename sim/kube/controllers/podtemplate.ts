import type { KObject, OwnerReference } from "../types";

// The pod a workload controller creates from its template, with the defaults the API server
// and admission plugins would add, so `kubectl get pod -o yaml` looks like a real one.

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec: any;
}

const DEFAULT_TOLERATIONS = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function defaultPodSpec(input: any, podName = ""): any {
  const spec = structuredClone(input ?? {});
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.securityContext ??= {};
  spec.schedulerName ??= "default-scheduler";
  spec.serviceAccountName ??= spec.serviceAccount ?? "default";
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= "PreemptLowerPriority";
  spec.priority ??= 0;
  const tolerations = (spec.tolerations ?? []) as { key?: string; effect?: string }[];
  for (const t of DEFAULT_TOLERATIONS) if (!tolerations.some((x) => x.key === t.key && x.effect === t.effect)) tolerations.push({ ...t });
  spec.tolerations = tolerations;
  for (const list of [spec.initContainers, spec.containers]) {
    for (const c of list ?? []) {
      c.imagePullPolicy ??= /:latest$|^[^:]+$/.test(c.image ?? "") ? "Always" : "IfNotPresent";
      c.terminationMessagePath ??= "/dev/termination-log";
      c.terminationMessagePolicy ??= "File";
      c.resources ??= {};
      for (const p of c.ports ?? []) p.protocol ??= "TCP";
    }
  }
  const volumes = (spec.volumes ?? []) as { name: string }[];
  if (spec.automountServiceAccountToken !== false && !volumes.some((v) => v.name.startsWith("kube-api-access-"))) {
    // The projected token volume every pod gets; the suffix derives from the pod name so it
    // costs no draw from the seeded generator.
    const volName = `kube-api-access-${nameSuffix(podName)}`;
    volumes.push(tokenVolume(volName));
    for (const c of spec.containers ?? []) {
      c.volumeMounts = [...(c.volumeMounts ?? []), { name: volName, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true }];
    }
  }
  if (volumes.length) spec.volumes = volumes;
  return spec;
}

const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** FNV-1a 32-bit, the hash the Deployment controller uses for pod-template-hash. */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: every byte mapped into the vowel-free alphabet. */
export function safeEncode(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += ALPHABET[text.charCodeAt(i) % ALPHABET.length];
  return out;
}

function nameSuffix(seed: string, length = 5): string {
  let h = fnv32a(seed);
  let out = "";
  for (let i = 0; i < length; i++) {
    out += ALPHABET[h % ALPHABET.length];
    h = Math.floor(h / ALPHABET.length) ^ Math.imul(h, 31);
    h >>>= 0;
  }
  return out;
}

function tokenVolume(name: string) {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
      ],
    },
  };
}

export function qosClass(spec: { containers?: { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[] }): string {
  const cs = spec.containers ?? [];
  const any = cs.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  if (!any) return "BestEffort";
  const guaranteed = cs.every((c) => {
    const l = c.resources?.limits ?? {};
    const r = c.resources?.requests ?? l;
    return l.cpu && l.memory && r.cpu === l.cpu && r.memory === l.memory;
  });
  return guaranteed ? "Guaranteed" : "Burstable";
}

export function podFromTemplate(
  template: PodTemplate,
  name: string,
  namespace: string,
  owner: OwnerReference,
  extra: { labels?: Record<string, string>; spec?: Record<string, unknown>; hostname?: string } = {},
): KObject {
  const spec = defaultPodSpec({ ...template.spec, ...(extra.spec ?? {}) }, name);
  if (extra.hostname) spec.hostname = extra.hostname;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace,
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      labels: { ...(template.metadata?.labels ?? {}), ...(extra.labels ?? {}) },
      ownerReferences: [owner],
    },
    spec,
    status: { phase: "Pending", qosClass: qosClass(spec) },
  };
}
