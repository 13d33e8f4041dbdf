import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath, startSimProcess, type SimProcess } from "../test/harness";

// The real kubectl reading the compromised checkout container without a shell in it: `kubectl
// cp` (tar in the container), `kubectl debug --target` and the toolbox's view of the target's
// /proc (the miner's cmdline, exe, socket), and the kubelet's checkpoint API through the node
// proxy, served on payments and refused on storefront.

const KUBECTL = findOnPath("kubectl");

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- objects as the API serves them
type Json = Record<string, any>;

describe.skipIf(!KUBECTL && process.env.CI !== "true")("kubectl live response against the simulator", () => {
  let sim: SimProcess;
  let pod: string;
  let node: string;
  let tmp: string;

  const kubectlBytes = (args: string[], cluster = "payments"): Promise<{ code: number; stdout: Buffer; stderr: string }> =>
    new Promise((resolve) => {
      const child = execFile(
        KUBECTL!,
        ["--context", `gke_acme-prod_${cluster === "payments" ? "us-central1-a" : "us-central1"}_${cluster}`, "-n", "shop", ...args],
        { env: sim.env, timeout: 60_000, encoding: "buffer", maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr: stderr.toString("utf8") }),
      );
      child.stdin?.end("");
    });
  const kubectl = async (args: string[], cluster = "payments") => {
    const r = await kubectlBytes(args, cluster);
    return { ...r, stdout: r.stdout.toString("utf8") };
  };
  const api = async (p: string, cluster = "payments"): Promise<Json> => (await fetch(`${sim.base}/clusters/${cluster}${p}`)).json();

  beforeAll(async () => {
    if (!KUBECTL) throw new Error("kubectl is not on PATH (CI=true requires it)");
    sim = await startSimProcess(["--scenario", "demo"]);
    const pods = await api("/api/v1/namespaces/shop/pods");
    const p = (pods.items as Json[]).find((x) => x.metadata.annotations?.["airlock.sim/compromised"] === "true")!;
    pod = p.metadata.name;
    node = p.spec.nodeName;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-cp-"));
  });
  afterAll(() => {
    sim?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("kubectl cp copies the miner out of the container (tar in the container), byte for byte", async () => {
    const dest = path.join(tmp, "kworkerd");
    const r = await kubectl(["cp", "-c", "checkout", `shop/${pod}:/tmp/.X11-unix/kworkerd`, dest]);
    expect(r.code, r.stderr).toBe(0);
    const bytes = fs.readFileSync(dest);
    expect(bytes.length).toBe(1_572_987);
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    const viaCat = await kubectl(["exec", pod, "-c", "checkout", "--", "cat", "/tmp/.t"]);
    expect(viaCat.stdout).toMatch(/^eyJ/);
    // The same bytes as cat in the container gives: tar framing added and removed nothing.
    const viaExec = await kubectlBytes(["exec", pod, "-c", "checkout", "--", "cat", "/tmp/.X11-unix/kworkerd"]);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(createHash("sha256").update(viaExec.stdout).digest("hex"));
    const missing = await kubectl(["cp", "-c", "checkout", `shop/${pod}:/tmp/nothing-here`, path.join(tmp, "x")]);
    expect(missing.code).not.toBe(0);
  });

  it("kubectl debug --target: the toolbox sees the miner's cmdline, exe, socket and files through /proc", async () => {
    const r = await kubectl(["debug", pod, "--image=busybox:1.36", "--target=checkout", "--attach=false", "--profile=general", "--", "sleep", "3600"]);
    expect(r.code, r.stderr).toBe(0);
    await fetch(`${sim.base}/_sim/clock/advance`, { method: "POST", body: JSON.stringify({ seconds: 2 }) });
    const debuggerName = ((await api(`/api/v1/namespaces/shop/pods/${pod}`)).spec.ephemeralContainers as Json[])[0].name;
    const run = (...argv: string[]) => kubectl(["exec", pod, "-c", debuggerName, "--", ...argv]);
    expect((await run("ls", "/proc")).stdout.split("\n")).toEqual(expect.arrayContaining(["1", "88", "89"]));
    expect((await run("cat", "/proc/88/cmdline")).stdout.split("\0")).toEqual(expect.arrayContaining(["/tmp/.X11-unix/kworkerd", "-o", "198.51.100.23:3333"]));
    expect((await run("readlink", "/proc/88/exe")).stdout).toBe("/tmp/.X11-unix/kworkerd\n");
    const socket = (await run("readlink", "/proc/88/fd/4")).stdout.trim();
    const inode = /^socket:\[(\d+)\]$/.exec(socket)?.[1];
    expect(inode).toBeDefined();
    const tcp = (await run("cat", "/proc/88/net/tcp")).stdout;
    expect(tcp.split("\n").find((l) => l.includes(" 176433C6:0D05 "))).toContain(` ${inode} `);
    expect((await run("stat", "-c", "%s", "/proc/1/root/tmp/.X11-unix/kworkerd")).stdout).toBe("1572987\n");
    const copied = await kubectlBytes(["exec", pod, "-c", debuggerName, "--", "cat", "/proc/1/root/tmp/.X11-unix/kworkerd"]);
    expect(createHash("sha256").update(copied.stdout).digest("hex")).toBe(
      createHash("sha256")
        .update(fs.readFileSync(path.join(tmp, "kworkerd")))
        .digest("hex"),
    );
    const environ = (await run("cat", "/proc/1/environ")).stdout;
    expect(environ).toContain("DB_PASSWORD=");
    const missing = await run("cat", "/proc/1/root/tmp/none");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("No such file or directory");
  });

  // --raw takes an absolute path (it drops the kubeconfig server's path), so it names the
  // simulator's per-cluster prefix itself.
  it("the checkpoint API through the node proxy: served on payments, a plain 404 on storefront", async () => {
    const configz = await kubectl(["get", "--raw", `/clusters/payments/api/v1/nodes/${node}/proxy/configz`]);
    expect(configz.code, configz.stderr).toBe(0);
    expect(JSON.parse(configz.stdout).kubeletconfig.featureGates.ContainerCheckpoint).toBe(true);
    const done = await kubectl(["create", "--raw", `/clusters/payments/api/v1/nodes/${node}/proxy/checkpoint/shop/${pod}/checkout`, "-f", "/dev/null"]);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout).items[0]).toMatch(new RegExp(`^/var/lib/kubelet/checkpoints/checkpoint-${pod}_shop-checkout-.*\\.tar$`));

    const other = (await api("/api/v1/namespaces/shop/pods", "storefront")).items[0] as Json;
    const refused = await kubectl(
      [
        "create",
        "--raw",
        `/clusters/storefront/api/v1/nodes/${other.spec.nodeName}/proxy/checkpoint/shop/${other.metadata.name}/${other.spec.containers[0].name}`,
        "-f",
        "/dev/null",
      ],
      "storefront",
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/NotFound|404|not found/i);
  });
});
