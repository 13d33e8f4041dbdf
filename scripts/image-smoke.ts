// `npm run image:smoke`: the built image, started as an operator would start it, against
// PostgreSQL and the simulator: /api/readyz turns 200, the image's own HEALTHCHECK passes, and a
// demo user signs in through next-auth's credentials flow over HTTP. Stops everything it started.
//
// The container runs with `buildah run --isolation chroot` (`podman run` cannot set rlimits on
// this machine), so it shares the host's network: the console listens on IMAGE_SMOKE_PORT and
// reaches the simulator on 127.0.0.1. /app and /home/node are mounted read-only over themselves
// and /tmp is a fresh tmpfs, so a write anywhere but /tmp fails as it would under
// readOnlyRootFilesystem (uid 1000 cannot write the rest of the root filesystem anyway).
import "./require-node.cjs";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import type { ReadyLine } from "../sim/start";
import { consoleEnvFor } from "../sim/test/harness";
import { DEFAULT_DEMO_PASSWORD } from "../lib/config/schema";

const ROOT = path.resolve(__dirname, "..");
const IMAGE = process.env.IMAGE ?? "localhost/airlock:latest";
const PORT = Number(process.env.IMAGE_SMOKE_PORT ?? 3106);
const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://airlock:airlock@127.0.0.1:5432/airlock_test";
const SMOKE_DB = "airlock_image_smoke";
const READY_WITHIN_MS = 180_000;
const BASE = `http://localhost:${PORT}`;

const started: ChildProcess[] = [];
let container: string | undefined;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-image-smoke-"));

function log(msg: string): void {
  process.stderr.write(`image:smoke: ${msg}\n`);
}

function buildah(...args: string[]): string {
  const r = spawnSync("buildah", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`buildah ${args[0]} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Each child leads its own process group, so stopping it stops what it spawned (npm → tsx → node; buildah → the console). */
function startGroup(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; logFile: string }): ChildProcess {
  const child = spawn(cmd, args, { cwd: ROOT, env: opts.env ?? process.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  const out = fs.createWriteStream(opts.logFile);
  child.stderr!.pipe(out);
  return child;
}

async function stopAll(): Promise<void> {
  for (const child of started.reverse()) {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) continue;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM");
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (container) spawnSync("buildah", ["rm", container], { stdio: "ignore" });
}

async function startSimulator(): Promise<ReadyLine> {
  const sim = startGroup(
    "npm",
    ["run", "--silent", "sim", "--", "--scenario", "demo", "--port", "0", "--kubeconfig", path.join(work, "config", "kubeconfig")],
    {
      logFile: path.join(work, "sim.log"),
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: sim.stdout! }).once("line", resolve);
    sim.once("exit", (code) => reject(new Error(`the simulator exited (${code}); see ${work}/sim.log`)));
  });
  const ready = JSON.parse(line) as ReadyLine;
  // The console runs as uid 1000 and reads the kubeconfig through the /config mount.
  fs.chmodSync(path.dirname(ready.kubeconfig), 0o755);
  fs.chmodSync(ready.kubeconfig, 0o644);
  return ready;
}

/** A fresh database for this run, so a leftover schema from an older image never hides a migration failure. */
async function freshDatabase(): Promise<string> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(`drop database if exists ${SMOKE_DB} with (force)`);
    await client.query(`create database ${SMOKE_DB}`);
  } finally {
    await client.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${SMOKE_DB}`;
  return url.toString();
}

function startConsole(sim: ReadyLine, databaseUrl: string): void {
  container = buildah("from", "--quiet", IMAGE);
  const mountPoint = buildah("mount", container);
  const env: Record<string, string> = {
    PORT: String(PORT),
    DATABASE_URL: databaseUrl,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    NEXTAUTH_URL: BASE,
    AIRLOCK_DEMO: "1",
    ...consoleEnvFor(sim),
    // The container reads the kubeconfig where the smoke mounts it.
    KUBECONFIG: "/config/kubeconfig",
    // The simulator speaks plain http; production refuses that unless told it is deliberate.
    AIRLOCK_ALLOW_INSECURE_ENDPOINTS: "1",
    // The smoke signs in over plain http too, so the session cookie cannot be Secure here.
    AIRLOCK_ALLOW_INSECURE_COOKIES: "1",
  };
  const args = [
    "run",
    "--isolation",
    "chroot",
    ...Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
    "--volume",
    `${path.join(work, "config")}:/config:ro`,
    "--volume",
    `${path.join(mountPoint, "app")}:/app:ro`,
    "--volume",
    `${path.join(mountPoint, "home", "node")}:/home/node:ro`,
    "--mount",
    "type=tmpfs,destination=/tmp",
    container,
    "--",
    ...imageCommand(),
  ];
  const child = startGroup("buildah", args, { logFile: path.join(work, "console.log") });
  readline.createInterface({ input: child.stdout! }).on("line", (l) => process.stderr.write(`[console] ${l}\n`));
}

type ImageConfig = { config?: { Cmd?: string[]; User?: string; Healthcheck?: { Test?: string[] } } };
let inspected: ImageConfig | undefined;
/** The image's configuration, inspected once (the user, command and healthcheck are all read from it). */
function imageConfig(): ImageConfig {
  inspected ??= (JSON.parse(buildah("inspect", "--type", "image", IMAGE)) as { Docker: ImageConfig }).Docker;
  return inspected;
}
function imageCommand(): string[] {
  const cmd = imageConfig().config?.Cmd;
  if (!cmd?.length) throw new Error("the image has no CMD");
  return cmd;
}

async function waitReady(): Promise<void> {
  const until = Date.now() + READY_WITHIN_MS;
  let last = "no answer";
  while (Date.now() < until) {
    if (started.some((c) => c.exitCode !== null)) throw new Error(`a process stopped early; see ${work}/console.log and ${work}/sim.log`);
    try {
      const res = await fetch(`${BASE}/api/readyz`);
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return log(`/api/readyz: ${last}`);
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`/api/readyz did not turn 200 (last: ${last}); see ${work}/console.log`);
}

/** The image's own HEALTHCHECK command, run inside the same container as a container engine would run it. */
function runHealthcheck(): void {
  const test = imageConfig().config?.Healthcheck?.Test ?? [];
  if (test[0] !== "CMD" || test.length < 2) throw new Error(`the image has no exec-form HEALTHCHECK (${JSON.stringify(test)})`);
  const r = spawnSync("buildah", ["run", "--isolation", "chroot", "--env", `PORT=${PORT}`, container!, "--", ...test.slice(1)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`HEALTHCHECK failed (exit ${r.status}): ${r.stderr.trim()}`);
  log("HEALTHCHECK passes");
}

class Cookies {
  private jar = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair.indexOf("=");
      this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
  }
  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  has(re: RegExp): boolean {
    return [...this.jar.keys()].some((k) => re.test(k));
  }
}

/** next-auth's credentials flow as the sign-in page drives it: CSRF token, then the callback POST; the cookies it leaves. */
async function postCredentials(email: string, password: string): Promise<{ jar: Cookies; status: number }> {
  const jar = new Cookies();
  const csrfRes = await fetch(`${BASE}/api/auth/csrf`);
  jar.take(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header(), origin: BASE, "sec-fetch-site": "same-origin" },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${BASE}/`, json: "true" }),
  });
  jar.take(res);
  return { jar, status: res.status };
}

/** Signs in, then checks the session is this user's. */
async function signIn(email: string, password: string): Promise<void> {
  const { jar, status } = await postCredentials(email, password);
  if (!jar.has(/session-token/)) throw new Error(`sign-in as ${email} set no session cookie (status ${status})`);
  const session = (await (await fetch(`${BASE}/api/auth/session`, { headers: { cookie: jar.header() } })).json()) as { user?: { email?: string } };
  if (session.user?.email !== email) throw new Error(`the session after sign-in is not ${email}: ${JSON.stringify(session)}`);
  log(`signed in as ${email}`);
}

async function refusesBadPassword(email: string): Promise<void> {
  const { jar } = await postCredentials(email, "not-the-password");
  if (jar.has(/session-token/)) throw new Error("a wrong password got a session");
  log("a wrong password is refused");
}

async function main(): Promise<void> {
  const user = imageConfig().config?.User ?? "";
  if (!/^[1-9]\d*(:\d+)?$/.test(user)) throw new Error(`the image runs as "${user || "root"}", not a numeric non-root user`);
  const [sim, databaseUrl] = await Promise.all([startSimulator(), freshDatabase()]);
  log(`simulator on port ${sim.port}; database ${SMOKE_DB}; console on ${BASE}`);
  startConsole(sim, databaseUrl);
  await waitReady();
  runHealthcheck();
  await signIn("analyst@demo.local", process.env.DEMO_PASSWORD ?? DEFAULT_DEMO_PASSWORD);
  await refusesBadPassword("analyst@demo.local");
}

main()
  .then(async () => {
    await stopAll();
    fs.rmSync(work, { recursive: true, force: true });
    log("passed");
  })
  .catch(async (err: Error) => {
    log(`FAILED: ${err.message}`);
    for (const f of ["console.log", "sim.log"]) {
      const p = path.join(work, f);
      if (fs.existsSync(p)) process.stderr.write(`--- ${f} (last lines)\n${fs.readFileSync(p, "utf8").split("\n").slice(-40).join("\n")}\n`);
    }
    await stopAll();
    process.exit(1);
  });
