import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, describeConfig, loadConfig } from "./index";

const SECRET = { NEXTAUTH_SECRET: "x".repeat(32) };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...SECRET, ...env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  return [];
}

describe("evidence store configuration", () => {
  it("defaults to the local filesystem under .data/evidence, or EVIDENCE_DIR", () => {
    expect(loadConfig(SECRET).evidence).toEqual({ store: "fs", dir: path.resolve(".data/evidence") });
    expect(loadConfig({ ...SECRET, EVIDENCE_STORE: "fs", EVIDENCE_DIR: "/srv/evidence" }).evidence).toEqual({ store: "fs", dir: "/srv/evidence" });
    expect(loadConfig({ ...SECRET, EVIDENCE_STORE: " ", EVIDENCE_DIR: "" }).evidence.store).toBe("fs");
  });

  it("selects Cloud Storage with a bucket, trimming the prefix's slashes", () => {
    expect(loadConfig({ ...SECRET, EVIDENCE_STORE: "gcs", EVIDENCE_BUCKET: "acme-evidence", EVIDENCE_PREFIX: "/airlock/" }).evidence).toEqual({
      store: "gcs",
      bucket: "acme-evidence",
      prefix: "airlock",
    });
    expect(loadConfig({ ...SECRET, EVIDENCE_STORE: "gcs", EVIDENCE_BUCKET: "acme-evidence" }).evidence).toEqual({
      store: "gcs",
      bucket: "acme-evidence",
      prefix: "",
    });
  });

  it("refuses at start: gcs without a bucket, a gs:// bucket, an unknown store, naming the variable", () => {
    expect(problems({ EVIDENCE_STORE: "gcs" })).toEqual(["EVIDENCE_BUCKET is required when EVIDENCE_STORE=gcs (a bucket name, no gs:// prefix)"]);
    expect(problems({ EVIDENCE_STORE: "gcs", EVIDENCE_BUCKET: "gs://x" })).toEqual(["EVIDENCE_BUCKET must be a bucket name (no gs:// prefix)"]);
    expect(problems({ EVIDENCE_STORE: "s3" })).toEqual(['EVIDENCE_STORE must be "fs" (default) or "gcs"']);
    expect(problems({ GOOGLE_STORAGE_ENDPOINT: "not a url" })[0]).toMatch(/GOOGLE_STORAGE_ENDPOINT/);
  });

  it("reads the storage endpoint override and documents every variable", () => {
    expect(loadConfig({ ...SECRET, GOOGLE_STORAGE_ENDPOINT: "http://127.0.0.1:8443" }).googleStorageEndpoint).toBe("http://127.0.0.1:8443");
    const names = describeConfig().map((r) => r.name);
    for (const n of ["EVIDENCE_STORE", "EVIDENCE_DIR", "EVIDENCE_BUCKET", "EVIDENCE_PREFIX", "GOOGLE_STORAGE_ENDPOINT"]) expect(names).toContain(n);
  });
});
