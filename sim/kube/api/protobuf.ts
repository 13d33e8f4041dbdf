import { ApiError } from "../errors";

// kubectl's typed clients (create namespace, auth can-i, drain's evictions, typed deletes) send
// request bodies as application/vnd.kubernetes.protobuf: the "k8s\0" magic, then a
// runtime.Unknown wrapping the object's protobuf. This decodes the few kinds they send into the
// JSON the rest of the API layer handles. Field numbers are those of the generated.proto files
// in k8s.io/api and k8s.io/apimachinery.

type Scalar = "string" | "int64" | "int32" | "bool" | "bytes" | "time" | "stringMap" | "intstr";
interface Field {
  name: string;
  type: Scalar | Message;
  repeated?: boolean;
  /** Pointer fields (*int32 replicas, *int64 gracePeriodSeconds): a zero is a value, not "unset". */
  keepZero?: boolean;
}
type Message = { [num: number]: Field };

// gogo-protobuf writes non-pointer fields even when empty ("", 0, false, zero Time); JSON
// omits them, so they are dropped unless the field is a pointer.
const f = (name: string, type: Scalar | Message, repeated = false): Field => ({ name, type, repeated });
const ptr = (name: string, type: Scalar): Field => ({ name, type, keepZero: true });

const OWNER_REFERENCE: Message = {
  1: f("kind", "string"),
  3: f("name", "string"),
  4: f("uid", "string"),
  5: f("apiVersion", "string"),
  6: f("controller", "bool"),
  7: f("blockOwnerDeletion", "bool"),
};
const OBJECT_META: Message = {
  1: f("name", "string"),
  2: f("generateName", "string"),
  3: f("namespace", "string"),
  4: f("selfLink", "string"),
  5: f("uid", "string"),
  6: f("resourceVersion", "string"),
  7: f("generation", "int64"),
  8: f("creationTimestamp", "time"),
  9: f("deletionTimestamp", "time"),
  10: f("deletionGracePeriodSeconds", "int64"),
  11: f("labels", "stringMap"),
  12: f("annotations", "stringMap"),
  13: f("ownerReferences", OWNER_REFERENCE, true),
  14: f("finalizers", "string", true),
};
const DELETE_OPTIONS: Message = {
  1: ptr("gracePeriodSeconds", "int64"),
  2: f("preconditions", { 1: f("uid", "string"), 2: f("resourceVersion", "string") }),
  3: f("orphanDependents", "bool"),
  4: f("propagationPolicy", "string"),
  5: f("dryRun", "string", true),
};
const LABEL_SELECTOR: Message = {
  1: f("matchLabels", "stringMap"),
  2: f("matchExpressions", { 1: f("key", "string"), 2: f("operator", "string"), 3: f("values", "string", true) }, true),
};
const CONTAINER: Message = {
  1: f("name", "string"),
  2: f("image", "string"),
  3: f("command", "string", true),
  4: f("args", "string", true),
  5: f("workingDir", "string"),
  6: f(
    "ports",
    { 1: f("name", "string"), 2: f("hostPort", "int32"), 3: f("containerPort", "int32"), 4: f("protocol", "string"), 5: f("hostIP", "string") },
    true,
  ),
  7: f("env", { 1: f("name", "string"), 2: f("value", "string") }, true),
  13: f("terminationMessagePath", "string"),
  14: f("imagePullPolicy", "string"),
  16: f("stdin", "bool"),
  17: f("stdinOnce", "bool"),
  18: f("tty", "bool"),
  20: f("terminationMessagePolicy", "string"),
};
const POD_SPEC: Message = {
  2: f("containers", CONTAINER, true),
  3: f("restartPolicy", "string"),
  4: ptr("terminationGracePeriodSeconds", "int64"),
  5: ptr("activeDeadlineSeconds", "int64"),
  6: f("dnsPolicy", "string"),
  7: f("nodeSelector", "stringMap"),
  8: f("serviceAccountName", "string"),
  9: f("serviceAccount", "string"),
  10: f("nodeName", "string"),
  11: f("hostNetwork", "bool"),
  12: f("hostPID", "bool"),
  13: f("hostIPC", "bool"),
  16: f("hostname", "string"),
  17: f("subdomain", "string"),
  19: f("schedulerName", "string"),
  20: f("initContainers", CONTAINER, true),
  22: f(
    "tolerations",
    { 1: f("key", "string"), 2: f("operator", "string"), 3: f("value", "string"), 4: f("effect", "string"), 5: ptr("tolerationSeconds", "int64") },
    true,
  ),
  24: f("priorityClassName", "string"),
};
const POD_TEMPLATE: Message = { 1: f("metadata", OBJECT_META), 2: f("spec", POD_SPEC) };
const DEPLOYMENT: Message = {
  1: f("metadata", OBJECT_META),
  2: f("spec", {
    1: ptr("replicas", "int32"),
    2: f("selector", LABEL_SELECTOR),
    3: f("template", POD_TEMPLATE),
    4: f("strategy", { 1: f("type", "string"), 2: f("rollingUpdate", { 1: f("maxUnavailable", "intstr"), 2: f("maxSurge", "intstr") }) }),
    5: f("minReadySeconds", "int32"),
    6: ptr("revisionHistoryLimit", "int32"),
    7: f("paused", "bool"),
    9: ptr("progressDeadlineSeconds", "int32"),
  }),
};
const SERVICE: Message = {
  1: f("metadata", OBJECT_META),
  2: f("spec", {
    1: f(
      "ports",
      {
        1: f("name", "string"),
        2: f("protocol", "string"),
        3: f("port", "int32"),
        4: f("targetPort", "intstr"),
        5: f("nodePort", "int32"),
        6: f("appProtocol", "string"),
      },
      true,
    ),
    2: f("selector", "stringMap"),
    3: f("clusterIP", "string"),
    4: f("type", "string"),
    5: f("externalIPs", "string", true),
    7: f("sessionAffinity", "string"),
    8: f("loadBalancerIP", "string"),
    9: f("loadBalancerSourceRanges", "string", true),
    10: f("externalName", "string"),
    11: f("externalTrafficPolicy", "string"),
    18: f("clusterIPs", "string", true),
  }),
};
const JOB: Message = {
  1: f("metadata", OBJECT_META),
  2: f("spec", {
    1: ptr("parallelism", "int32"),
    2: ptr("completions", "int32"),
    3: ptr("activeDeadlineSeconds", "int64"),
    4: f("selector", LABEL_SELECTOR),
    5: f("manualSelector", "bool"),
    6: f("template", POD_TEMPLATE),
    7: ptr("backoffLimit", "int32"),
    8: ptr("ttlSecondsAfterFinished", "int32"),
  }),
};

const RESOURCE_ATTRIBUTES: Message = {
  1: f("namespace", "string"),
  2: f("verb", "string"),
  3: f("group", "string"),
  4: f("version", "string"),
  5: f("resource", "string"),
  6: f("subresource", "string"),
  7: f("name", "string"),
};

// rbac/v1 Subject and RoleRef, for `kubectl create rolebinding|clusterrolebinding`.
const RBAC_SUBJECT: Message = { 1: f("kind", "string"), 2: f("apiGroup", "string"), 3: f("name", "string"), 4: f("namespace", "string") };
const ROLE_REF: Message = { 1: f("apiGroup", "string"), 2: f("kind", "string"), 3: f("name", "string") };
const ROLE_BINDING: Message = { 1: f("metadata", OBJECT_META), 2: f("subjects", RBAC_SUBJECT, true), 3: f("roleRef", ROLE_REF) };

/** Messages by "<apiVersion>/<kind>" as runtime.Unknown's TypeMeta names them. */
const KINDS: Record<string, Message> = {
  "policy/v1/Eviction": { 1: f("metadata", OBJECT_META), 2: f("deleteOptions", DELETE_OPTIONS) },
  "policy/v1beta1/Eviction": { 1: f("metadata", OBJECT_META), 2: f("deleteOptions", DELETE_OPTIONS) },
  "meta.k8s.io/v1/DeleteOptions": DELETE_OPTIONS,
  "v1/DeleteOptions": DELETE_OPTIONS,
  "v1/Namespace": {
    1: f("metadata", OBJECT_META),
    2: f("spec", { 1: f("finalizers", "string", true) }),
    3: f("status", { 1: f("phase", "string") }),
  },
  "v1/ConfigMap": { 1: f("metadata", OBJECT_META), 2: f("data", "stringMap"), 4: f("immutable", "bool") },
  "v1/ServiceAccount": { 1: f("metadata", OBJECT_META) },
  "v1/Pod": { 1: f("metadata", OBJECT_META), 2: f("spec", POD_SPEC) },
  "v1/Service": SERVICE,
  "apps/v1/Deployment": DEPLOYMENT,
  "batch/v1/Job": JOB,
  "authorization.k8s.io/v1/SelfSubjectAccessReview": {
    1: f("metadata", OBJECT_META),
    2: f("spec", { 1: f("resourceAttributes", RESOURCE_ATTRIBUTES), 2: f("nonResourceAttributes", { 1: f("path", "string"), 2: f("verb", "string") }) }),
  },
  "rbac.authorization.k8s.io/v1/RoleBinding": ROLE_BINDING,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ROLE_BINDING,
  "authorization.k8s.io/v1/SelfSubjectRulesReview": { 1: f("metadata", OBJECT_META), 2: f("spec", { 1: f("namespace", "string") }) },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error("truncated varint");
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function toSigned(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

function decodeMessage(buf: Buffer, schema: Message): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done()) {
    const tag = Number(r.varint());
    const num = tag >>> 3;
    const wire = tag & 7;
    const field = schema[num];
    if (!field) {
      r.skip(wire);
      continue;
    }
    let value: unknown;
    switch (field.type) {
      case "string":
        value = r.bytes().toString("utf8");
        break;
      case "bytes":
        value = r.bytes().toString("base64");
        break;
      case "int64":
      case "int32":
        value = toSigned(r.varint());
        break;
      case "bool":
        value = r.varint() !== 0n;
        break;
      case "time": {
        const t = decodeMessage(r.bytes(), { 1: f("seconds", "int64"), 2: f("nanos", "int32") });
        value = t.seconds ? new Date(Number(t.seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") : undefined;
        break;
      }
      case "intstr": {
        const v = decodeMessage(r.bytes(), { 1: ptr("type", "int64"), 2: ptr("intVal", "int32"), 3: ptr("strVal", "string") });
        value = v.type === 1 ? v.strVal : v.intVal;
        break;
      }
      case "stringMap": {
        const entry = decodeMessage(r.bytes(), { 1: f("key", "string"), 2: f("value", "string") });
        const map = (out[field.name] as Record<string, string>) ?? {};
        map[String(entry.key ?? "")] = String(entry.value ?? "");
        out[field.name] = map;
        continue;
      }
      default:
        value = decodeMessage(r.bytes(), field.type);
    }
    if (field.repeated) ((out[field.name] as unknown[]) ??= []).push(value);
    else if (value === undefined || (!field.keepZero && (value === "" || value === 0 || value === false))) delete out[field.name];
    else out[field.name] = value;
  }
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** JSON for a protobuf request body; 415 for kinds this simulator cannot decode. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw new ApiError(
      415,
      "UnsupportedMediaType",
      "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
    );
  }
  const unknown = decodeMessage(body.subarray(4), {
    1: f("typeMeta", { 1: f("apiVersion", "string"), 2: f("kind", "string") }),
    2: f("raw", "bytes"),
    3: f("contentEncoding", "string"),
    4: f("contentType", "string"),
  });
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const schema = KINDS[`${typeMeta.apiVersion}/${typeMeta.kind}`];
  if (!schema) {
    throw new ApiError(
      415,
      "UnsupportedMediaType",
      `the simulator cannot decode ${typeMeta.apiVersion}/${typeMeta.kind} from protobuf - send application/json`,
    );
  }
  const raw = Buffer.from(String(unknown.raw ?? ""), "base64");
  const obj = decodeMessage(raw, schema);
  return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...obj };
}

export function isProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0].trim().toLowerCase() === "application/vnd.kubernetes.protobuf";
}
