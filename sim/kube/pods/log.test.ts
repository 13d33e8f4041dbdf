import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRunningPod, testWorld } from "../netpol/testkit";
import { appendOutput } from "./output";
import { podLogText, rfc3339Nano } from "./log";
import { startPodServer } from "./testserver";
import { terminateContainerProcess } from "./restart";

function fixture() {
  const { world, cluster } = testWorld();
  addRunningPod(cluster, { name: "web", ip: "10.4.0.5" });
  addRunningPod(cluster, { name: "duo", ip: "10.4.0.6", containers: [{ name: "a" }, { name: "b" }] });
  addRunningPod(cluster, { name: "pending", phase: "Pending" });
  const t0 = world.clock.now();
  for (let i = 0; i < 5; i++) appendOutput(cluster, "shop", "web", "app", t0 - (5 - i) * 60_000, `line ${i}`);
  return { world, cluster, t0 };
}

describe("podLogText", () => {
  it("serves recorded lines, with tailLines, sinceSeconds, timestamps and limitBytes", async () => {
    const { world, cluster, t0 } = fixture();
    const log = (q: Parameters<typeof podLogText>[4]) => podLogText(world, cluster, "shop", "web", q);
    expect(await log({})).toBe("line 0\nline 1\nline 2\nline 3\nline 4\n");
    expect(await log({ tailLines: 2 })).toBe("line 3\nline 4\n");
    expect(await log({ tailLines: 0 })).toBe("");
    expect(await log({ sinceSeconds: 150 })).toBe("line 3\nline 4\n");
    expect(await log({ limitBytes: 8 })).toBe("line 0\nl");
    const stamped = await log({ timestamps: true, tailLines: 1 });
    expect(stamped).toBe(`${rfc3339Nano(t0 - 60_000)} line 4\n`);
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line 4\n$/);
  });

  it("needs a container name when the pod has several, with the API server's message", async () => {
    const { world, cluster } = fixture();
    await expect(podLogText(world, cluster, "shop", "duo", {})).rejects.toMatchObject({
      code: 400,
      message: "a container name must be specified for pod duo, choose one of: [a b]",
    });
    await expect(podLogText(world, cluster, "shop", "duo", { container: "c" })).rejects.toMatchObject({
      code: 400,
      message: "container c is not valid for pod duo",
    });
    expect(await podLogText(world, cluster, "shop", "duo", { container: "b" })).toBe("");
  });

  it("refuses --previous until the container has restarted, then serves the previous run", async () => {
    const { world, cluster } = fixture();
    await expect(podLogText(world, cluster, "shop", "web", { previous: true })).rejects.toMatchObject({
      code: 400,
      message: 'previous terminated container "app" in pod "web" not found',
    });
    await terminateContainerProcess(world, cluster, "shop", "web", "app", 137);
    expect(await podLogText(world, cluster, "shop", "web", { previous: true, tailLines: 1 })).toBe("line 4\n");
    expect(await podLogText(world, cluster, "shop", "web", {})).toBe("");
  });

  it("answers 404 for a missing pod and 400 for a container that has not started", async () => {
    const { world, cluster } = fixture();
    await expect(podLogText(world, cluster, "shop", "nope", {})).rejects.toMatchObject({ code: 404, message: 'pods "nope" not found' });
    await expect(podLogText(world, cluster, "shop", "pending", {})).rejects.toMatchObject({
      code: 400,
      message: 'container "app" in pod "pending" is waiting to start: ContainerCreating',
    });
  });
});

describe("pods/log over HTTP", () => {
  const { world } = fixture();
  let server: Awaited<ReturnType<typeof startPodServer>>;
  beforeAll(async () => {
    server = await startPodServer(world);
  });
  afterAll(() => server.close());

  it("answers text/plain, and errors as a Status", async () => {
    const ok = await fetch(`${server.base}/clusters/t/api/v1/namespaces/shop/pods/web/log?tailLines=1&follow=false`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/plain");
    expect(await ok.text()).toBe("line 4\n");
    const bad = await fetch(`${server.base}/clusters/t/api/v1/namespaces/shop/pods/duo/log`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ kind: "Status", status: "Failure", reason: "BadRequest", code: 400 });
    const invalid = await fetch(`${server.base}/clusters/t/api/v1/namespaces/shop/pods/web/log?tailLines=-1`);
    expect(invalid.status).toBe(422);
  });
});

describe("pods/log?follow=true streams", () => {
  const { world, cluster } = fixture();
  let server: Awaited<ReturnType<typeof startPodServer>>;
  beforeAll(async () => {
    server = await startPodServer(world);
  });
  afterAll(() => server.close());

  async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, seen: string[], want: string): Promise<string> {
    const decoder = new TextDecoder();
    while (!seen.join("").includes(want)) {
      const { value, done } = await reader.read();
      if (done) break;
      seen.push(decoder.decode(value));
    }
    return seen.join("");
  }

  it("sends what is there, then each new line as it is printed, and ends when the pod goes", async () => {
    const res = await fetch(`${server.base}/clusters/t/api/v1/namespaces/shop/pods/web/log?tailLines=1&follow=True&timestamps=0`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBeNull();
    const reader = res.body!.getReader();
    const seen: string[] = [];
    expect(await readUntil(reader, seen, "line 4\n")).toBe("line 4\n");
    appendOutput(cluster, "shop", "web", "app", world.clock.now(), "line 5");
    expect(await readUntil(reader, seen, "line 5\n")).toBe("line 4\nline 5\n");
    cluster.store.remove("pods", "shop", "web");
    const rest = await reader.read();
    expect(rest.done).toBe(true);
  });
});
