import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson, splitUrl } from "../core/http";
import type { World } from "../world";
import type { SimCluster } from "../kube/cluster";
import type { KObject } from "../kube/types";
import type { FaultRule } from "./faults";
import { isAllowed, netpolEnforcement, type Endpoint } from "../kube/netpol";
import { isIPv4 } from "../kube/netpol/selectors";
import { populateWorld } from "../scenarios/populate";
import { nodeLifecycle } from "../kube/controllers/node-lifecycle";
import { datapathOf, flowViews } from "../kube/netpol/flows";
import { requestLog } from "./requests";
import { closedListeners, closeListener, reopenListeners } from "../kube/netpol/listeners";
import { alertTargets, sendAttackAlerts } from "../alerts/sender";
import { signIdToken } from "../alerts/oidc";

// The simulator's control surface for tests and demos. Never part of a real API: JSON in,
// JSON out, errors as {"error": "..."}.
//
// | Method | Path                                    | Body / query                                          | Answer                               |
// |--------|-----------------------------------------|-------------------------------------------------------|--------------------------------------|
// | GET    | /_sim/health                            |                                                       | {ok, scenario, seed, project, clusters, now} |
// | GET    | /_sim/clock                             |                                                       | {now (RFC 3339 ms), epochMs}         |
// | POST   | /_sim/clock/advance                     | {seconds >= 0}                                        | {now, epochMs}; due timers fire      |
// | GET    | /_sim/faults                            |                                                       | {items: FaultRule[]}                 |
// | POST   | /_sim/faults                            | {path regexp, method="*", rate=1, status (number, "drop" or "drop-after"), latencyMs, times} | 201 {id} |
// | DELETE | /_sim/faults                            |                                                       | {cleared: n}                         |
// | POST   | /_sim/reset                             |                                                       | {ok, clusters}: scenario rebuilt, same seed, faults and denials cleared, clock offset 0 |
// | GET    | /_sim/access-denials                    |                                                       | {items: [{cluster, verb, resource, group?, namespace?}]} |
// | POST   | /_sim/access-denials                    | {cluster, verb, resource, group?, namespace?}         | 201; SelfSubjectAccessReview denies it |
// | DELETE | /_sim/access-denials                    | ?cluster=c (optional: else all clusters)              | {cleared: n}                         |
// | GET    | /_sim/iam-denials                       |                                                       | {permissions}                        |
// | POST   | /_sim/iam-denials                       | {permissions: ["compute.instances.setTags", ...]}     | {permissions}; testIamPermissions omits them |
// | DELETE | /_sim/iam-denials                       |                                                       | {permissions: []}                    |
// | POST   | /_sim/clusters/<c>/compact              | {keep=0}                                              | {oldestResumableVersion, currentResourceVersion}: older watches get 410 |
// | GET    | /_sim/netpol/<c>/check                  | ?src=ns/pod|ip&dst=ns/pod|ip&port=N&protocol=TCP&at=RFC3339 | {allowed, enforced, reason, egress, ingress} |
// | GET    | /_sim/netpol/<c>/enforcement            |                                                       | {enforced, reason}                   |
// | GET    | /_sim/requests                          | ?since=seq&writes=true&cluster=c&api=kube|compute|container|storage|iam | {last, items: [{seq, at, method, path, status, api, cluster?, write, upgrade?}]} |
// | DELETE | /_sim/requests                          |                                                       | {cleared: n}                         |
// | GET    | /_sim/flows/<c>                         |                                                       | {datapath, reason, items: FlowView[]}: established flows and whether the datapath cut them |
// | GET    | /_sim/nodes/<c>                         |                                                       | {items: NodeLifecycleState[]}: heartbeat, auto-repair and autoscaler view per node |
// | POST   | /_sim/nodes/<c>/tick                    |                                                       | {items}: one node-lifecycle pass now (no clock change) |
// | POST   | /_sim/pods/<c>/<ns>/<pod>/listeners     | {close: [{port, protocol="TCP"}]} or {reopen: true}   | {closed: ["TCP/8080"]}: connections reaching a closed port are refused |
// | POST   | /_sim/attack                            | {giveUpMs=10000}                                      | {deliveries: [{kind, status, attempts, body}]}: Falco and SCC alerts about the compromised pod, sent to SIM_ALERT_* targets |
// | POST   | /_sim/oidc/token                        | {audience, email, lifetimeSeconds=3600}               | {token}: an ID token signed by the key /oauth2/v1/certs publishes |

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Ctx {
  world: World;
  req: IncomingMessage;
  query: URLSearchParams;
  params: string[];
  body(): Promise<Record<string, unknown>>;
}

type Handler = (ctx: Ctx) => Promise<[number, unknown]> | [number, unknown];

let faultCounter = 0;

function cluster(world: World, name: string): SimCluster {
  const c = world.clusters.get(name);
  if (!c) throw new ControlError(404, `no simulated cluster "${name}"; clusters: ${[...world.clusters.keys()].join(", ")}`);
  return c;
}

function lifecycleOf(c: SimCluster) {
  const loop = nodeLifecycle(c);
  if (!loop) throw new ControlError(409, `cluster ${c.name} has no running node lifecycle loop`);
  return loop;
}

function clockAnswer(world: World): [number, unknown] {
  return [200, { now: new Date(world.clock.now()).toISOString(), epochMs: world.clock.now() }];
}

function str(v: unknown, field: string, required = true): string | undefined {
  if (v === undefined || v === null || v === "") {
    if (required) throw new ControlError(400, `${field} is required`);
    return undefined;
  }
  if (typeof v !== "string") throw new ControlError(400, `${field} must be a string`);
  return v;
}

function parseFault(body: Record<string, unknown>): FaultRule {
  const path = str(body.path, "path")!;
  try {
    new RegExp(path);
  } catch (err) {
    throw new ControlError(400, `path is not a valid regular expression: ${(err as Error).message}`);
  }
  const method = (str(body.method, "method", false) ?? "*").toUpperCase();
  const rate = body.rate === undefined ? 1 : Number(body.rate);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new ControlError(400, "rate must be a number between 0 and 1");
  const status = body.status;
  if (
    status !== undefined &&
    status !== "drop" &&
    status !== "drop-after" &&
    !(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599)
  ) {
    throw new ControlError(400, 'status must be an HTTP status code, "drop" or "drop-after"');
  }
  const latencyMs = body.latencyMs === undefined ? undefined : Number(body.latencyMs);
  if (latencyMs !== undefined && (!Number.isFinite(latencyMs) || latencyMs < 0)) throw new ControlError(400, "latencyMs must be a non-negative number");
  if (status === undefined && latencyMs === undefined) throw new ControlError(400, 'a fault needs a status, "drop", or latencyMs');
  const times = body.times === undefined ? undefined : Number(body.times);
  if (times !== undefined && (!Number.isInteger(times) || times < 1)) throw new ControlError(400, "times must be a positive integer");
  return {
    // A counter, not world.random: injecting faults must not shift the seeded names.
    id: `fault-${++faultCounter}`,
    path,
    method,
    rate,
    ...(status !== undefined ? { status: status as number | "drop" | "drop-after" } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(times !== undefined ? { times } : {}),
  };
}

function endpoint(c: SimCluster, text: string | null, field: string): Endpoint {
  if (!text) throw new ControlError(400, `${field} is required (namespace/pod or an IPv4 address)`);
  if (isIPv4(text)) return { ip: text };
  const [ns, name, extra] = text.split("/");
  if (!ns || !name || extra !== undefined) throw new ControlError(400, `${field} must be namespace/pod or an IPv4 address`);
  const pod: KObject | undefined = c.store.get("pods", ns, name);
  if (!pod) throw new ControlError(404, `pod ${ns}/${name} not found in cluster ${c.name}`);
  return { pod };
}

const routes: { method: string; path: RegExp; handler: Handler }[] = [
  {
    method: "POST",
    path: /^\/_sim\/attack$/,
    handler: async ({ world, body }) => {
      const t = alertTargets(world);
      if (!t.falco && !t.scc) throw new ControlError(409, "no alert targets: start the simulator with SIM_ALERT_FALCO_URL and/or SIM_ALERT_SCC_URL");
      const giveUpMs = Number((await body()).giveUpMs ?? 10_000);
      if (!Number.isFinite(giveUpMs) || giveUpMs < 0) throw new ControlError(400, "giveUpMs must be a non-negative number");
      return [200, { deliveries: await sendAttackAlerts(world, { giveUpMs }) }];
    },
  },
  {
    method: "POST",
    path: /^\/_sim\/oidc\/token$/,
    handler: async ({ body }) => {
      const b = await body();
      const lifetime = b.lifetimeSeconds === undefined ? 3600 : Number(b.lifetimeSeconds);
      if (!Number.isInteger(lifetime)) throw new ControlError(400, "lifetimeSeconds must be a whole number");
      return [200, { token: signIdToken({ audience: str(b.audience, "audience")!, email: str(b.email, "email")!, lifetimeSeconds: lifetime }) }];
    },
  },
  {
    method: "GET",
    path: /^\/_sim\/health$/,
    handler: ({ world }) => [
      200,
      {
        ok: true,
        scenario: world.options.scenario,
        seed: world.options.seed,
        project: world.project,
        clusters: [...world.clusters.keys()],
        now: new Date(world.clock.now()).toISOString(),
      },
    ],
  },
  { method: "GET", path: /^\/_sim\/clock$/, handler: ({ world }) => clockAnswer(world) },
  {
    method: "POST",
    path: /^\/_sim\/clock\/advance$/,
    handler: async ({ world, body }) => {
      const seconds = Number((await body()).seconds);
      if (!Number.isFinite(seconds) || seconds < 0) throw new ControlError(400, "seconds must be a non-negative number (time only moves forward)");
      world.clock.advance(seconds);
      return clockAnswer(world);
    },
  },
  { method: "GET", path: /^\/_sim\/faults$/, handler: ({ world }) => [200, { items: world.faults.list() }] },
  {
    method: "POST",
    path: /^\/_sim\/faults$/,
    handler: async ({ world, body }) => {
      const rule = parseFault(await body());
      world.faults.add(rule);
      return [201, { id: rule.id, rule }];
    },
  },
  {
    method: "DELETE",
    path: /^\/_sim\/faults$/,
    handler: ({ world }) => {
      const n = world.faults.list().length;
      world.faults.clear();
      return [200, { cleared: n }];
    },
  },
  {
    method: "POST",
    path: /^\/_sim\/reset$/,
    handler: ({ world }) => {
      world.reset();
      populateWorld(world);
      return [200, { ok: true, clusters: [...world.clusters.keys()], now: new Date(world.clock.now()).toISOString() }];
    },
  },
  {
    method: "GET",
    path: /^\/_sim\/access-denials$/,
    handler: ({ world }) => [200, { items: [...world.clusters.values()].flatMap((c) => c.accessDenials.map((d) => ({ cluster: c.name, ...d }))) }],
  },
  {
    method: "POST",
    path: /^\/_sim\/access-denials$/,
    handler: async ({ world, body }) => {
      const b = await body();
      const c = cluster(world, str(b.cluster, "cluster")!);
      const denial = {
        verb: str(b.verb, "verb")!,
        resource: str(b.resource, "resource")!,
        ...(b.group !== undefined ? { group: str(b.group, "group", false) ?? "" } : {}),
        ...(b.namespace ? { namespace: str(b.namespace, "namespace")! } : {}),
      };
      c.accessDenials.push(denial);
      return [201, { cluster: c.name, ...denial }];
    },
  },
  {
    method: "DELETE",
    path: /^\/_sim\/access-denials$/,
    handler: ({ world, query }) => {
      const only = query.get("cluster");
      const targets = only ? [cluster(world, only)] : [...world.clusters.values()];
      let n = 0;
      for (const c of targets) n += c.accessDenials.splice(0).length;
      return [200, { cleared: n }];
    },
  },
  { method: "GET", path: /^\/_sim\/iam-denials$/, handler: ({ world }) => [200, { permissions: [...world.gcp.deniedPermissions].sort() }] },
  {
    method: "POST",
    path: /^\/_sim\/iam-denials$/,
    handler: async ({ world, body }) => {
      const perms = (await body()).permissions;
      if (!Array.isArray(perms) || !perms.every((p) => typeof p === "string" && p))
        throw new ControlError(400, "permissions must be an array of permission names");
      for (const p of perms) world.gcp.deniedPermissions.add(p);
      return [200, { permissions: [...world.gcp.deniedPermissions].sort() }];
    },
  },
  {
    method: "DELETE",
    path: /^\/_sim\/iam-denials$/,
    handler: ({ world }) => {
      world.gcp.deniedPermissions.clear();
      return [200, { permissions: [] }];
    },
  },
  {
    method: "POST",
    path: /^\/_sim\/clusters\/([^/]+)\/compact$/,
    handler: async ({ world, params, body }) => {
      const c = cluster(world, params[0]);
      const keep = Number((await body()).keep ?? 0);
      if (!Number.isInteger(keep) || keep < 0) throw new ControlError(400, "keep must be a non-negative integer");
      c.store.compact(keep);
      return [200, { oldestResumableVersion: c.store.oldestResumableVersion(), currentResourceVersion: c.store.currentResourceVersion() }];
    },
  },
  {
    method: "GET",
    path: /^\/_sim\/requests$/,
    handler: ({ world, query }) => {
      const since = Number(query.get("since") ?? 0);
      if (!Number.isInteger(since) || since < 0) throw new ControlError(400, "since must be a non-negative integer (a seq)");
      const writes = query.get("writes");
      const only = query.get("cluster");
      const api = query.get("api");
      const log = requestLog(world);
      const items = log.list().filter((r) => r.seq > since && (writes !== "true" || r.write) && (!only || r.cluster === only) && (!api || r.api === api));
      return [200, { last: log.last(), items }];
    },
  },
  {
    method: "DELETE",
    path: /^\/_sim\/requests$/,
    handler: ({ world }) => [200, { cleared: requestLog(world).clear() }],
  },
  {
    method: "GET",
    path: /^\/_sim\/flows\/([^/]+)$/,
    handler: ({ world, params }) => {
      const c = cluster(world, params[0]);
      return [200, { ...datapathOf(world, c), items: flowViews(world, c) }];
    },
  },
  {
    method: "POST",
    path: /^\/_sim\/pods\/([^/]+)\/([^/]+)\/([^/]+)\/listeners$/,
    handler: async ({ world, params, body }) => {
      const c = cluster(world, params[0]);
      const pod: KObject | undefined = c.store.get("pods", params[1], params[2]);
      if (!pod) throw new ControlError(404, `pod ${params[1]}/${params[2]} not found in cluster ${c.name}`);
      const b = await body();
      if (b.reopen === true) reopenListeners(c, pod);
      const close = b.close === undefined ? [] : b.close;
      if (!Array.isArray(close)) throw new ControlError(400, "close must be a list of {port, protocol}");
      for (const item of close as { port?: unknown; protocol?: unknown }[]) {
        const port = Number(item?.port);
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ControlError(400, "close[].port must be an integer between 1 and 65535");
        const protocol = String(item.protocol ?? "TCP").toUpperCase();
        if (!["TCP", "UDP"].includes(protocol)) throw new ControlError(400, "close[].protocol must be TCP or UDP");
        closeListener(c, pod, port, protocol);
      }
      return [200, { closed: closedListeners(c, pod) }];
    },
  },
  {
    method: "GET",
    path: /^\/_sim\/nodes\/([^/]+)$/,
    handler: ({ world, params }) => [200, { items: lifecycleOf(cluster(world, params[0])).describe() }],
  },
  {
    method: "POST",
    path: /^\/_sim\/nodes\/([^/]+)\/tick$/,
    handler: ({ world, params }) => {
      const loop = lifecycleOf(cluster(world, params[0]));
      loop.tick();
      return [200, { items: loop.describe() }];
    },
  },
  {
    method: "GET",
    path: /^\/_sim\/netpol\/([^/]+)\/enforcement$/,
    handler: ({ world, params }) => [200, netpolEnforcement(world, cluster(world, params[0]))],
  },
  {
    method: "GET",
    path: /^\/_sim\/netpol\/([^/]+)\/check$/,
    handler: ({ world, params, query }) => {
      const c = cluster(world, params[0]);
      const port = Number(query.get("port"));
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ControlError(400, "port must be an integer between 1 and 65535");
      const protocol = (query.get("protocol") ?? "TCP").toUpperCase();
      if (!["TCP", "UDP", "SCTP"].includes(protocol)) throw new ControlError(400, "protocol must be TCP, UDP or SCTP");
      const atText = query.get("at");
      const at = atText ? Date.parse(atText) : undefined;
      if (atText && !Number.isFinite(at)) throw new ControlError(400, "at must be an RFC 3339 time");
      const verdict = isAllowed(c, world, {
        src: endpoint(c, query.get("src"), "src"),
        dst: endpoint(c, query.get("dst"), "dst"),
        port,
        protocol: protocol as "TCP",
        at,
      });
      return [200, verdict];
    },
  },
];

export async function handleControlRequest(world: World, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const { query } = splitUrl(req.url ?? "/");
  const method = (req.method ?? "GET").toUpperCase();
  const matching = routes.filter((r) => r.path.test(path));
  if (!matching.length) return sendJson(res, 404, { error: `no control route ${path}` });
  const route = matching.find((r) => r.method === method);
  if (!route)
    return sendJson(
      res,
      405,
      { error: `${method} not allowed on ${path}; allowed: ${matching.map((r) => r.method).join(", ")}` },
      { Allow: matching.map((r) => r.method).join(", ") },
    );
  let parsed: Record<string, unknown> | undefined;
  const ctx: Ctx = {
    world,
    req,
    query,
    params: route.path.exec(path)!.slice(1).map(decodeURIComponent),
    body: async () => {
      if (parsed) return parsed;
      const text = (await readBody(req, 1024 * 1024)).toString("utf8").trim();
      if (!text) return (parsed = {});
      try {
        const value = JSON.parse(text);
        if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
        return (parsed = value as Record<string, unknown>);
      } catch {
        throw new ControlError(400, "body must be a JSON object");
      }
    },
  };
  try {
    const [status, body] = await route.handler(ctx);
    sendJson(res, status, body);
  } catch (err) {
    if (err instanceof ControlError) return sendJson(res, err.status, { error: err.message });
    throw err;
  }
}
