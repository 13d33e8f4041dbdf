// Measures the scale scenario as the README reports it: time from spawn to the ready line,
// resident memory once serving (and its peak), and, when kubectl is installed and the API
// serves, the wall time of `kubectl get pods -A`. Not a test: numbers depend on the machine.
//
//   npx tsx sim/bench/scale-start.ts [--nodes N] [--pods N]
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";

const ROOT = path.resolve(__dirname, "..", "..");

function rssMiB(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb("VmRSS") / 1024), peak: Math.round(kb("VmHWM") / 1024) };
}

async function main(): Promise<void> {
  const extra = process.argv.slice(2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-scale-"));
  const kubeconfig = path.join(dir, "kubeconfig");
  const started = Date.now();
  const child = spawn(process.execPath, ["--max-old-space-size=4096", path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(ROOT, "sim", "main.ts"), "--scenario", "scale", "--port", "0", "--kubeconfig", kubeconfig, ...extra], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = await new Promise<{ port: number }>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once("line", (line) => resolve(JSON.parse(line)));
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  const startSeconds = (Date.now() - started) / 1000;
  // tsx runs the simulator in a child of its own; measure the process that holds the world.
  const pids = spawnSync("pgrep", ["-P", String(child.pid)], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean).map(Number);
  const pid = pids[0] ?? child.pid!;
  const mem = rssMiB(pid);
  const result: Record<string, unknown> = { args: extra, port: ready.port, startSeconds, rssMiB: mem.rss, peakRssMiB: mem.peak };
  const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  if (kubectl.status === 0) {
    const t = Date.now();
    const run = spawnSync("kubectl", ["get", "pods", "-A", "--no-headers"], { env: { ...process.env, KUBECONFIG: kubeconfig }, encoding: "utf8", maxBuffer: 1 << 30 });
    result.kubectlGetPodsSeconds = (Date.now() - t) / 1000;
    result.kubectlExit = run.status;
    result.kubectlLines = run.stdout ? run.stdout.split("\n").filter(Boolean).length : 0;
    result.rssAfterListMiB = rssMiB(pid).rss;
  }
  console.log(JSON.stringify(result));
  child.kill("SIGTERM");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
