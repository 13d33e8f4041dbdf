import type { World } from "../world";

// The simulator's request log, readable over /_sim/requests: every API request (not /_sim/
// ones) with whether it could change something. Tests use it to prove a read path writes
// nothing (issue 11: GET report must not create probe pods), which the stderr log cannot do
// from inside a test. A ring of the last MAX entries; `seq` keeps counting across it.

export interface LoggedRequest {
  seq: number;
  /** simulated time, RFC 3339 */
  at: string;
  method: string;
  path: string;
  status: number;
  api: "kube" | "compute" | "container" | "storage" | "iam" | "other";
  cluster?: string;
  /** could change state: POST/PUT/PATCH/DELETE that is not a read in disguise */
  write: boolean;
  /** a connection upgrade (pods/exec over WebSocket) */
  upgrade?: boolean;
  /** a Kubernetes dry run (`?dryRun=All` on a path that honours it): validated and answered, nothing stored, so not a write */
  dryRun?: boolean;
}

const MAX = 20_000;

class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;

  add(entry: Omit<LoggedRequest, "seq">): void {
    this.entries.push({ seq: ++this.seq, ...entry });
    if (this.entries.length > MAX) this.entries.splice(0, this.entries.length - MAX);
  }

  list(): readonly LoggedRequest[] {
    return this.entries;
  }

  clear(): number {
    const n = this.entries.length;
    this.entries = [];
    return n;
  }

  last(): number {
    return this.seq;
  }
}

const logs = new WeakMap<World, RequestLog>();

// Responses to requests whose handler honours `?dryRun=All`. Only the kube API's object paths
// (and their non-connect subresources) mark theirs; Compute, GKE, Storage, IAM, pods/exec and the
// node proxy ignore the parameter and act, so a dryRun there is still a write.
const honouredDryRuns = new WeakSet<object>();

export function markDryRun(res: object): void {
  honouredDryRuns.add(res);
}

export function isHonouredDryRun(res: object): boolean {
  return honouredDryRuns.has(res);
}

export function requestLog(world: World): RequestLog {
  let log = logs.get(world);
  if (!log) logs.set(world, (log = new RequestLog()));
  return log;
}

// POSTs that only read: access reviews, Compute's list/wait/permission calls.
const READ_POSTS = [
  /\/apis\/authorization\.k8s\.io\/v1\/(selfsubjectaccessreviews|selfsubjectrulesreviews|subjectaccessreviews)$/,
  /\/apis\/authentication\.k8s\.io\/v1\/(selfsubjectreviews|tokenreviews)$/,
  /\/listManagedInstances$/,
  /\/operations\/[^/]+\/wait$/,
  /\/testIamPermissions$/,
  /\/getEffectiveFirewalls$/,
  /^\/iam\/v1\/.*:getIamPolicy$/,
];

export function classify(method: string, path: string): Pick<LoggedRequest, "api" | "cluster" | "write"> {
  const m = /^\/clusters\/([a-z0-9-]+)(\/.*)?$/.exec(path);
  const api = m
    ? "kube"
    : path.startsWith("/compute/v1/") || path.startsWith("/batch/compute/v1")
      ? "compute"
      : /^\/v1(beta1)?\//.test(path)
        ? "container"
        : /^\/(upload\/|download\/)?storage\/v1\//.test(path)
          ? "storage"
          : path.startsWith("/iam/v1/")
            ? "iam"
            : "other";
  const mutatingVerb = ["POST", "PUT", "PATCH", "DELETE"].includes(method.toUpperCase());
  const write = mutatingVerb && !READ_POSTS.some((r) => r.test(path));
  return { api, ...(m ? { cluster: m[1] } : {}), write };
}

export function logRequest(world: World, method: string, path: string, status: number, upgrade = false, dryRun = false): void {
  const kind = classify(method, path);
  requestLog(world).add({
    at: new Date(world.clock.now()).toISOString(),
    method,
    path,
    status,
    ...kind,
    ...(dryRun ? { dryRun: true, write: false } : {}),
    ...(upgrade ? { upgrade: true } : {}),
  });
}
