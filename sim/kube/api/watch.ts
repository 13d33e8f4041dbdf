import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, badRequest } from "../errors";
import type { ResourceType } from "../resources";
import { objectKey } from "../store";
import type { KObject, StoreEvent } from "../types";
import type { SimCluster } from "../cluster";
import type { World } from "../../world";
import { candidates, matchesQuery, parseListQuery, type ListQuery } from "./list";
import { queryBool } from "./query";
import { tableRow, tableColumns, type IncludeObject } from "./table";

// Watches: newline-delimited {"type","object"} events over a chunked 200 response. From a
// resourceVersion the store's history is replayed first (410 Gone, as an ERROR event, when it
// no longer reaches that far); without one, the current objects arrive as synthetic ADDED events.
// With selectors an object that stops matching is reported DELETED and one that starts ADDED,
// as the watch cache does.

export interface WatchOptions {
  namespace: string | undefined;
  query: URLSearchParams;
  /** Encode objects as Table rows (kubectl get --watch). */
  table?: { include: IncludeObject };
}

const DEFAULT_TIMEOUT_S = 1800;
const BOOKMARK_INTERVAL_MS = 30_000;

function keyOf(t: ResourceType, obj: KObject): string {
  return objectKey(t.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
}

export function serveWatch(world: World, cluster: SimCluster, t: ResourceType, req: IncomingMessage, res: ServerResponse, options: WatchOptions): void {
  const { namespace, query } = options;
  const q: ListQuery = parseListQuery(t, query);
  const timeoutText = query.get("timeoutSeconds");
  const timeoutS = timeoutText ? Number(timeoutText) : DEFAULT_TIMEOUT_S;
  if (!Number.isFinite(timeoutS) || timeoutS < 0) throw badRequest(`invalid timeoutSeconds: ${timeoutText}`);
  const bookmarks = queryBool(query, "allowWatchBookmarks");
  const rvText = query.get("resourceVersion") ?? "";
  const sendInitial = queryBool(query, "sendInitialEvents");
  if (rvText !== "" && !/^\d+$/.test(rvText)) throw badRequest(`invalid resource version: ${rvText}`);

  const store = cluster.store;
  const inScope = (obj: KObject) => !namespace || obj.metadata.namespace === namespace;
  const visible = new Set<string>();
  let firstTable = true;

  res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache, private" });
  req.socket.setNoDelay(true);
  res.flushHeaders();

  const encode = (obj: KObject): unknown => {
    if (!options.table) return obj;
    const table = {
      kind: "Table",
      apiVersion: "meta.k8s.io/v1",
      metadata: { resourceVersion: obj.metadata.resourceVersion },
      columnDefinitions: firstTable ? tableColumns(t.key) : [],
      rows: [tableRow(t.key, obj, world.clock.now(), options.table.include)],
    };
    firstTable = false;
    return table;
  };
  const send = (type: string, object: unknown) => {
    if (!res.writableEnded) res.write(JSON.stringify({ type, object }) + "\n");
  };
  const sendObj = (type: string, obj: KObject) => send(type, encode(obj));
  const bookmark = (rv: number, initialEventsEnd = false) =>
    send("BOOKMARK", {
      kind: t.kind,
      apiVersion: t.group ? `${t.group}/${t.version}` : t.version,
      // WatchList clients (sendInitialEvents=true) wait for this annotation to know the
      // initial state is complete.
      metadata: { resourceVersion: String(rv), ...(initialEventsEnd ? { annotations: { "k8s.io/initial-events-end": "true" } } : {}) },
    });

  const deliver = (e: StoreEvent, assumeVisible: boolean) => {
    if (e.resource !== t.key || !inScope(e.object)) return;
    const k = keyOf(t, e.object);
    const matches = matchesQuery(q, e.object);
    const was = visible.has(k) || assumeVisible;
    if (e.type === "DELETED") {
      visible.delete(k);
      if (was || matches) sendObj("DELETED", e.object);
      return;
    }
    if (matches) {
      visible.add(k);
      sendObj(e.type === "ADDED" || !was ? "ADDED" : "MODIFIED", e.object);
    } else if (was) {
      visible.delete(k);
      sendObj("DELETED", e.object);
    }
  };

  // Live events are buffered until the replay is written, so nothing is lost or reordered.
  let replaying = true;
  const pending: StoreEvent[] = [];
  const unsubscribe = store.onChange((e) => {
    if (replaying) pending.push(e);
    else deliver(e, false);
  });

  let finished = false;
  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    if (finished) return;
    finished = true;
    unsubscribe();
    for (const tm of timers) clearTimeout(tm);
    if (!res.writableEnded) res.end();
  };
  req.on("close", finish);
  res.on("close", finish);

  let lastRv = store.currentResourceVersion();
  if (rvText === "" || rvText === "0" || sendInitial) {
    for (const obj of candidates(cluster, t, namespace, q)) {
      if (!matchesQuery(q, obj)) continue;
      visible.add(keyOf(t, obj));
      sendObj("ADDED", obj);
    }
    if (sendInitial) bookmark(lastRv, true);
  } else {
    const from = Number(rvText);
    let history: StoreEvent[];
    try {
      history = store.changesSince(from);
    } catch (err) {
      const status = err instanceof ApiError ? err : new ApiError(410, "Expired", String(err));
      send("ERROR", { ...status.toStatus(), code: 410, reason: "Expired" });
      finish();
      return;
    }
    // Objects untouched since `from` are as they were then; touched ones are assumed visible
    // to the client unless their first change after `from` created them.
    const firstChange = new Map<string, StoreEvent>();
    for (const e of history) {
      if (e.resource !== t.key) continue;
      const k = keyOf(t, e.object);
      if (!firstChange.has(k)) firstChange.set(k, e);
    }
    for (const obj of candidates(cluster, t, namespace, q)) {
      const k = keyOf(t, obj);
      if (!firstChange.has(k) && matchesQuery(q, obj)) visible.add(k);
    }
    for (const e of history) {
      const k = e.resource === t.key ? keyOf(t, e.object) : "";
      const first = firstChange.get(k);
      deliver(e, first === e && e.type !== "ADDED");
      lastRv = e.resourceVersion;
    }
  }
  replaying = false;
  for (const e of pending.splice(0)) if (e.resourceVersion > lastRv) deliver(e, false);

  timers.push(setTimeout(finish, timeoutS * 1000));
  if (bookmarks) {
    const tick = () => {
      bookmark(store.currentResourceVersion());
      timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS));
    };
    timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS));
  }
}
