import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { Exec, KubeConfig } from "@kubernetes/client-node";
import { addRunningPod, testWorld } from "../netpol/testkit";
import { startPodServer } from "./testserver";

// Exec is tested against the handlers on a bare HTTP server, through the ws client (to see
// the frames) and through client-node's Exec (to see what the console will see).

const { world, cluster } = testWorld();
addRunningPod(cluster, { name: "web", ip: "10.4.0.5" });
addRunningPod(cluster, { name: "web2", ip: "10.4.0.7" });
addRunningPod(cluster, { name: "duo", ip: "10.4.0.6", containers: [{ name: "a" }, { name: "b" }] });
addRunningPod(cluster, { name: "pending", phase: "Pending" });
addRunningPod(cluster, { name: "once", ip: "10.4.0.8", restartPolicy: "Never" });

let server: Awaited<ReturnType<typeof startPodServer>>;
beforeAll(async () => {
  server = await startPodServer(world);
});
afterAll(() => server.close());

interface Session {
  protocol: string;
  frames: { channel: number; text: string }[];
  closeCode: number;
}

function execUrl(pod: string, command: string[], extra = "stdout=true&stderr=true"): string {
  const q = command.map((c) => `command=${encodeURIComponent(c)}`).join("&");
  return `${server.base.replace("http", "ws")}/clusters/t/api/v1/namespaces/shop/pods/${pod}/exec?${q}&${extra}`;
}

function session(url: string, protocols: string[]): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    const frames: Session["frames"] = [];
    ws.on("message", (data: Buffer) => frames.push({ channel: data[0], text: data.subarray(1).toString("utf8") }));
    ws.on("close", (code) => resolve({ protocol: ws.protocol, frames, closeCode: code }));
    ws.on("error", reject);
  });
}

function refusal(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ["v5.channel.k8s.io"]);
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on("open", () => reject(new Error("upgrade should have been refused")));
    ws.on("error", () => {});
  });
}

const container = (pod: string, name = "app") =>
  cluster.store.get("pods", "shop", pod)!.status.containerStatuses.find((s: { name: string }) => s.name === name);

describe("pods/exec over WebSocket", () => {
  it("restarts the container on `kill 1` and reports success on v5", async () => {
    const before = container("web");
    const s = await session(execUrl("web", ["/bin/sh", "-c", "kill 1"]), ["v5.channel.k8s.io", "v4.channel.k8s.io"]);
    expect(s.protocol).toBe("v5.channel.k8s.io");
    expect(s.frames).toEqual([{ channel: 3, text: JSON.stringify({ metadata: {}, status: "Success" }) }]);
    expect(s.closeCode).toBe(1000);
    const after = container("web");
    expect(after.restartCount).toBe(1);
    expect(after.lastState.terminated).toMatchObject({
      exitCode: 143,
      reason: "Error",
      startedAt: before.state.running.startedAt,
      containerID: before.containerID,
    });
    expect(after.lastState.terminated.finishedAt).toMatch(/Z$/);
    expect(after.state.running.startedAt).toBe(after.lastState.terminated.finishedAt);
    expect(after.containerID).not.toBe(before.containerID);
    const reasons = cluster.store
      .list("events", { namespace: "shop" })
      .filter((e) => e.involvedObject && (e.involvedObject as { name: string }).name === "web")
      .map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(["Pulled", "Created", "Started"]));
  });

  it("kill -9 1 records exit 137 and counts restarts", async () => {
    await session(execUrl("web2", ["kill", "-9", "1"]), ["v4.channel.k8s.io"]);
    await session(execUrl("web2", ["kill", "-9", "1"]), ["v4.channel.k8s.io"]);
    expect(container("web2")).toMatchObject({ restartCount: 2, lastState: { terminated: { exitCode: 137 } } });
  });

  it("a restartPolicy Never pod stays terminated after kill 1", async () => {
    await session(execUrl("once", ["kill", "1"]), ["v5.channel.k8s.io"]);
    const pod = cluster.store.get("pods", "shop", "once")!;
    expect(pod.status.phase).toBe("Failed");
    expect(container("once")).toMatchObject({ restartCount: 0, state: { terminated: { exitCode: 143 } } });
  });

  it("refuses other commands on stderr with a non-zero exit status", async () => {
    const s = await session(execUrl("duo", ["ls", "-l"], "container=b&stdout=true&stderr=true"), ["v4.channel.k8s.io"]);
    expect(s.protocol).toBe("v4.channel.k8s.io");
    expect(s.frames[0]).toEqual({ channel: 2, text: "airlock simulator: command not simulated: ls -l\n" });
    const status = JSON.parse(s.frames[1].text);
    expect(s.frames[1].channel).toBe(3);
    expect(status).toMatchObject({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "126" }] } });
  });

  it("cats the pod's /proc/net/tcp (its listeners), and refuses files it does not model", async () => {
    const s = await session(execUrl("duo", ["sh", "-c", "cat /proc/net/tcp"], "stdout=true&stderr=true&container=b"), ["v5.channel.k8s.io"]);
    expect(s.frames[0].channel).toBe(1);
    expect(s.frames[0].text.split("\n")[0]).toMatch(/^ {2}sl {2}local_address rem_address {3}st tx_queue/);
    expect(s.frames.at(-1)).toEqual({ channel: 3, text: JSON.stringify({ metadata: {}, status: "Success" }) });
    const other = await session(execUrl("duo", ["cat", "/etc/shadow"], "stdout=true&stderr=true&container=a"), ["v5.channel.k8s.io"]);
    expect(other.frames[0]).toEqual({ channel: 2, text: "airlock simulator: file not simulated: /etc/shadow\n" });
  });

  it("merges the refusal into stdout with a TTY", async () => {
    const s = await session(execUrl("web", ["cat", "/etc/passwd"], "stdin=true&stdout=true&tty=true"), ["v5.channel.k8s.io"]);
    expect(s.frames.map((f) => f.channel)).toEqual([1, 3]);
  });

  it("speaks the old protocols: plain text on the error channel, silence on success", async () => {
    const fail = await session(execUrl("duo", ["id"], "container=a&stdout=true&stderr=true"), ["channel.k8s.io"]);
    expect(fail.protocol).toBe("channel.k8s.io");
    expect(fail.frames[1]).toEqual({ channel: 3, text: "command terminated with non-zero exit code: error executing command [id], exit code 126" });
    const ok = await session(execUrl("duo", ["kill", "1"], "container=a&stdout=true"), ["v2.channel.k8s.io"]);
    expect(ok.frames).toEqual([]);
  });

  it("refuses before upgrading, as the API server does", async () => {
    const missing = await refusal(execUrl("ghost", ["kill", "1"]));
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ kind: "Status", reason: "NotFound", message: 'pods "ghost" not found' });
    const pending = await refusal(execUrl("pending", ["kill", "1"]));
    expect(pending.status).toBe(400);
    expect(JSON.parse(pending.body).message).toBe('container not found ("app")');
    const ambiguous = await refusal(execUrl("duo", ["kill", "1"]));
    expect(JSON.parse(ambiguous.body).message).toBe("a container name must be specified for pod duo, choose one of: [a b]");
  });

  it("tells a plain POST (the SPDY fallback) that WebSocket is required", async () => {
    const res = await fetch(execUrl("web", ["kill", "1"]).replace("ws://", "http://"), { method: "POST" });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/WebSocket/);
    const missing = await fetch(execUrl("ghost", ["kill", "1"]).replace("ws://", "http://"), { method: "POST" });
    expect(missing.status).toBe(404);
  });
});

describe("client-node Exec", () => {
  function kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "t", server: `${server.base}/clusters/t`, skipTLSVerify: true }],
      users: [{ name: "u", token: "x" }],
      contexts: [{ name: "t", cluster: "t", user: "u" }],
      currentContext: "t",
    });
    return kc;
  }

  async function run(pod: string, containerName: string, command: string[]) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = "";
    let err = "";
    stdout.on("data", (d) => (out += d));
    stderr.on("data", (d) => (err += d));
    const status = await new Promise<{ status: string; details?: { causes?: { message?: string }[] } }>((resolve, reject) => {
      new Exec(kubeConfig()).exec("shop", pod, containerName, command, stdout, stderr, null, false, (s) => resolve(s as never)).catch(reject);
    });
    return { status, out, err };
  }

  it("restarts with kill 1 and reports Success", async () => {
    const before = container("duo", "b").restartCount;
    const r = await run("duo", "b", ["/bin/sh", "-c", "kill 1"]);
    expect(r.status.status).toBe("Success");
    expect(container("duo", "b").restartCount).toBe(before + 1);
  });

  it("reports the exit code of a command that is not simulated", async () => {
    const r = await run("duo", "b", ["whoami"]);
    expect(r.status.status).toBe("Failure");
    expect(r.status.details?.causes?.[0].message).toBe("126");
    expect(r.err).toBe("airlock simulator: command not simulated: whoami\n");
  });
});
