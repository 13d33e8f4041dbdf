// `npm run bench`: the simulator's scale scenario measured, and each read the console makes
// timed side by side with the kubectl command a person would run on the same simulator.
// Numbers depend on the machine; nothing here asserts a limit.
//
//   npm run bench [-- --nodes N --pods N --runs N]
import "./require-node.cjs";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { consoleEnvFor } from "../sim/test/harness";

const ROOT = path.resolve(__dirname, "..");

interface Ready {
  port: number;
  kubeconfig: string;
  computeEndpoint: string;
  containerEndpoint: string;
  iamEndpoint: string;
  project: string;
}

function flag(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb("VmRSS") / 1024), peak: Math.round(kb("VmHWM") / 1024) };
}

async function startScaleSimulator(args: string[]): Promise<{ child: ChildProcess; ready: Ready; seconds: number; pid: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-bench-"));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      "--max-old-space-size=4096",
      path.join(ROOT, "node_modules/tsx/dist/cli.mjs"),
      "sim/main.ts",
      "--scenario",
      "scale",
      "--port",
      "0",
      "--kubeconfig",
      path.join(dir, "kubeconfig"),
      ...args,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] },
  );
  const ready = await new Promise<Ready>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once("line", (l) => resolve(JSON.parse(l)));
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  const seconds = (performance.now() - started) / 1000;
  // tsx runs the program in a child process of its own: that one holds the world.
  const inner = spawnSync("pgrep", ["-P", String(child.pid)], { encoding: "utf8" })
    .stdout.trim()
    .split("\n")
    .filter(Boolean)
    .map(Number);
  return { child, ready, seconds, pid: inner[0] ?? child.pid! };
}

/** Median wall time of `runs` kubectl invocations, start-up included: that is what a person waits for. */
function kubectlSeconds(kubeconfig: string, args: string[], runs = RUNS): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const run = spawnSync("kubectl", args, { env: { ...process.env, KUBECONFIG: kubeconfig }, encoding: "utf8", maxBuffer: 1 << 30 });
    if (run.status !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${run.stderr.slice(0, 300)}`);
    times.push((performance.now() - t) / 1000);
  }
  return median(times);
}

const RUNS = Number(flag("runs", "3"));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median of RUNS warm calls: the console is a long-running server, so the first call's set-up is not the user's cost. */
async function timed<T>(fn: () => Promise<T>, runs = RUNS): Promise<{ seconds: number; value: T }> {
  let value = await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    value = await fn();
    times.push((performance.now() - t) / 1000);
  }
  return { seconds: median(times), value };
}

async function main(): Promise<void> {
  if (spawnSync("kubectl", ["version", "--client"]).status !== 0) throw new Error("kubectl is needed: the benchmark compares against it");
  const simArgs = ["nodes", "pods"].flatMap((n) => (flag(n) ? [`--${n}`, flag(n)!] : []));
  const sim = await startScaleSimulator(simArgs);
  const memory = memoryMiB(sim.pid);
  try {
    Object.assign(process.env, consoleEnvFor(sim.ready), { AIRLOCK_DEMO: "1" });
    // The console's own service layer, as its pages and /api/v1 call it.
    const { listPods } = await import("../lib/clusters/list-pods");
    const { listClusters } = await import("../lib/clusters/registry");
    const { getNodeDetail } = await import("../lib/clusters/get-node-detail");
    const { kubeContexts } = await import("../lib/kube/clients");
    const { clearBurstCacheForTests: forgetCachedFacts } = await import("../lib/clusters/burst-cache");
    const cluster = kubeContexts()[0].name;
    const firstPage = await listPods(cluster, { limit: 1 });
    const node = firstPage.items[0]?.node ?? "";

    const rows: [string, string, number, number][] = [];
    const kc = sim.ready.kubeconfig;

    // The registry caches facts for a few seconds per burst; measure the uncached work.
    const overview = await timed(() => (forgetCachedFacts(), listClusters()));
    const nodes = kubectlSeconds(kc, ["get", "nodes", "--no-headers"]);
    rows.push(["clusters page (counts) vs get nodes", "kubectl get nodes", nodes, overview.seconds]);

    const first = await timed(() => listPods(cluster, { limit: 100 }));
    // --raw takes a path from the host, ignoring the server URL's own path (/clusters/<name>).
    const prefix = new URL(kubeContexts()[0].server ?? "http://x").pathname.replace(/\/$/, "");
    const rawFirst = kubectlSeconds(kc, ["get", "--raw", `${prefix}/api/v1/pods?limit=100`]);
    rows.push(["first 100 pods, all namespaces", "kubectl get --raw '/api/v1/pods?limit=100'", rawFirst, first.seconds]);

    const onNode = await timed(() => listPods(cluster, { fieldSelector: `spec.nodeName=${node}`, limit: 500 }));
    const kOnNode = kubectlSeconds(kc, ["get", "pods", "-A", "--no-headers", "--field-selector", `spec.nodeName=${node}`]);
    rows.push(["pods on one node (field selector)", "kubectl get pods -A --field-selector spec.nodeName=…", kOnNode, onNode.seconds]);

    const nodeDetail = await timed(() => getNodeDetail(cluster, node, {}));
    const describe = kubectlSeconds(kc, ["describe", "node", node]);
    rows.push(["node detail (pods, VM, firewalls)", "kubectl describe node …", describe, nodeDetail.seconds]);

    const all = kubectlSeconds(kc, ["get", "pods", "-A", "--no-headers"], 1);
    const paged = await timed(async () => {
      let token: string | undefined;
      let count = 0;
      do {
        const page = await listPods(cluster, { limit: 500, continue: token });
        count += page.items.length;
        token = page.continue;
      } while (token);
      return count;
    }, 1);
    rows.push([`every pod (${paged.value}), paged by 500`, "kubectl get pods -A", all, paged.seconds]);

    const after = memoryMiB(sim.pid);
    console.log(`\nSimulator scale scenario ${simArgs.join(" ") || "(5,000 nodes, 150,000 pods)"}`);
    console.log(`  start to ready line: ${sim.seconds.toFixed(1)} s`);
    console.log(`  resident memory: ${memory.rss} MiB at ready, ${after.rss} MiB after the reads (peak ${after.peak} MiB)\n`);
    const w = Math.max(...rows.map((r) => r[0].length));
    const kw = Math.max(...rows.map((r) => r[1].length));
    console.log(`${"operation".padEnd(w)}  ${"kubectl command".padEnd(kw)}  ${"kubectl".padStart(9)}  ${"Airlock".padStart(9)}`);
    for (const [op, cmd, k, a] of rows) {
      console.log(`${op.padEnd(w)}  ${cmd.padEnd(kw)}  ${(k.toFixed(3) + " s").padStart(9)}  ${(a.toFixed(3) + " s").padStart(9)}`);
    }
    console.log(
      `\nMedians of ${RUNS} runs (the full listing once). kubectl times include its own start-up; Airlock's are warm calls through @kubernetes/client-node and the Google clients, as the running console makes them.`,
    );
  } finally {
    sim.child.kill("SIGTERM");
  }
}

main().catch((err) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
