// `npm run demo`: the simulator (demo scenario) and the console's production build, wired
// together exactly as a real deployment is: through a kubeconfig and Google API endpoints.
// `npm run demo -- --oidc` also starts a real OpenID provider (scripts/oidc-idp.ts) and signs in through it.
import "./require-node.cjs";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { DEFAULT_DEMO_PASSWORD } from "../lib/config/schema";
import { consoleEnvFor } from "../sim/test/harness";
import { isConsoleReadyLine } from "./console-ready";
import { clearDemoFacts, writeDemoFacts } from "./demo-facts";
import { demoAlertWiring } from "./demo-alerts";
import { startDemoIdp, type DemoIdp } from "./oidc-idp";
import { buildIfStale } from "./production-console";

const ROOT = path.resolve(__dirname, "..");
const DEMO_DIR = path.join(ROOT, ".data", "demo");
const port = process.env.PORT ?? "3000";
const simPort = process.env.SIM_PORT ?? "0";
const children: ChildProcess[] = [];
// The demo opens on an alert: the simulator posts as Falcosidekick (with this run's secret) and
// as a Pub/Sub push subscription (signed with its own key) to this console.
const alertWiring = demoAlertWiring({
  consoleOrigin: `http://127.0.0.1:${port}`,
  secret: process.env.ALERT_INGEST_SECRET ?? randomBytes(32).toString("base64url"),
});

const withOidc = process.argv.slice(2).includes("--oidc");

function stopAll(code: number): never {
  clearDemoFacts(DEMO_DIR, process.pid);
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  process.exit(code);
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n`);
  stopAll(1);
}

async function startSimulator(): Promise<{
  kubeconfig: string;
  computeEndpoint: string;
  containerEndpoint: string;
  iamEndpoint: string;
  project: string;
  oidcCertsUrl: string;
}> {
  fs.mkdirSync(DEMO_DIR, { recursive: true });
  const sim = spawn(
    process.execPath,
    [
      path.join(ROOT, "node_modules/tsx/dist/cli.mjs"),
      "sim/main.ts",
      "--scenario",
      "demo",
      "--port",
      simPort,
      "--kubeconfig",
      path.join(DEMO_DIR, "kubeconfig"),
      ...(process.env.SIM_ARGS?.split(" ").filter(Boolean) ?? []),
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...alertWiring.simEnv } },
  );
  children.push(sim);
  const simLog = fs.createWriteStream(path.join(DEMO_DIR, "sim.log"));
  sim.stderr!.pipe(simLog);
  sim.once("exit", (code) => fail(`the simulator stopped (exit ${code}); see .data/demo/sim.log`));
  const line = await new Promise<string>((resolve) => readline.createInterface({ input: sim.stdout! }).once("line", resolve));
  process.stdout.write(line + "\n");
  return JSON.parse(line);
}

/** The provider's settings for the console; its accounts get roles from OIDC_ROLE_MAP (default below). */
async function startIdp(consoleUrl: string): Promise<{ idp: DemoIdp; env: Record<string, string> }> {
  const idp = await startDemoIdp({ port: Number(process.env.OIDC_IDP_PORT ?? 0), redirectUri: `${consoleUrl}/api/auth/callback/oidc` });
  return {
    idp,
    env: {
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_ROLE_MAP: process.env.OIDC_ROLE_MAP ?? "*@sso.demo.local=lead,analyst;*@demo.local=analyst",
    },
  };
}

async function main(): Promise<void> {
  const ready = await startSimulator();
  const consoleUrl = process.env.NEXTAUTH_URL ?? `http://localhost:${port}`;
  const oidc = withOidc ? await startIdp(consoleUrl) : undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    AIRLOCK_DEMO: "1",
    ...consoleEnvFor(ready),
    AIRLOCK_DB_FILE: process.env.AIRLOCK_DB_FILE ?? path.join(DEMO_DIR, "airlock.sqlite"),
    NEXTAUTH_URL: consoleUrl,
    PORT: port,
    ...alertWiring.consoleEnv(ready.kubeconfig, ready.oidcCertsUrl, process.env),
    // The demo is a production build on plain http: the simulator's endpoints and the session
    // cookies are allowed without TLS here, and only here.
    AIRLOCK_ALLOW_INSECURE_ENDPOINTS: "1",
    AIRLOCK_ALLOW_INSECURE_COOKIES: "1",
    ...oidc?.env,
  };
  try {
    buildIfStale({ env, log: (line) => process.stderr.write(`demo: ${line}\n`) });
  } catch {
    fail("the console build failed (see above)");
  }
  const next = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", port, "-H", "127.0.0.1"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(next);
  next.once("exit", (code) => fail(`the console stopped (exit ${code})`));
  const password = process.env.DEMO_PASSWORD ?? DEFAULT_DEMO_PASSWORD;
  const ssoLine = oidc
    ? `Single sign-on: the OpenID provider at ${oidc.idp.issuer} accepts any login name and password; "alice" signs in as alice@sso.demo.local (lead).`
    : undefined;
  const dbFile = env.DATABASE_URL ? undefined : path.resolve(ROOT, env.AIRLOCK_DB_FILE!);
  let announced = false;
  readline.createInterface({ input: next.stdout! }).on("line", (l) => {
    process.stderr.write(`[console] ${l}\n`);
    if (!announced && isConsoleReadyLine(l)) {
      announced = true;
      writeDemoFacts(DEMO_DIR, {
        pid: process.pid,
        url: `http://localhost:${port}`,
        ...(dbFile ? { sqliteFile: dbFile } : {}),
        startedAt: new Date().toISOString(),
      });
      process.stdout.write(
        [
          "",
          `Airlock is running at http://localhost:${port}`,
          `Sign in as analyst@demo.local, lead@demo.local, approver@demo.local, approver2@demo.local or admin@demo.local, password "${password}".`,
          ...(ssoLine ? [ssoLine] : []),
          `Admin scripts (npm run token, npm run users, npm run audit:verify) use this demo's database while it runs.`,
          `kubectl and gcloud can watch the same simulated clusters:`,
          `  export KUBECONFIG=${ready.kubeconfig}`,
          `  export CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE=${ready.computeEndpoint} CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER=${ready.containerEndpoint} CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM=${ready.iamEndpoint} CLOUDSDK_AUTH_DISABLE_CREDENTIALS=true CLOUDSDK_CORE_PROJECT=${ready.project}`,
          "",
        ].join("\n") + "\n",
      );
    }
  });
}

main().catch((err) => fail(String(err?.message ?? err)));
