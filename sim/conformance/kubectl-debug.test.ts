import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath, startSimProcess, type SimProcess } from "../test/harness";

// The real kubectl's `debug` against the demo's compromised pod: an ephemeral container
// targeting the app container (pods/ephemeralcontainers), exec into it, nc from the pod's own
// network namespace to the miner pool and the metadata server, and the pod's TCP table with
// the miner's established connection, before and after a deny-all egress policy.

const KUBECTL = findOnPath("kubectl");
const CONTEXT = "gke_acme-prod_us-central1-a_payments";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- objects as the API serves them
type Json = Record<string, any>;

describe.skipIf(!KUBECTL)("kubectl debug against the simulator", () => {
  let sim: SimProcess;
  let pod: string;

  const kubectl = (args: string[], input = ""): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = execFile(KUBECTL!, ["--context", CONTEXT, "-n", "shop", ...args], { env: sim.env, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
      child.stdin?.end(input);
    });
  const api = async (path: string): Promise<Json> => (await fetch(`${sim.base}/clusters/payments${path}`)).json();
  const advance = (seconds: number) => fetch(`${sim.base}/_sim/clock/advance`, { method: "POST", body: JSON.stringify({ seconds }) });
  const ephemeral = async () => (await api(`/api/v1/namespaces/shop/pods/${pod}`)) as Json;

  beforeAll(async () => {
    sim = await startSimProcess(["--scenario", "demo"]);
    const pods = await api("/api/v1/namespaces/shop/pods");
    pod = (pods.items as Json[]).find((p) => p.metadata.annotations?.["airlock.sim/compromised"] === "true")!.metadata.name;
  });
  afterAll(() => sim?.stop());

  let debuggerName: string;

  it("kubectl debug POD -it --image=busybox --target=checkout --attach=false adds a running ephemeral container", async () => {
    const r = await kubectl(["debug", pod, "-it", "--image=busybox:1.36", "--target=checkout", "--attach=false", "--profile=general", "--", "sh"]);
    expect(r.code, r.stderr).toBe(0);
    const spec = (await ephemeral()).spec.ephemeralContainers as Json[];
    expect(spec).toHaveLength(1);
    expect(spec[0]).toMatchObject({ image: "busybox:1.36", targetContainerName: "checkout", command: ["sh"] });
    debuggerName = spec[0].name;
    expect(r.stdout + r.stderr).toContain(`Defaulting debug container name to ${debuggerName}`);
    await advance(2);
    const statuses = (await ephemeral()).status.ephemeralContainerStatuses as Json[];
    expect(statuses.find((s) => s.name === debuggerName)?.state?.running).toBeDefined();
  });

  it("exec into it: nc to the miner pool and the metadata server connects before containment", async () => {
    const r = await kubectl([
      "exec",
      pod,
      "-c",
      debuggerName,
      "--",
      "sh",
      "-c",
      "nc -zv -w 3 198.51.100.23 3333; nc -zv -w 3 169.254.169.254 80; nc -zvu -w 3 kube-dns.kube-system 53; nc -zv -w 3 kubernetes.default 443",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("198.51.100.23 (198.51.100.23:3333) open");
    expect(r.stderr).toContain("169.254.169.254 (169.254.169.254:80) open");
    expect(r.stderr).toContain("kube-dns.kube-system (10.8.0.10:53) open");
    expect(r.stderr).toContain("kubernetes.default (10.8.0.1:443) open");
  });

  it("cat /proc/net/tcp shows the miner's established connection", async () => {
    const r = await kubectl(["exec", pod, "-c", debuggerName, "--", "cat", "/proc/net/tcp"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/:A9F8 176433C6:0D05 01 00000000:00000000 02:/);
  });

  it("after a deny-all egress policy is programmed, nc times out and the connection stalls (Dataplane V2)", async () => {
    const policy = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "airlock-deny-all", namespace: "shop" },
      spec: { podSelector: { matchLabels: { "airlock.io/quarantine": "true" } }, policyTypes: ["Ingress", "Egress"] },
    };
    expect((await kubectl(["create", "-f", "-"], JSON.stringify(policy))).code).toBe(0);
    expect((await kubectl(["label", "pod", pod, "airlock.io/quarantine=true"])).code).toBe(0);
    await advance(301);
    const r = await kubectl([
      "exec",
      pod,
      "-c",
      debuggerName,
      "--",
      "sh",
      "-c",
      "nc -zvu -w 3 kube-dns.kube-system 53; nc -zv -w 3 169.254.169.254 80; nc -zv -w 3 198.51.100.23 3333",
    ]);
    expect(r.code).not.toBe(0);
    // A dropped datagram is silence, which busybox's UDP scan reports as open: UDP proves nothing here.
    expect(r.stderr).toContain("kube-dns.kube-system (10.8.0.10:53) open");
    expect(r.stderr).toContain("nc: 169.254.169.254 (169.254.169.254:80): Connection timed out");
    expect(r.stderr).toContain("nc: 198.51.100.23 (198.51.100.23:3333): Connection timed out");
    const tcp = await kubectl(["exec", pod, "-c", debuggerName, "--", "cat", "/proc/net/tcp"]);
    expect(tcp.stdout).toMatch(/:A9F8 176433C6:0D05 01 000002B0:00000000 01:/);
  });

  it("kubectl debug --attach=false -- nc … runs nc as the ephemeral container: exit status and logs", async () => {
    const r = await kubectl([
      "debug",
      pod,
      "--image=busybox:1.36",
      "--target=checkout",
      "--attach=false",
      "--profile=general",
      "--",
      "nc",
      "-zv",
      "-w",
      "3",
      "198.51.100.23",
      "3333",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const name = ((await ephemeral()).spec.ephemeralContainers as Json[]).map((c) => c.name).find((n) => n !== debuggerName)!;
    await advance(2);
    await advance(4);
    const status = ((await ephemeral()).status.ephemeralContainerStatuses as Json[]).find((s) => s.name === name)!;
    expect(status.state.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    const logs = await kubectl(["logs", pod, "-c", name]);
    expect(logs.stdout).toContain("Connection timed out");
  });
});
