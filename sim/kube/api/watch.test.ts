import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { podObject, startApiServer, type ApiTestServer } from "./testing";
import type { KObject } from "../types";

interface WatchEvent {
  type: string;
  object: KObject & { code?: number; reason?: string; message?: string };
}

/** Opens a watch and returns a reader of its newline-delimited events. */
async function openWatch(api: ApiTestServer, path: string) {
  const controller = new AbortController();
  const res = await fetch(api.base + path, { signal: controller.signal });
  const reader = res.body!.getReader();
  let buffer = "";
  const events: WatchEvent[] = [];
  let ended = false;
  const next = async (): Promise<WatchEvent | undefined> => {
    for (;;) {
      const nl = buffer.indexOf("\n");
      if (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const e = JSON.parse(line) as WatchEvent;
        events.push(e);
        return e;
      }
      if (ended) return undefined;
      const { value, done } = await reader.read();
      if (done) ended = true;
      else buffer += Buffer.from(value).toString("utf8");
    }
  };
  return { res, next, close: () => controller.abort() };
}

describe("watch", () => {
  let api: ApiTestServer;
  beforeEach(async () => {
    api = await startApiServer();
  });
  afterEach(() => api.close());

  it("resumes from a resourceVersion, replaying history then live events", async () => {
    const store = api.cluster.store;
    store.create("pods", podObject("a"));
    const rv = store.currentResourceVersion();
    store.create("pods", podObject("b"));
    const w = await openWatch(api, `/api/v1/namespaces/shop/pods?watch=true&resourceVersion=${rv}`);
    expect(w.res.status).toBe(200);
    expect(w.res.headers.get("content-type")).toBe("application/json");
    const first = await w.next();
    expect(first).toMatchObject({ type: "ADDED", object: { metadata: { name: "b" } } });
    const a = structuredClone(store.get("pods", "shop", "a")!);
    a.metadata.labels = { app: "changed" };
    store.update("pods", a);
    expect(await w.next()).toMatchObject({ type: "MODIFIED", object: { metadata: { name: "a", labels: { app: "changed" } } } });
    store.remove("pods", "shop", "b");
    expect(await w.next()).toMatchObject({ type: "DELETED", object: { metadata: { name: "b" } } });
    w.close();
  });

  it("answers a too-old resourceVersion with a 410 Expired ERROR event", async () => {
    const store = api.cluster.store;
    store.create("pods", podObject("a"));
    const old = store.currentResourceVersion() - 1;
    store.create("pods", podObject("b"));
    store.compact(0);
    const w = await openWatch(api, `/api/v1/pods?watch=1&resourceVersion=${old}`);
    const e = await w.next();
    expect(e).toMatchObject({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } });
    expect(e!.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
    expect(await w.next()).toBeUndefined();
  });

  it("starts with synthetic ADDED events without a resourceVersion and follows selectors", async () => {
    const store = api.cluster.store;
    store.create("pods", podObject("in", { labels: { app: "web" } }));
    store.create("pods", podObject("out", { labels: { app: "db" } }));
    const w = await openWatch(api, "/api/v1/watch/namespaces/shop/pods?labelSelector=app%3Dweb");
    expect(await w.next()).toMatchObject({ type: "ADDED", object: { metadata: { name: "in" } } });
    // Leaving the selector reads as DELETED, entering it as ADDED.
    const moved = structuredClone(store.get("pods", "shop", "in")!);
    moved.metadata.labels = { app: "db" };
    store.update("pods", moved);
    expect(await w.next()).toMatchObject({ type: "DELETED", object: { metadata: { name: "in" } } });
    const joined = structuredClone(store.get("pods", "shop", "out")!);
    joined.metadata.labels = { app: "web" };
    store.update("pods", joined);
    expect(await w.next()).toMatchObject({ type: "ADDED", object: { metadata: { name: "out" } } });
    w.close();
  });

  it("ends the stream after timeoutSeconds", async () => {
    const w = await openWatch(api, "/api/v1/nodes?watch=true&timeoutSeconds=0");
    expect(await w.next()).toMatchObject({ type: "ADDED", object: { kind: "Node" } });
    expect(await w.next()).toBeUndefined();
  });
});
