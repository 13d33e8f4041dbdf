import { invalid, type StatusCause } from "../errors";
import type { ResourceType } from "../resources";
import type { KObject } from "../types";
import { labelKeyErrors, labelValueErrors } from "./selectors";

// Validation as the API server's registries do it (pkg/apis/*/validation): names, label keys
// and values, required fields and immutable fields, answered as 422 Invalid with one cause per
// problem in apimachinery's wording. Type errors are decode.ts's (400), not this module's.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const MSG_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const MSG_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const MSG_1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

type NameRule = "subdomain" | "label" | "dns1035" | "path";

const NAME_RULES: Record<string, NameRule> = {
  namespaces: "label",
  services: "dns1035",
  events: "path",
};

/** Go's %v-ish rendering of a value inside "Invalid value: ..." messages. */
function goValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}:${goValue(x)}`);
    return `map[string]string{${entries.join(", ")}}`;
  }
  return JSON.stringify(v);
}

const invalidValue = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: "FieldValueInvalid",
  message: `Invalid value: ${goValue(value)}: ${detail}`,
  field,
});
const required = (field: string, detail?: string): StatusCause => ({
  reason: "FieldValueRequired",
  message: detail ? `Required value: ${detail}` : "Required value",
  field,
});
const unsupported = (field: string, value: unknown, allowed: string[]): StatusCause => ({
  reason: "FieldValueNotSupported",
  message: `Unsupported value: ${goValue(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(", ")}`,
  field,
});
const duplicate = (field: string, value: unknown): StatusCause => ({
  reason: "FieldValueDuplicate",
  message: `Duplicate value: ${goValue(value)}`,
  field,
});
const forbidden = (field: string, detail: string): StatusCause => ({ reason: "FieldValueForbidden", message: `Forbidden: ${detail}`, field });

function nameErrors(rule: NameRule, name: string): string[] {
  switch (rule) {
    case "label":
      return [...(name.length > 63 ? ["must be no more than 63 characters"] : []), ...(DNS1123_LABEL.test(name) ? [] : [MSG_LABEL])];
    case "dns1035":
      return [...(name.length > 63 ? ["must be no more than 63 characters"] : []), ...(DNS1035_LABEL.test(name) ? [] : [MSG_1035])];
    case "subdomain":
      return [...(name.length > 253 ? ["must be no more than 253 characters"] : []), ...(DNS1123_SUBDOMAIN.test(name) ? [] : [MSG_SUBDOMAIN])];
    case "path":
      if (name === "." || name === "..") return [`may not be '${name}'`];
      return /[/%]/.test(name) ? [`may not contain '/' or '%'`] : [];
  }
}

function validateLabels(labels: unknown, field: string, causes: StatusCause[]): void {
  if (!labels || typeof labels !== "object") return;
  for (const [k, v] of Object.entries(labels as Record<string, string>)) {
    for (const e of labelKeyErrors(k)) causes.push(invalidValue(field, k, e));
    for (const e of labelValueErrors(String(v))) causes.push(invalidValue(field, v, e));
  }
}

function validateAnnotations(annotations: unknown, field: string, causes: StatusCause[]): void {
  if (!annotations || typeof annotations !== "object") return;
  let size = 0;
  for (const [k, v] of Object.entries(annotations as Record<string, string>)) {
    for (const e of labelKeyErrors(k)) causes.push(invalidValue(field, k, e));
    size += k.length + String(v).length;
  }
  if (size > 256 * 1024) causes.push({ reason: "FieldValueTooLong", message: `Too long: must have at most 262144 bytes`, field });
}

function validateMeta(t: ResourceType, obj: KObject, causes: StatusCause[]): void {
  const meta = obj.metadata ?? { name: "" };
  const rule = NAME_RULES[t.key] ?? "subdomain";
  if (!meta.name && !meta.generateName) causes.push(required("metadata.name", "name or generateName is required"));
  else if (meta.name) for (const e of nameErrors(rule, meta.name)) causes.push(invalidValue("metadata.name", meta.name, e));
  validateLabels(meta.labels, "metadata.labels", causes);
  validateAnnotations(meta.annotations, "metadata.annotations", causes);
}

function validateSelector(sel: unknown, field: string, causes: StatusCause[]): void {
  if (!sel || typeof sel !== "object") return;
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  validateLabels(s.matchLabels, `${field}.matchLabels`, causes);
  (s.matchExpressions ?? []).forEach((e, i) => {
    const f = `${field}.matchExpressions[${i}]`;
    for (const err of labelKeyErrors(e.key ?? "")) causes.push(invalidValue(`${f}.key`, e.key ?? "", err));
    if (e.operator === "In" || e.operator === "NotIn") {
      if (!e.values?.length) causes.push(required(`${f}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (e.operator === "Exists" || e.operator === "DoesNotExist") {
      if (e.values?.length) causes.push(forbidden(`${f}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else causes.push(invalidValue(`${f}.operator`, e.operator, "not a valid selector operator"));
  });
}

function validateContainers(containers: unknown, field: string, causes: StatusCause[], requireOne: boolean): void {
  if (!Array.isArray(containers) || containers.length === 0) {
    if (requireOne) causes.push(required(field));
    return;
  }
  const names = new Set<string>();
  containers.forEach((c: Record<string, unknown>, i) => {
    const f = `${field}[${i}]`;
    const name = c?.name as string | undefined;
    if (!name) causes.push(required(`${f}.name`));
    else {
      for (const e of nameErrors("label", name)) causes.push(invalidValue(`${f}.name`, name, e));
      if (names.has(name)) causes.push(duplicate(`${f}.name`, name));
      names.add(name);
    }
    if (!c?.image) causes.push(required(`${f}.image`));
    ((c?.ports as Record<string, unknown>[]) ?? []).forEach((p, j) => {
      const port = p?.containerPort as number;
      if (!(port >= 1 && port <= 65535)) causes.push(invalidValue(`${f}.ports[${j}].containerPort`, port ?? 0, "must be between 1 and 65535, inclusive"));
    });
  });
}

function validatePodSpec(spec: Record<string, unknown> | undefined, field: string, causes: StatusCause[]): void {
  validateContainers(spec?.containers, `${field}.containers`, causes, true);
  validateContainers(spec?.initContainers, `${field}.initContainers`, causes, false);
  const rp = spec?.restartPolicy;
  if (rp !== undefined && !["Always", "OnFailure", "Never"].includes(rp as string))
    causes.push(unsupported(`${field}.restartPolicy`, rp, ["Always", "OnFailure", "Never"]));
  const grace = spec?.terminationGracePeriodSeconds;
  if (typeof grace === "number" && grace < 0) causes.push(invalidValue(`${field}.terminationGracePeriodSeconds`, grace, "must be greater than or equal to 0"));
}

function validateWorkload(t: ResourceType, obj: KObject, causes: StatusCause[]): void {
  const spec = obj.spec ?? {};
  if (typeof spec.replicas === "number" && spec.replicas < 0) causes.push(invalidValue("spec.replicas", spec.replicas, "must be greater than or equal to 0"));
  const sel = spec.selector;
  if (!sel) {
    causes.push(required("spec.selector"));
  } else if (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) {
    causes.push({
      reason: "FieldValueInvalid",
      message: `Invalid value: ${goSelector(sel)}: empty selector is invalid for deployment`,
      field: "spec.selector",
    });
  } else {
    validateSelector(sel, "spec.selector", causes);
    const labels: Record<string, string> = spec.template?.metadata?.labels ?? {};
    const matches =
      Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
      (sel.matchExpressions ?? []).every((e: { key: string; operator: string; values?: string[] }) => {
        const has = e.key in labels;
        if (e.operator === "In") return has && (e.values ?? []).includes(labels[e.key]);
        if (e.operator === "NotIn") return !has || !(e.values ?? []).includes(labels[e.key]);
        if (e.operator === "Exists") return has;
        return !has;
      });
    if (!matches) causes.push(invalidValue("spec.template.metadata.labels", labels, "`selector` does not match template `labels`"));
  }
  validateLabels(spec.template?.metadata?.labels, "spec.template.metadata.labels", causes);
  validatePodSpec(spec.template?.spec, "spec.template.spec", causes);
  if (t.key === "apps/deployments" || t.key === "apps/replicasets" || t.key === "apps/daemonsets") {
    const rp = spec.template?.spec?.restartPolicy;
    if (rp !== undefined && rp !== "Always") causes.push(unsupported("spec.template.spec.restartPolicy", rp, ["Always"]));
  }
}

const SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

function validateService(obj: KObject, causes: StatusCause[]): void {
  const spec = obj.spec ?? {};
  const type = spec.type ?? "ClusterIP";
  if (!SERVICE_TYPES.includes(type)) causes.push(unsupported("spec.type", type, SERVICE_TYPES));
  if (type === "ExternalName") {
    if (!spec.externalName) causes.push(required("spec.externalName"));
  } else {
    const headless = spec.clusterIP === "None";
    if (!Array.isArray(spec.ports) || spec.ports.length === 0) {
      if (!headless) causes.push(required("spec.ports"));
    }
  }
  const seen = new Set<string>();
  ((spec.ports as Record<string, unknown>[]) ?? []).forEach((p, i) => {
    const port = p?.port as number;
    if (!(port >= 1 && port <= 65535)) causes.push(invalidValue(`spec.ports[${i}].port`, port ?? 0, "must be between 1 and 65535, inclusive"));
    if ((spec.ports as unknown[]).length > 1 && !p?.name) causes.push(required(`spec.ports[${i}].name`));
    const key = `${port}/${p?.protocol ?? "TCP"}`;
    if (seen.has(key)) causes.push(duplicate(`spec.ports[${i}]`, key));
    seen.add(key);
  });
  validateLabels(spec.selector, "spec.selector", causes);
}

function validateNetworkPolicy(obj: KObject, causes: StatusCause[]): void {
  const spec = obj.spec ?? {};
  validateSelector(spec.podSelector, "spec.podSelector", causes);
  ((spec.policyTypes as string[]) ?? []).forEach((p, i) => {
    if (p !== "Ingress" && p !== "Egress") causes.push(unsupported(`spec.policyTypes[${i}]`, p, ["Egress", "Ingress"]));
  });
  const peers = (rules: unknown, dir: string, list: string) =>
    ((rules as Record<string, unknown>[]) ?? []).forEach((r, i) =>
      ((r?.[list] as Record<string, unknown>[]) ?? []).forEach((peer, j) => {
        const f = `spec.${dir}[${i}].${list}[${j}]`;
        validateSelector(peer?.podSelector, `${f}.podSelector`, causes);
        validateSelector(peer?.namespaceSelector, `${f}.namespaceSelector`, causes);
        const ipBlock = peer?.ipBlock as { cidr?: string } | undefined;
        if (ipBlock && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(ipBlock.cidr ?? ""))
          causes.push(invalidValue(`${f}.ipBlock.cidr`, ipBlock.cidr ?? "", "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
      }),
    );
  peers(spec.ingress, "ingress", "from");
  peers(spec.egress, "egress", "to");
}

function validatePdb(obj: KObject, causes: StatusCause[]): void {
  const spec = obj.spec ?? {};
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    causes.push(invalidValue("spec", spec, "minAvailable and maxUnavailable cannot be both set"));
  }
  validateSelector(spec.selector, "spec.selector", causes);
}

/** 422 Invalid for an object about to be created or stored by an update; nothing when valid. */
export function validateObject(t: ResourceType, obj: KObject): void {
  const causes: StatusCause[] = [];
  validateMeta(t, obj, causes);
  switch (t.key) {
    case "pods":
      validatePodSpec(obj.spec, "spec", causes);
      break;
    case "services":
      validateService(obj, causes);
      break;
    case "apps/deployments":
    case "apps/replicasets":
    case "apps/daemonsets":
    case "apps/statefulsets":
      validateWorkload(t, obj, causes);
      break;
    case "batch/jobs":
      validatePodSpec(obj.spec?.template?.spec, "spec.template.spec", causes);
      break;
    case "networking.k8s.io/networkpolicies":
      validateNetworkPolicy(obj, causes);
      break;
    case "policy/poddisruptionbudgets":
      validatePdb(obj, causes);
      break;
  }
  if (causes.length) throw invalid({ kind: t.kind, group: t.group, name: obj.metadata?.name || obj.metadata?.generateName || "" }, causes);
}

const SELECTOR_IMMUTABLE = new Set(["apps/deployments", "apps/replicasets", "apps/daemonsets", "apps/statefulsets", "batch/jobs"]);

function goSelector(sel: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined): string {
  const labels = Object.entries(sel?.matchLabels ?? {})
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join(", ");
  return `v1.LabelSelector{MatchLabels:map[string]string{${labels}}, MatchExpressions:[]v1.LabelSelectorRequirement(${sel?.matchExpressions?.length ? "..." : "nil"})}`;
}

/** Pod spec fields an update may change (pkg/apis/core/validation ValidatePodUpdate). */
function podSpecMutableCopy(oldSpec: Record<string, unknown>, newSpec: Record<string, unknown>): Record<string, unknown> {
  const merged = structuredClone(oldSpec);
  const images = (list: unknown, from: unknown) =>
    Array.isArray(list) && Array.isArray(from)
      ? list.map((c: Record<string, unknown>, i: number) => ({ ...c, image: (from[i] as Record<string, unknown>)?.image ?? c.image }))
      : list;
  merged.containers = images(merged.containers, newSpec.containers);
  merged.initContainers = images(merged.initContainers, newSpec.initContainers);
  if (newSpec.activeDeadlineSeconds !== undefined) merged.activeDeadlineSeconds = newSpec.activeDeadlineSeconds;
  const oldTol = (oldSpec.tolerations as unknown[]) ?? [];
  const newTol = (newSpec.tolerations as unknown[]) ?? [];
  if (oldTol.every((t) => newTol.some((n) => JSON.stringify(n) === JSON.stringify(t)))) merged.tolerations = newSpec.tolerations;
  if (merged.tolerations === undefined) delete merged.tolerations;
  return merged;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** 422 for changes to fields the real registries make immutable. */
export function validateUpdate(t: ResourceType, oldObj: KObject, newObj: KObject): void {
  const causes: StatusCause[] = [];
  if (SELECTOR_IMMUTABLE.has(t.key) && canonical(oldObj.spec?.selector) !== canonical(newObj.spec?.selector)) {
    causes.push(invalidValue("spec.selector", "", "field is immutable"));
    causes[causes.length - 1].message = `Invalid value: ${goSelector(newObj.spec?.selector)}: field is immutable`;
  }
  if (t.key === "pods") {
    const allowed = podSpecMutableCopy(oldObj.spec ?? {}, newObj.spec ?? {});
    if (canonical(allowed) !== canonical(newObj.spec ?? {})) {
      causes.push(
        forbidden(
          "spec",
          "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
        ),
      );
    }
  }
  if (t.key === "services") {
    const o = oldObj.spec?.clusterIP;
    const n = newObj.spec?.clusterIP;
    const typeChange = (oldObj.spec?.type === "ExternalName") !== (newObj.spec?.type === "ExternalName");
    if (o && n !== o && !typeChange) causes.push(invalidValue("spec.clusterIP", n ?? "", "field is immutable"));
  }
  if (t.key === "namespaces" || t.key === "nodes") {
    // nothing immutable beyond the name
  }
  if (causes.length) throw invalid({ kind: t.kind, group: t.group, name: newObj.metadata.name }, causes);
}

/** Fields an ephemeral container may not set (validateEphemeralContainers in pkg/apis/core/validation). */
const EPHEMERAL_FORBIDDEN = ["ports", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "restartPolicy", "resizePolicy"];

/**
 * A write through pods/ephemeralcontainers: ephemeral containers can be added, never changed
 * or removed (they become part of the pod spec for good), with names unique across all the
 * pod's containers and a target that names one of its containers.
 */
export function validateEphemeralUpdate(oldObj: KObject, newObj: KObject): void {
  const causes: StatusCause[] = [];
  const before = (oldObj.spec?.ephemeralContainers ?? []) as Record<string, unknown>[];
  const after = newObj.spec?.ephemeralContainers ?? [];
  if (!Array.isArray(after)) {
    causes.push(invalidValue("spec.ephemeralContainers", after, "must be a list"));
    throw invalid({ kind: "Pod", name: newObj.metadata.name }, causes);
  }
  const byName = new Map((after as Record<string, unknown>[]).map((c) => [c?.name, c]));
  for (const old of before) {
    const now = byName.get(old.name);
    if (!now) causes.push(forbidden("spec.ephemeralContainers", `existing ephemeral containers "${String(old.name)}" may not be removed`));
    else if (canonical(now) !== canonical(old))
      causes.push(forbidden("spec.ephemeralContainers", `existing ephemeral containers "${String(old.name)}" may not be changed`));
  }
  const regular = [...((oldObj.spec?.containers ?? []) as { name: string }[]), ...((oldObj.spec?.initContainers ?? []) as { name: string }[])].map(
    (c) => c.name,
  );
  const seen = new Set<string>(regular);
  (after as Record<string, unknown>[]).forEach((c, i) => {
    const field = `spec.ephemeralContainers[${i}]`;
    const name = c?.name;
    if (typeof name !== "string" || !name) causes.push(required(`${field}.name`));
    else if (!DNS1123_LABEL.test(name)) causes.push(invalidValue(`${field}.name`, name, MSG_LABEL));
    else if (seen.has(name)) causes.push(duplicate(`${field}.name`, name));
    else seen.add(name);
    if (!c?.image) causes.push(required(`${field}.image`));
    for (const f of EPHEMERAL_FORBIDDEN) if (c?.[f] !== undefined) causes.push(forbidden(`${field}.${f}`, "cannot be set for an Ephemeral Container"));
    const res = c?.resources as Record<string, unknown> | undefined;
    if (res && Object.keys(res).length) causes.push(forbidden(`${field}.resources`, "cannot be set for an Ephemeral Container"));
    const target = c?.targetContainerName;
    if (target !== undefined && target !== "" && !regular.includes(String(target)))
      causes.push({ reason: "FieldValueNotFound", message: `Not found: ${goValue(target)}`, field: `${field}.targetContainerName` });
  });
  if (causes.length) throw invalid({ kind: "Pod", name: newObj.metadata.name }, causes);
}
