import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { podObject, startApiServer, type ApiTestServer } from "./testing";
import { CONTINUE_EXPIRED_MESSAGE } from "./list";

describe("lists: selectors and limit/continue", () => {
  let api: ApiTestServer;
  beforeEach(async () => {
    api = await startApiServer();
    for (let i = 0; i < 7; i++) {
      api.cluster.store.create("pods", podObject(`p${i}`, { labels: { app: i % 2 ? "odd" : "even" }, nodeName: i < 3 ? api.node : undefined }));
    }
  });
  afterEach(() => api.close());

  const names = (body: { items?: { metadata: { name: string } }[] }) => (body.items ?? []).map((p) => p.metadata.name);

  it("pages through with opaque tokens, reporting remainingItemCount", async () => {
    const first = await api.request("GET", "/api/v1/pods?limit=3");
    expect(first.status).toBe(200);
    expect(names(first.body)).toEqual(["p0", "p1", "p2"]);
    const meta = first.body.metadata as { continue: string; remainingItemCount: number; resourceVersion: string };
    expect(meta.remainingItemCount).toBe(4);
    expect(meta.resourceVersion).toBe(String(api.cluster.store.currentResourceVersion()));
    const second = await api.request("GET", `/api/v1/pods?limit=3&continue=${encodeURIComponent(meta.continue)}`);
    expect(names(second.body)).toEqual(["p3", "p4", "p5"]);
    // Later pages carry the first page's resourceVersion.
    expect((second.body.metadata as { resourceVersion: string }).resourceVersion).toBe(meta.resourceVersion);
    const third = await api.request("GET", `/api/v1/pods?limit=3&continue=${encodeURIComponent((second.body.metadata as { continue: string }).continue)}`);
    expect(names(third.body)).toEqual(["p6"]);
    expect((third.body.metadata as { continue?: string }).continue).toBeUndefined();
  });

  it("fills pages with matching items only and never ends on an empty page", async () => {
    const first = await api.request("GET", "/api/v1/namespaces/shop/pods?limit=2&labelSelector=app%3Dodd");
    expect(names(first.body)).toEqual(["p1", "p3"]);
    const cont = (first.body.metadata as { continue: string }).continue;
    const second = await api.request("GET", `/api/v1/namespaces/shop/pods?limit=2&labelSelector=app%3Dodd&continue=${encodeURIComponent(cont)}`);
    expect(names(second.body)).toEqual(["p5"]);
    expect((second.body.metadata as { continue?: string }).continue).toBeUndefined();
  });

  it("serves spec.nodeName from the node index and rejects unknown field labels", async () => {
    const onNode = await api.request("GET", `/api/v1/pods?fieldSelector=spec.nodeName%3D${api.node}`);
    expect(names(onNode.body)).toEqual(["p0", "p1", "p2"]);
    const bad = await api.request("GET", "/api/v1/pods?fieldSelector=spec.bogus%3Dx");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ kind: "Status", reason: "BadRequest", message: "field label not supported: spec.bogus" });
  });

  it("expires a token after five simulated minutes with the real 410 message", async () => {
    const first = await api.request("GET", "/api/v1/pods?limit=2");
    const cont = (first.body.metadata as { continue: string }).continue;
    api.world.clock.advance(301);
    const expired = await api.request("GET", `/api/v1/pods?limit=2&continue=${encodeURIComponent(cont)}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ kind: "Status", code: 410, reason: "Expired", message: CONTINUE_EXPIRED_MESSAGE });
    // The Status offers an inconsistent continuation, as the real server does.
    const inconsistent = (expired.body.metadata as { continue: string }).continue;
    const resumed = await api.request("GET", `/api/v1/pods?limit=2&continue=${encodeURIComponent(inconsistent)}`);
    expect(names(resumed.body)).toEqual(["p2", "p3"]);
  });

  it("expires a token once the history no longer covers its resourceVersion", async () => {
    const first = await api.request("GET", "/api/v1/pods?limit=2");
    const cont = (first.body.metadata as { continue: string }).continue;
    api.cluster.store.create("pods", podObject("later"));
    api.cluster.store.compact(0);
    const expired = await api.request("GET", `/api/v1/pods?limit=2&continue=${encodeURIComponent(cont)}`);
    expect(expired.status).toBe(410);
  });

  it("rejects a forged token with 400", async () => {
    const bad = await api.request("GET", "/api/v1/pods?limit=2&continue=bm9wZQ");
    expect(bad.status).toBe(400);
  });
});
