# syntax=docker/dockerfile:1
# Airlock's console as a container image: `npm run image` builds it (buildah), or
#   docker build -t airlock .
# BASE_IMAGE is any image with Node.js >= 26 (package.json's engines) and npm at /usr/local/bin:
# the official node image by default. `npm run image` passes a local one assembled from the
# project's own Node when no registry is reachable (scripts/image-base.sh).
ARG BASE_IMAGE=node:26-bookworm-slim

# --- dependencies: exactly the lockfile (dev dependencies too: the build needs them) ---
FROM ${BASE_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json ./
# No lifecycle scripts: better-sqlite3 loads its prebuilt binary (prebuilds/) and must not be
# compiled (the base has no compiler), and the two scripts package.json's allowScripts permits
# (esbuild's binary check, protobufjs's version notice) are not needed to build or run.
RUN --mount=type=cache,target=/npm-cache npm ci --ignore-scripts --cache /npm-cache --prefer-offline --no-audit --no-fund

# --- build: Next's standalone output (server.js and the production files it traces) ---
FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY --from=deps /src/node_modules ./node_modules
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1 AIRLOCK_STANDALONE=1
RUN npm run build
# Everything the console writes goes under /tmp, so the root filesystem can be read-only:
# .data (SQLite default, evidence default, demo secret) and Next's cache are links to /tmp
# itself, a directory that always exists, so creating paths below them works.
RUN node -e 'const fs=require("fs"); for (const p of [".next/standalone/.data", ".next/standalone/.next/cache"]) { fs.rmSync(p, { recursive: true, force: true }); fs.symlinkSync("/tmp", p); }'

# --- runtime: no compiler, no npm install, no dev dependencies; runs as a non-root user ---
FROM ${BASE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0
COPY --from=build /src/.next/standalone ./
COPY --from=build /src/.next/static ./.next/static
COPY --from=build /src/public ./public
# uid 1000 is `node` in the official image and in the local base; numeric so that Kubernetes'
# runAsNonRoot can check it.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "server.js"]
