import "./scripts/require-node.cjs";
import { defineConfig } from "@playwright/test";
import os from "node:os";
import path from "node:path";

// The e2e specs drive Debian's Chromium (no browser downloads here) against `npm run demo`,
// with a throwaway database so every run starts from the demo's fresh state.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const dataDir = path.join(os.tmpdir(), `airlock-e2e-${process.pid}`);

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [["list"]],
  timeout: 120_000,
  expect: { timeout: 20_000 },
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    // One e2e console per machine at a time: runs queue on the lock instead of fighting over
    // the port and the .next build directory.
    // --oidc: a real OpenID provider beside the console, for e2e/oidc.spec.ts.
    command: `flock /tmp/airlock-e2e.lock ${process.execPath} node_modules/tsx/dist/cli.mjs scripts/demo.ts --oidc`,
    url: `http://127.0.0.1:${PORT}/signin`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      AIRLOCK_DB_FILE: path.join(dataDir, "airlock.sqlite"),
      NEXTAUTH_URL: `http://127.0.0.1:${PORT}`,
      SIM_ARGS: "--netpol-delay 5",
      // The console's propagation countdown for apply-deny-all: longer than the simulator's 5 s
      // policy delay (so a probe after it sees the policy in force), short enough for a test,
      // and long enough that the wizard's "remaining" countdown is reliably seen.
      NETPOL_PROPAGATION_SECONDS: "10",
      // The e2e console keeps its own throwaway SQLite file even when CI exports DATABASE_URL.
      DATABASE_URL: "",
    },
  },
});
