import { execFile, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath, startSimProcess, type SimProcess } from "../test/harness";

// `kubectl logs -f` against the simulator: the stream stays open after the lines already
// there (kubectl keeps running) and ends, with kubectl exiting 0, when the pod goes.

const KUBECTL = findOnPath("kubectl");
const CONTEXT = "gke_acme-prod_us-central1-a_payments";

describe.skipIf(!KUBECTL)("kubectl logs -f against the simulator", () => {
  let sim: SimProcess;
  const kubectl = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(KUBECTL!, ["--context", CONTEXT, "-n", "shop", ...args], { env: sim.env, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });

  beforeAll(async () => {
    sim = await startSimProcess(["--scenario", "demo"]);
  });
  afterAll(() => sim?.stop());

  it("follows a pod's log until the pod is deleted", async () => {
    const pods = JSON.parse((await kubectl(["get", "pods", "-l", "app=checkout", "-o", "json"])).stdout).items as { metadata: { name: string } }[];
    let pod: string | undefined;
    for (const p of pods) if ((await kubectl(["logs", p.metadata.name, "--tail=1"])).stdout.trim()) pod ??= p.metadata.name;
    expect(pod, "a checkout pod with log lines").toBeTruthy();

    const follow = spawn(KUBECTL!, ["--context", CONTEXT, "-n", "shop", "logs", "-f", "--tail=2", pod!], { env: sim.env });
    let out = "";
    const exited = new Promise<number | null>((resolve) => follow.once("exit", (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      follow.stdout.on("data", (d) => {
        out += String(d);
        if (out.split("\n").length > 2) resolve();
      }),
    );
    expect(out.trim().split("\n")).toHaveLength(2);
    // A round trip later kubectl is still reading: the server kept the stream open.
    expect((await kubectl(["get", "pod", pod!])).code).toBe(0);
    expect(follow.exitCode).toBeNull();

    const del = await kubectl(["delete", "pod", pod!, "--grace-period=0", "--force"]);
    expect(del.code, del.stderr).toBe(0);
    expect(await exited).toBe(0);
  });
});
