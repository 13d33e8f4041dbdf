// npm run permissions            rewrites deploy/base/rbac.yaml, deploy/gcp-iam-role.yaml and the
//                                tables in docs/permissions.md from the code
// npm run permissions -- --check exits 1 (writing nothing) when any of them is out of date
import "./require-node.cjs";
import fs from "node:fs";
import path from "node:path";
import { DOC_FILE, GCP_ROLE_FILE, RBAC_FILE, renderDoc, renderGcpRole, renderRbac } from "@/lib/permissions/render";

const ROOT = path.resolve(__dirname, "..");

function main() {
  const check = process.argv.includes("--check");
  const read = (f: string) => (fs.existsSync(path.join(ROOT, f)) ? fs.readFileSync(path.join(ROOT, f), "utf8") : "");
  const wanted: [string, string][] = [
    [RBAC_FILE, renderRbac()],
    [GCP_ROLE_FILE, renderGcpRole()],
    [DOC_FILE, renderDoc(read(DOC_FILE))],
  ];
  const stale = wanted.filter(([file, text]) => read(file) !== text);
  if (check) {
    for (const [file] of stale) console.error(`${file} is out of date: run npm run permissions`);
    if (!stale.length) console.log("permission files are up to date");
    process.exit(stale.length ? 1 : 0);
  }
  for (const [file, text] of stale) {
    fs.mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true });
    fs.writeFileSync(path.join(ROOT, file), text);
    console.log(`wrote ${file}`);
  }
  if (!stale.length) console.log("permission files are up to date");
}

main();
