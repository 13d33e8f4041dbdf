import type { IncomingMessage, ServerResponse } from "node:http";
import type { World } from "../../world";
import type { GcpJson } from "../state";
import { GoogleRpcError, serveGoogleJson } from "../rpc";
import { policyEtag, type SimServiceAccount } from "./service-accounts";

// IAM v1 (iam.googleapis.com) under /iam/: projects.serviceAccounts get, list, disable,
// enable, getIamPolicy, setIamPolicy (etag read-modify-write: a stale etag is 409 ABORTED, as
// the real API answers concurrent policy changes), and keys list, disable, enable. The account
// may be named by email or unique id, and the project may be "-", as the real API allows.

const ACCOUNTS = /^\/iam\/v1\/projects\/([^/]+)\/serviceAccounts\/?$/;
const ACCOUNT = /^\/iam\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/:]+)(?::(disable|enable|getIamPolicy|setIamPolicy))?$/;
const KEYS = /^\/iam\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/:]+)\/keys(?:\/([^/:]+)(?::(disable|enable))?)?$/;

export async function handleIamRequest(world: World, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const query = new URL(req.url ?? "/", "http://x").searchParams;
  return serveGoogleJson(req, res, (body) => route(world, req.method ?? "GET", path, body, query));
}

function find(world: World, project: string, id: string): SimServiceAccount {
  const key = decodeURIComponent(id);
  const iam = world.gcp.iam;
  const sa = iam.accounts.get(key) ?? [...iam.accounts.values()].find((a) => a.account.uniqueId === key);
  if (!sa || (project !== "-" && project !== world.project)) throw new GoogleRpcError(404, "NOT_FOUND", `Unknown service account`);
  return sa;
}

const notAllowed = (method: string, path: string) => new GoogleRpcError(405, "METHOD_NOT_ALLOWED", `The simulator does not serve ${method} ${path}.`);

function publicPolicy(sa: SimServiceAccount): GcpJson {
  const bindings = sa.policy.bindings.filter((b) => b.members.length);
  return { version: sa.policy.version, etag: policyEtag(sa), ...(bindings.length ? { bindings: structuredClone(bindings) } : {}) };
}

function route(world: World, method: string, path: string, body: GcpJson, query: URLSearchParams): GcpJson {
  const list = ACCOUNTS.exec(path);
  if (list) {
    if (method !== "GET") throw notAllowed(method, path);
    if (list[1] !== world.project) throw new GoogleRpcError(404, "NOT_FOUND", `Project not found`);
    return { accounts: [...world.gcp.iam.accounts.values()].map((a) => structuredClone(a.account)) };
  }
  const keys = KEYS.exec(path);
  if (keys) {
    const [, project, id, keyId, verb] = keys;
    const sa = find(world, project, id);
    if (!keyId) {
      if (method !== "GET") throw notAllowed(method, path);
      const types = query.getAll("keyTypes");
      return { keys: sa.keys.filter((k) => !types.length || types.includes(k.keyType)).map((k) => structuredClone(k)) };
    }
    const key = sa.keys.find((k) => k.name.endsWith(`/keys/${decodeURIComponent(keyId)}`));
    if (!key) throw new GoogleRpcError(404, "NOT_FOUND", `Service account key ${keyId} does not exist.`);
    if (!verb) {
      if (method !== "GET") throw notAllowed(method, path);
      return structuredClone(key);
    }
    if (method !== "POST") throw notAllowed(method, path);
    if (key.keyType !== "USER_MANAGED") throw new GoogleRpcError(400, "FAILED_PRECONDITION", "System-managed keys cannot be disabled or enabled.");
    if (verb === "disable") key.disabled = true;
    else delete key.disabled;
    return {};
  }
  const one = ACCOUNT.exec(path);
  if (!one) throw new GoogleRpcError(404, "NOT_FOUND", `The requested URL ${path} was not found on this server.`);
  const [, project, id, verb] = one;
  const sa = find(world, project, id);
  if (!verb) {
    if (method !== "GET") throw notAllowed(method, path);
    return structuredClone(sa.account);
  }
  if (method !== "POST") throw notAllowed(method, path);
  switch (verb) {
    case "disable":
      sa.account.disabled = true;
      return {};
    case "enable":
      delete sa.account.disabled;
      return {};
    case "getIamPolicy":
      return publicPolicy(sa);
    case "setIamPolicy": {
      const policy = body.policy as GcpJson | undefined;
      if (!policy || typeof policy !== "object") throw new GoogleRpcError(400, "INVALID_ARGUMENT", "Request contains an invalid argument: policy is required.");
      if (policy.etag !== undefined && policy.etag !== policyEtag(sa)) {
        throw new GoogleRpcError(409, "ABORTED", "There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.");
      }
      const bindings = Array.isArray(policy.bindings) ? policy.bindings : [];
      for (const b of bindings) {
        if (typeof b?.role !== "string" || !Array.isArray(b.members))
          throw new GoogleRpcError(400, "INVALID_ARGUMENT", "Request contains an invalid argument: each binding needs a role and members.");
      }
      sa.policy = { version: typeof policy.version === "number" ? policy.version : 1, bindings: structuredClone(bindings) };
      sa.policySeq += 1;
      return publicPolicy(sa);
    }
    default:
      throw notAllowed(method, path);
  }
}
