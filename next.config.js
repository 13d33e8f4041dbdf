require("./scripts/require-node.cjs");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The container image (Dockerfile) ships Next's standalone server: the traced production files
  // only, no node_modules tree. `npm run demo` and the tests keep `next start` on the full tree.
  ...(process.env.AIRLOCK_STANDALONE === "1" ? { output: "standalone" } : {}),
  // Native modules and the Google/Kubernetes clients stay as plain Node requires at runtime.
  serverExternalPackages: [
    "better-sqlite3",
    "pg",
    "@kubernetes/client-node",
    "@google-cloud/compute",
    "@google-cloud/container",
    "@google-cloud/storage",
    "google-gax",
    "ws",
    // pino and prom-client keep process-wide state and worker paths that bundling would split.
    "pino",
    // Kysely too: engineOf() tells PostgreSQL from SQLite by `instanceof PostgresAdapter`, which
    // fails when the route's chunk has another bundled copy of the class than the one that opened
    // the database (every timeline append on PostgreSQL then ran SQLite's BEGIN IMMEDIATE).
    "kysely",
    "prom-client",
  ],
  // The build type-checks the app only (the app never imports sim/, scripts or tests);
  // `npm run typecheck` still checks everything against tsconfig.json.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
