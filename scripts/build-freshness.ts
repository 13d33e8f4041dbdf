import fs from "node:fs";
import path from "node:path";

// The production build is stale when any source it is made from is newer than its BUILD_ID.
const SOURCE_DIRS = ["app", "components", "lib", "public"];
const SOURCE_FILES = ["package-lock.json", "next.config.js", "postcss.config.mjs", "tsconfig.json", "middleware.ts", "proxy.ts", "instrumentation.ts"];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

export function buildIsStale(root: string): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  const sources = [...SOURCE_DIRS, ...SOURCE_FILES].map((p) => newestMtime(path.join(root, p)));
  return Math.max(...sources) > built;
}
