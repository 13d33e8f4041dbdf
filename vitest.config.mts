import "./scripts/require-node.cjs";
import { defineConfig } from "vitest/config";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // `server-only` throws outside React's server bundle; tests run server code directly.
      "server-only": path.join(root, "test/server-only-stub.ts"),
    },
  },
  test: {
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["node_modules/**", "e2e/**", ".next/**", ".data/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // The console's request log (one info line per door call) would bury the test output; the
    // tests that check it capture it at "info" themselves (captureLogsForTests).
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
    // EVIDENCE_DIR: a temporary directory per run (never .data/evidence).
    globalSetup: ["test/evidence-dir.global.ts"],
    setupFiles: ["test/evidence-dir.setup.ts"],
  },
});
