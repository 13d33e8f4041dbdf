import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

// One temporary evidence directory per Vitest run, so tests that store artifacts through the
// configured store never write into the developer's .data/evidence. Removed when the run ends.

declare module "vitest" {
  export interface ProvidedContext {
    evidenceDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-test-evidence-"));
  project.provide("evidenceDir", dir);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
