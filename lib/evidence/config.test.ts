import { afterEach, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { evidenceConfig } from "./config";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetConfigForTests();
});

it("reads the store from the configuration validated at start", () => {
  process.env.NEXTAUTH_SECRET ??= "x".repeat(40);
  process.env.EVIDENCE_STORE = "gcs";
  process.env.EVIDENCE_BUCKET = "acme-prod-airlock-evidence";
  process.env.EVIDENCE_PREFIX = "airlock/";
  resetConfigForTests();
  expect(evidenceConfig()).toEqual({ store: "gcs", bucket: "acme-prod-airlock-evidence", prefix: "airlock" });
});

it("uses the test run's temporary EVIDENCE_DIR, never .data/evidence", () => {
  process.env.NEXTAUTH_SECRET ??= "x".repeat(40);
  resetConfigForTests();
  const cfg = evidenceConfig();
  expect(cfg.store).toBe("fs");
  expect(cfg.store === "fs" && cfg.dir).toBe(process.env.EVIDENCE_DIR);
  expect(cfg.store === "fs" && cfg.dir).not.toMatch(/\.data[/\\]evidence/);
});
