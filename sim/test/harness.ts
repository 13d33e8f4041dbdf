import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import type { ReadyLine } from "../start";

// Starts the simulator as its own process, as the console and kubectl meet it, and waits for
// its ready line. Tests talk to it only over HTTP.
export interface SimProcess {
  ready: ReadyLine;
  dir: string;
  /** Environment for kubectl and gcloud pointed at this simulator. */
  env: NodeJS.ProcessEnv;
  base: string;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, "..", "..");

/** The demo scenario's payments cluster, where its compromised pod runs. */
export const PAYMENTS = "gke_acme-prod_us-central1-a_payments";
/** The annotation the demo scenario marks its compromised pod with. */
export const COMPROMISED_ANNOTATION = "airlock.sim/compromised";

/** The console's settings that point it at a simulator, as `npm run demo` sets them: its kubeconfig, Google API endpoints and project. */
export function consoleEnvFor(
  ready: Pick<ReadyLine, "kubeconfig" | "computeEndpoint" | "containerEndpoint" | "iamEndpoint" | "project">,
): Record<string, string> {
  return {
    KUBECONFIG: ready.kubeconfig,
    GOOGLE_COMPUTE_ENDPOINT: ready.computeEndpoint,
    GOOGLE_CONTAINER_ENDPOINT: ready.containerEndpoint,
    GOOGLE_IAM_ENDPOINT: ready.iamEndpoint,
    GCP_PROJECTS: ready.project,
  };
}

export async function startSimProcess(args: string[] = []): Promise<SimProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-sim-"));
  const kubeconfig = path.join(dir, "kubeconfig");
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(ROOT, "sim", "main.ts"), "--port", "0", "--kubeconfig", kubeconfig, ...args],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  const stderr: string[] = [];
  child.stderr!.on("data", (d) => {
    stderr.push(String(d));
    if (stderr.length > 200) stderr.shift();
  });
  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once("line", (line) => {
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`simulator printed a non-JSON first line: ${line}`));
      }
    });
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}: ${stderr.join("").slice(-2000)}`)));
  });
  const gcloudConfig = path.join(dir, "gcloud");
  fs.mkdirSync(gcloudConfig);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KUBECONFIG: ready.kubeconfig,
    CLOUDSDK_CONFIG: gcloudConfig,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: ready.computeEndpoint,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER: ready.containerEndpoint,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM: ready.iamEndpoint,
    CLOUDSDK_AUTH_DISABLE_CREDENTIALS: "true",
    CLOUDSDK_CORE_PROJECT: ready.project,
    CLOUDSDK_CORE_DISABLE_PROMPTS: "1",
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: "true",
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: "true",
  };
  return {
    ready,
    dir,
    env,
    base: `http://127.0.0.1:${ready.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** POSTs to the simulator's control surface (`/_sim/…`); its JSON answer, if any. */
export async function simPost(sim: SimProcess, route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sim.base}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`simulator ${route} answered ${res.status}: ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

export async function simGet(sim: SimProcess, route: string): Promise<unknown> {
  const res = await fetch(`${sim.base}${route}`);
  if (!res.ok) throw new Error(`simulator ${route} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Where the simulator's request log stands now, to ask later what was written since. */
export async function simRequestSeq(sim: SimProcess): Promise<number> {
  return ((await simGet(sim, "/_sim/requests")) as { last: number }).last;
}

/** Writes (creates, patches, deletes, exec; not dry runs) the simulator received after `since`: `METHOD path` each. */
export async function simWritesSince(sim: SimProcess, since: number): Promise<string[]> {
  const { items } = (await simGet(sim, `/_sim/requests?since=${since}&writes=true`)) as { items: { method: string; path: string }[] };
  return items.map((r) => `${r.method} ${r.path}`);
}

/** The executable `bin` on PATH, or undefined: conformance suites run only where the real CLI is installed. */
export function findOnPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, bin);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}
