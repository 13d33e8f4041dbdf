// `npm run bench:ui`: the console's pods page on the simulator's scale scenario, in Chromium:
// time to the first rows, rows kept in the DOM while scrolling (virtualization), and time to a
// server-side filtered page. Starts `npm run demo` on the scale scenario (building if stale).
// Numbers depend on the machine; nothing here asserts a limit.
//
//   npm run bench:ui [-- --nodes N --pods N]
import "./require-node.cjs";
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { chromium } from "playwright-core";
import { DEFAULT_DEMO_PASSWORD } from "../lib/config/schema";

const ROOT = path.resolve(__dirname, "..");
const PORT = process.env.BENCH_PORT ?? "3210";
const BASE = `http://127.0.0.1:${PORT}`;

function flag(name: string): string[] {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? [`--${name}`, process.argv[i + 1]] : [];
}

async function main(): Promise<void> {
  const demo = spawn(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/demo.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT,
      SIM_ARGS: ["--scenario", "scale", ...flag("nodes"), ...flag("pods")].join(" "),
      AIRLOCK_DB_FILE: path.join(ROOT, ".data", "bench-ui.sqlite"),
      DATABASE_URL: "",
    },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-demo.pid!, "SIGTERM");
    } catch {
      /* already gone */
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      readline.createInterface({ input: demo.stdout! }).on("line", (l) => l.startsWith("Airlock is running") && resolve());
      demo.once("exit", (code) => reject(new Error(`npm run demo stopped (exit ${code})`)));
    });
    const browser = await chromium.launch({
      executablePath: process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${BASE}/signin`);
    await page.getByLabel("Email").fill("analyst@demo.local");
    await page.getByLabel("Password").fill(process.env.DEMO_PASSWORD ?? DEFAULT_DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/signin"));

    const clusterId = "gke_airlock-scale_us-central1_fleet";
    const rows: [string, string][] = [];
    let t = performance.now();
    await page.goto(`${BASE}/clusters`);
    await page.getByRole("link", { name: "fleet" }).waitFor();
    rows.push(["clusters page, counts included", `${Math.round(performance.now() - t)} ms`]);

    t = performance.now();
    await page.goto(`${BASE}/clusters/${clusterId}/pods`);
    await page
      .getByRole("link", { name: /^(api|worker|web)-/ })
      .first()
      .waitFor();
    rows.push(["pods page: first rows visible", `${Math.round(performance.now() - t)} ms`]);
    const loaded = (await page.getByText(/Showing \d+ pods/).textContent()) ?? "";

    t = performance.now();
    for (let i = 0; i < 20; i++) await page.mouse.wheel(0, 2000);
    await page.getByRole("button", { name: "Load more pods" }).waitFor();
    rows.push([
      "scroll to the end of the loaded page",
      `${Math.round(performance.now() - t)} ms, ${await page.getByRole("row").count()} rows in the DOM (${loaded.trim()})`,
    ]);

    t = performance.now();
    const filters = page.getByRole("search", { name: "Filter pods" });
    await filters.getByLabel("Namespace").fill("team-042");
    await filters.getByLabel("Label selector").fill("app=api");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await page
      .getByText(/Showing \d+ pods?/)
      .filter({ hasNotText: loaded.trim() })
      .waitFor();
    rows.push(["filter (namespace + label selector, on the server)", `${Math.round(performance.now() - t)} ms`]);
    await browser.close();

    console.log(`\nPods page on the scale scenario ${[...flag("nodes"), ...flag("pods")].join(" ") || "(5,000 nodes, 150,000 pods)"}`);
    const w = Math.max(...rows.map((r) => r[0].length));
    for (const [what, value] of rows) console.log(`  ${what.padEnd(w)}  ${value}`);
  } finally {
    stop();
  }
}

main().catch((err) => {
  console.error(`bench:ui: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
