import type { KObject } from "../types";
import { labelSelectorToString } from "./selectors";

// `as=Table` (meta.k8s.io/v1) with the columns pkg/printers/internalversion prints for each
// kind, so `kubectl get` output reads as it does against a real cluster. Cells are computed on
// the server, Age included, from the simulated clock.

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | boolean;
// Status stanzas are read loosely: printers tolerate any missing field, as kubectl's do.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;
interface Printer {
  columns: [name: string, type?: string, priority?: number][];
  cells(obj: KObject, now: number): Cell[];
}

export type IncludeObject = "None" | "Metadata" | "Object";

/** duration.HumanDuration, the Age format. */
function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function since(ts: string | undefined, now: number): string {
  if (!ts) return "<unknown>";
  const t = Date.parse(ts);
  return Number.isNaN(t) ? "<unknown>" : humanDuration(now - t);
}

const age = (o: KObject, now: number) => since(o.metadata.creationTimestamp, now);
const none = (v: unknown): string => (v === undefined || v === null || v === "" ? "<none>" : String(v));

function selectorString(sel: unknown): string {
  const s = labelSelectorToString(sel as Parameters<typeof labelSelectorToString>[0]);
  return s || "<none>";
}

function mapString(m: Record<string, string> | undefined): string {
  const entries = Object.entries(m ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(",") : "<none>";
}

function containersAndImages(podSpec: { containers?: { name: string; image: string }[] } | undefined): [string, string] {
  const cs = podSpec?.containers ?? [];
  return [cs.map((c) => c.name).join(","), cs.map((c) => c.image).join(",")];
}

function podCells(pod: KObject, now: number): Cell[] {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const total = (spec.containers ?? []).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let reason: string = status.reason || status.phase || "";
  const bump = (cs: Loose) => {
    restarts += cs.restartCount ?? 0;
    const finished = cs.lastState?.terminated?.finishedAt;
    if (finished) lastRestart = Math.max(lastRestart, Date.parse(finished));
  };
  let initializing = false;
  const inits: Loose[] = status.initContainerStatuses ?? [];
  inits.forEach((cs, i) => {
    bump(cs);
    if (cs.state?.terminated && cs.state.terminated.exitCode === 0) return;
    if (initializing) return;
    initializing = true;
    if (cs.state?.terminated)
      reason = `Init:${cs.state.terminated.reason || (cs.state.terminated.signal ? `Signal:${cs.state.terminated.signal}` : `ExitCode:${cs.state.terminated.exitCode}`)}`;
    else if (cs.state?.waiting?.reason && cs.state.waiting.reason !== "PodInitializing") reason = `Init:${cs.state.waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
  });
  if (!initializing) {
    restarts = inits.reduce((n, cs) => n + (cs.restartCount ?? 0), 0);
    let hasRunning = false;
    const statuses: Loose[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      bump(cs);
      if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
      else if (cs.state?.terminated?.reason) reason = cs.state.terminated.reason;
      else if (cs.state?.terminated) reason = cs.state.terminated.signal ? `Signal:${cs.state.terminated.signal}` : `ExitCode:${cs.state.terminated.exitCode}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning) {
      const readyCond = (status.conditions ?? []).find((c: { type: string }) => c.type === "Ready");
      reason = readyCond?.status === "True" ? "Running" : "NotReady";
    }
  }
  if (pod.metadata.deletionTimestamp && status.reason === "NodeLost") reason = "Unknown";
  else if (pod.metadata.deletionTimestamp) reason = "Terminating";
  const restartCell = lastRestart ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  const gates: { conditionType: string }[] = spec.readinessGates ?? [];
  let gateCell = "<none>";
  if (gates.length) {
    const trueConds = new Set((status.conditions ?? []).filter((c: { status: string }) => c.status === "True").map((c: { type: string }) => c.type));
    gateCell = `${gates.filter((g) => trueConds.has(g.conditionType)).length}/${gates.length}`;
  }
  return [
    pod.metadata.name,
    `${ready}/${total}`,
    reason,
    restartCell,
    age(pod, now),
    none(status.podIP),
    none(spec.nodeName),
    none(status.nominatedNodeName),
    gateCell,
  ];
}

function nodeCells(node: KObject, now: number): Cell[] {
  const conds: { type: string; status: string }[] = node.status?.conditions ?? [];
  const readyCond = conds.find((c) => c.type === "Ready");
  const states = [readyCond ? (readyCond.status === "True" ? "Ready" : readyCond.status === "False" ? "NotReady" : "Unknown") : "Unknown"];
  if (node.spec?.unschedulable) states.push("SchedulingDisabled");
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/")) roles.add(k.slice("node-role.kubernetes.io/".length));
    else if (k === "kubernetes.io/role" && v) roles.add(v);
  }
  const addr = (type: string) => (node.status?.addresses ?? []).find((a: { type: string }) => a.type === type)?.address;
  const info = node.status?.nodeInfo ?? {};
  return [
    node.metadata.name,
    states.join(","),
    roles.size ? [...roles].sort().join(",") : "<none>",
    age(node, now),
    info.kubeletVersion ?? "",
    none(addr("InternalIP")),
    none(addr("ExternalIP")),
    info.osImage ?? "<unknown>",
    info.kernelVersion ?? "<unknown>",
    info.containerRuntimeVersion ?? "<unknown>",
  ];
}

function serviceCells(svc: KObject, now: number): Cell[] {
  const spec = svc.spec ?? {};
  const type = spec.type ?? "ClusterIP";
  const externalIPs: string[] = spec.externalIPs ?? [];
  let external: string;
  switch (type) {
    case "NodePort":
    case "ClusterIP":
      external = externalIPs.length ? externalIPs.join(",") : "<none>";
      break;
    case "LoadBalancer": {
      const ingress: string[] = (svc.status?.loadBalancer?.ingress ?? []).map((i: { ip?: string; hostname?: string }) => i.ip ?? i.hostname ?? "");
      const all = [...ingress, ...externalIPs].filter(Boolean);
      external = all.length ? all.join(",") : "<pending>";
      break;
    }
    case "ExternalName":
      external = spec.externalName ?? "<none>";
      break;
    default:
      external = "<unknown>";
  }
  const ports: string = (spec.ports ?? [])
    .map((p: { port: number; nodePort?: number; protocol?: string }) =>
      p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? "TCP"}` : `${p.port}/${p.protocol ?? "TCP"}`,
    )
    .join(",");
  return [svc.metadata.name, type, none(spec.clusterIP), external, ports || "<none>", age(svc, now), mapString(spec.selector)];
}

function endpointsCells(ep: KObject, now: number): Cell[] {
  const list: string[] = [];
  let count = 0;
  for (const subset of (ep.subsets as { addresses?: { ip: string }[]; ports?: { port: number }[] }[]) ?? []) {
    const ports = subset.ports?.length ? subset.ports : [undefined];
    for (const port of ports) {
      for (const a of subset.addresses ?? []) {
        count++;
        if (list.length < 3) list.push(port ? `${a.ip}:${port.port}` : a.ip);
      }
    }
  }
  let text = list.join(",");
  if (count > 3) text += ` + ${count - 3} more...`;
  return [ep.metadata.name, text || "<none>", age(ep, now)];
}

function eventCells(ev: KObject, now: number): Cell[] {
  const e = ev as Loose;
  const first = e.firstTimestamp ?? e.eventTime ?? ev.metadata.creationTimestamp;
  const last = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? first;
  const count = e.series?.count ?? e.count ?? 1;
  let lastSeen = since(last, now);
  if (count > 1) lastSeen = `${lastSeen} (x${count} over ${since(first, now)})`;
  const io = e.involvedObject ?? {};
  const source = e.source?.component ? `${e.source.component}${e.source.host ? `, ${e.source.host}` : ""}` : (e.reportingComponent ?? "");
  return [
    lastSeen,
    e.type ?? "",
    e.reason ?? "",
    `${String(io.kind ?? "").toLowerCase()}/${io.name ?? ""}`,
    io.fieldPath ?? "",
    source,
    e.message ?? "",
    since(first, now),
    count,
    ev.metadata.name,
  ];
}

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [
      ["Name"],
      ["Ready"],
      ["Status"],
      ["Restarts"],
      ["Age"],
      ["IP", "string", 1],
      ["Node", "string", 1],
      ["Nominated Node", "string", 1],
      ["Readiness Gates", "string", 1],
    ],
    cells: podCells,
  },
  nodes: {
    columns: [
      ["Name"],
      ["Status"],
      ["Roles"],
      ["Age"],
      ["Version"],
      ["Internal-IP", "string", 1],
      ["External-IP", "string", 1],
      ["OS-Image", "string", 1],
      ["Kernel-Version", "string", 1],
      ["Container-Runtime", "string", 1],
    ],
    cells: nodeCells,
  },
  services: {
    columns: [["Name"], ["Type"], ["Cluster-IP"], ["External-IP"], ["Port(s)"], ["Age"], ["Selector", "string", 1]],
    cells: serviceCells,
  },
  endpoints: { columns: [["Name"], ["Endpoints"], ["Age"]], cells: endpointsCells },
  events: {
    columns: [
      ["Last Seen"],
      ["Type"],
      ["Reason"],
      ["Object"],
      ["Subobject", "string", 1],
      ["Source", "string", 1],
      ["Message"],
      ["First Seen", "string", 1],
      ["Count", "integer", 1],
      ["Name", "string", 1],
    ],
    cells: eventCells,
  },
  namespaces: { columns: [["Name"], ["Status"], ["Age"]], cells: (o, now) => [o.metadata.name, o.status?.phase ?? "", age(o, now)] },
  configmaps: {
    columns: [["Name"], ["Data", "integer"], ["Age"]],
    cells: (o, now) => [o.metadata.name, Object.keys((o.data as object) ?? {}).length + Object.keys((o.binaryData as object) ?? {}).length, age(o, now)],
  },
  serviceaccounts: {
    columns: [["Name"], ["Secrets", "integer"], ["Age"]],
    cells: (o, now) => [o.metadata.name, ((o.secrets as unknown[]) ?? []).length, age(o, now)],
  },
  "apps/deployments": {
    columns: [
      ["Name"],
      ["Ready"],
      ["Up-to-date", "integer"],
      ["Available", "integer"],
      ["Age"],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ],
    cells: (o, now) => {
      const [c, i] = containersAndImages(o.spec?.template?.spec);
      return [
        o.metadata.name,
        `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
        o.status?.updatedReplicas ?? 0,
        o.status?.availableReplicas ?? 0,
        age(o, now),
        c,
        i,
        selectorString(o.spec?.selector),
      ];
    },
  },
  "apps/replicasets": {
    columns: [
      ["Name"],
      ["Desired", "integer"],
      ["Current", "integer"],
      ["Ready", "integer"],
      ["Age"],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ],
    cells: (o, now) => {
      const [c, i] = containersAndImages(o.spec?.template?.spec);
      return [
        o.metadata.name,
        o.spec?.replicas ?? 0,
        o.status?.replicas ?? 0,
        o.status?.readyReplicas ?? 0,
        age(o, now),
        c,
        i,
        selectorString(o.spec?.selector),
      ];
    },
  },
  "apps/daemonsets": {
    columns: [
      ["Name"],
      ["Desired", "integer"],
      ["Current", "integer"],
      ["Ready", "integer"],
      ["Up-to-date", "integer"],
      ["Available", "integer"],
      ["Node Selector"],
      ["Age"],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ],
    cells: (o, now) => {
      const s = o.status ?? {};
      const [c, i] = containersAndImages(o.spec?.template?.spec);
      return [
        o.metadata.name,
        s.desiredNumberScheduled ?? 0,
        s.currentNumberScheduled ?? 0,
        s.numberReady ?? 0,
        s.updatedNumberScheduled ?? 0,
        s.numberAvailable ?? 0,
        mapString(o.spec?.template?.spec?.nodeSelector),
        age(o, now),
        c,
        i,
        selectorString(o.spec?.selector),
      ];
    },
  },
  "apps/statefulsets": {
    columns: [["Name"], ["Ready"], ["Age"], ["Containers", "string", 1], ["Images", "string", 1]],
    cells: (o, now) => {
      const [c, i] = containersAndImages(o.spec?.template?.spec);
      return [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, age(o, now), c, i];
    },
  },
  "batch/jobs": {
    columns: [["Name"], ["Status"], ["Completions"], ["Duration"], ["Age"], ["Containers", "string", 1], ["Images", "string", 1], ["Selector", "string", 1]],
    cells: (o, now) => {
      const s = o.status ?? {};
      const conds: { type: string; status: string }[] = s.conditions ?? [];
      const status = conds.find((c) => c.type === "Complete" && c.status === "True")
        ? "Complete"
        : conds.find((c) => c.type === "Failed" && c.status === "True")
          ? "Failed"
          : "Running";
      const start = s.startTime ? Date.parse(s.startTime) : undefined;
      const end = s.completionTime ? Date.parse(s.completionTime) : now;
      const [c, i] = containersAndImages(o.spec?.template?.spec);
      return [
        o.metadata.name,
        status,
        `${s.succeeded ?? 0}/${o.spec?.completions ?? 1}`,
        start ? humanDuration(end - start) : "",
        age(o, now),
        c,
        i,
        selectorString(o.spec?.selector),
      ];
    },
  },
  "networking.k8s.io/networkpolicies": {
    columns: [["Name"], ["Pod-Selector"], ["Age"]],
    cells: (o, now) => [o.metadata.name, selectorString(o.spec?.podSelector), age(o, now)],
  },
  "policy/poddisruptionbudgets": {
    columns: [["Name"], ["Min Available"], ["Max Unavailable"], ["Allowed Disruptions", "integer"], ["Age"]],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.minAvailable !== undefined ? String(o.spec.minAvailable) : "N/A",
      o.spec?.maxUnavailable !== undefined ? String(o.spec.maxUnavailable) : "N/A",
      o.status?.disruptionsAllowed ?? 0,
      age(o, now),
    ],
  },
  "discovery.k8s.io/endpointslices": {
    columns: [["Name"], ["AddressType"], ["Ports"], ["Endpoints"], ["Age"]],
    cells: (o, now) => {
      const ports = ((o.ports as { port?: number }[]) ?? []).map((p) => String(p.port ?? "")).join(",") || "<unset>";
      const addrs = ((o.endpoints as { addresses?: string[] }[]) ?? []).flatMap((e) => e.addresses ?? []);
      const shown = addrs.slice(0, 3).join(",") + (addrs.length > 3 ? ` + ${addrs.length - 3} more...` : "");
      return [o.metadata.name, String(o.addressType ?? ""), ports, shown || "<unset>", age(o, now)];
    },
  },
};

const DEFAULT_PRINTER: Printer = { columns: [["Name"], ["Age"]], cells: (o, now) => [o.metadata.name, age(o, now)] };

const DESCRIPTIONS: Record<string, string> = {
  Name: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  Age: "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
};

function printerFor(resourceKey: string): Printer {
  return PRINTERS[resourceKey] ?? DEFAULT_PRINTER;
}

export function tableColumns(resourceKey: string): TableColumn[] {
  return printerFor(resourceKey).columns.map(([name, type = "string", priority = 0]) => ({
    name,
    type,
    format: name === "Name" && priority === 0 ? "name" : "",
    description: DESCRIPTIONS[name] ?? name,
    priority,
  }));
}

function tableRowObject(obj: KObject, include: IncludeObject): Record<string, unknown> | undefined {
  if (include === "None") return undefined;
  if (include === "Object") return obj;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata };
}

export function tableRow(resourceKey: string, obj: KObject, now: number, include: IncludeObject): Record<string, unknown> {
  const row: Record<string, unknown> = { cells: printerFor(resourceKey).cells(obj, now) };
  const o = tableRowObject(obj, include);
  if (o) row.object = o;
  return row;
}

export function toTable(
  resourceKey: string,
  objects: KObject[],
  now: number,
  include: IncludeObject,
  listMeta: Record<string, unknown> = {},
  withColumns = true,
): Record<string, unknown> {
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: withColumns ? tableColumns(resourceKey) : [],
    rows: objects.map((o) => tableRow(resourceKey, o, now, include)),
  };
}
