import { inject } from "vitest";

// Runs in every test worker before the test file: the run's temporary evidence directory
// (test/evidence-dir.global.ts) becomes EVIDENCE_DIR before config() first reads the environment.
process.env.EVIDENCE_DIR = inject("evidenceDir");
