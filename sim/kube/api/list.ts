import { ApiError, badRequest } from "../errors";
import type { ResourceType } from "../resources";
import { objectKey } from "../store";
import type { KObject } from "../types";
import type { SimCluster } from "../cluster";
import type { World } from "../../world";
import { parseFieldSelector, parseLabelSelector, type FieldSelectorMatcher, type LabelSelectorMatcher } from "./selectors";

// Lists: selectors, and limit/continue chunking with opaque tokens that expire as etcd's do
// (the history no longer reaches their resourceVersion) or after CONTINUE_TTL_MS of simulated
// time. A field-selected pod list on spec.nodeName reads the store's node index, never a scan.

const CONTINUE_TTL_MS = 5 * 60 * 1000;

export const CONTINUE_EXPIRED_MESSAGE =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

interface ContinueToken {
  v: "meta.k8s.io/v1";
  /** resourceVersion of the first page; -1 once the list is known to be inconsistent. */
  rv: number;
  /** Key ("namespace/name") of the last item served. */
  start: string;
  /** Items served before this page, for remainingItemCount. */
  n: number;
  /** Simulated time the token was issued (ms). */
  t: number;
}

/** 410 Expired that carries, as the real server does, a token to continue inconsistently. */
class ExpiredContinueError extends ApiError {
  constructor(readonly inconsistentContinue: string) {
    super(410, "Expired", CONTINUE_EXPIRED_MESSAGE);
  }
  override toStatus(): Record<string, unknown> {
    return { ...super.toStatus(), metadata: { continue: this.inconsistentContinue } };
  }
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

function decodeContinue(text: string): ContinueToken {
  try {
    const raw = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (raw?.v !== "meta.k8s.io/v1" || typeof raw.rv !== "number" || typeof raw.start !== "string") throw new Error("bad shape");
    return { v: raw.v, rv: raw.rv, start: raw.start, n: Number(raw.n) || 0, t: Number(raw.t) || 0 };
  } catch {
    throw badRequest(`continue key is not valid: illegal base64 data or malformed token`);
  }
}

export interface ListResult {
  items: KObject[];
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
}

export interface ListQuery {
  labelSelector: LabelSelectorMatcher;
  fieldSelector: FieldSelectorMatcher;
}

export function parseListQuery(t: ResourceType, query: URLSearchParams): ListQuery {
  return {
    labelSelector: parseLabelSelector(query.get("labelSelector")),
    fieldSelector: parseFieldSelector(query.get("fieldSelector"), t.key),
  };
}

export function matchesQuery(q: ListQuery, obj: KObject): boolean {
  return q.labelSelector.matches(obj.metadata.labels) && q.fieldSelector.matches(obj);
}

/** The objects a list or watch covers, in key order, read through the narrowest index. */
export function* candidates(cluster: SimCluster, t: ResourceType, namespace: string | undefined, q: ListQuery, startAfter?: string): Generator<KObject> {
  const fieldNs = q.fieldSelector.equals("metadata.namespace");
  const ns = namespace ?? (t.namespaced ? fieldNs : undefined);
  if (namespace && fieldNs !== undefined && fieldNs !== namespace) return;
  const name = q.fieldSelector.equals("metadata.name");
  if (name !== undefined && (ns !== undefined || !t.namespaced)) {
    const obj = cluster.store.get(t.key, ns, name);
    if (obj && (startAfter === undefined || objectKey(ns, name) > startAfter)) yield obj;
    return;
  }
  const nodeName = t.key === "pods" ? q.fieldSelector.equals("spec.nodeName") : undefined;
  yield* cluster.store.scan(t.key, { namespace: ns || undefined, nodeName, startAfter });
}

export function listObjects(world: World, cluster: SimCluster, t: ResourceType, namespace: string | undefined, query: URLSearchParams): ListResult {
  const q = parseListQuery(t, query);
  const limitText = query.get("limit");
  const limit = limitText ? Number(limitText) : 0;
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit: ${limitText}`);
  const store = cluster.store;
  const now = world.clock.now();

  let rv = store.currentResourceVersion();
  let startAfter: string | undefined;
  let servedBefore = 0;
  const cont = query.get("continue");
  if (cont) {
    const token = decodeContinue(cont);
    if (token.rv !== -1) {
      const tooOld = token.rv < store.oldestResumableVersion() || now - token.t > CONTINUE_TTL_MS;
      if (tooOld) throw new ExpiredContinueError(encodeContinue({ ...token, rv: -1, t: now }));
      rv = token.rv;
    }
    startAfter = token.start;
    servedBefore = token.n;
  }

  const items: KObject[] = [];
  let lastKey: string | undefined;
  let more = false;
  for (const obj of candidates(cluster, t, namespace, q, startAfter)) {
    if (!matchesQuery(q, obj)) continue;
    if (limit && items.length >= limit) {
      more = true;
      break;
    }
    items.push(obj);
    lastKey = objectKey(t.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
  }

  const metadata: ListResult["metadata"] = { resourceVersion: String(rv) };
  if (more && lastKey !== undefined) {
    metadata.continue = encodeContinue({
      v: "meta.k8s.io/v1",
      rv: cont ? rv : store.currentResourceVersion(),
      start: lastKey,
      n: servedBefore + items.length,
      t: now,
    });
    const unfiltered = q.labelSelector.empty && q.fieldSelector.empty && !namespace;
    if (unfiltered) metadata.remainingItemCount = Math.max(0, store.count(t.key) - servedBefore - items.length);
  }
  return { items, metadata };
}
