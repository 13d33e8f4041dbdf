import path from "node:path";
import { expect, it } from "vitest";
import { evidenceConfig } from "./config";

it("defaults to the local filesystem under .data/evidence", () => {
  expect(evidenceConfig({})).toEqual({ store: "fs", dir: path.resolve(".data/evidence") });
  expect(evidenceConfig({ EVIDENCE_STORE: "fs", EVIDENCE_DIR: "/srv/evidence" })).toEqual({ store: "fs", dir: "/srv/evidence" });
});

it("accepts gcs with a bucket and names the missing or bad variable otherwise", () => {
  expect(evidenceConfig({ EVIDENCE_STORE: "gcs", EVIDENCE_BUCKET: "acme-evidence", EVIDENCE_PREFIX: "/airlock/" })).toEqual({
    store: "gcs",
    bucket: "acme-evidence",
    prefix: "airlock",
  });
  expect(() => evidenceConfig({ EVIDENCE_STORE: "gcs" })).toThrow(/EVIDENCE_BUCKET is required/);
  expect(() => evidenceConfig({ EVIDENCE_STORE: "gcs", EVIDENCE_BUCKET: "gs://x" })).toThrow(/EVIDENCE_BUCKET/);
  expect(() => evidenceConfig({ EVIDENCE_STORE: "s3" })).toThrow(/EVIDENCE_STORE/);
});
