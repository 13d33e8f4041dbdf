import { createHash } from "node:crypto";
import { Storage, type ApiError } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimProcess, type SimProcess } from "../test/harness";

// @google-cloud/storage pointed at the simulator as lib/gcp/clients.ts points it: apiEndpoint
// is the full origin (scheme, host and port); a custom endpoint sends no credentials.

let sim: SimProcess;
let storage: Storage;

beforeAll(async () => {
  sim = await startSimProcess(["--scenario", "demo"]);
  storage = new Storage({ apiEndpoint: sim.ready.storageEndpoint, projectId: sim.ready.project, useAuthWithCustomEndpoint: false });
});
afterAll(async () => {
  await sim?.stop();
});

const code = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return (err as ApiError).code;
  }
  return "resolved";
};

describe("@google-cloud/storage against the simulator", () => {
  it("finds the scenario project's evidence bucket", async () => {
    expect(sim.ready.evidenceBucket).toBe("acme-prod-airlock-evidence");
    const [exists] = await storage.bucket(sim.ready.evidenceBucket).exists();
    expect(exists).toBe(true);
    const [meta] = await storage.bucket(sim.ready.evidenceBucket).getMetadata();
    expect(meta).toMatchObject({ name: sim.ready.evidenceBucket, kind: "storage#bucket" });
    expect((await storage.bucket("no-such-bucket").exists())[0]).toBe(false);
  });

  it("saves create-only with checksums validated, refuses a second create with 412, and downloads the same bytes", async () => {
    const file = storage.bucket(sim.ready.evidenceBucket).file("airlock/inc-1/abc-pod.json");
    const body = Buffer.from(JSON.stringify({ kind: "Pod", metadata: { name: "checkout" } }) + "\n");
    const sha = createHash("sha256").update(body).digest("hex");
    await file.save(body, {
      resumable: false,
      contentType: "application/json",
      metadata: { metadata: { sha256: sha, source: "/api/v1/namespaces/shop/pods/checkout" } },
      preconditionOpts: { ifGenerationMatch: 0 },
      validation: "md5",
    });
    const [meta] = await file.getMetadata();
    expect(meta).toMatchObject({ contentType: "application/json", size: String(body.length), metadata: { sha256: sha } });

    expect(await code(file.save(Buffer.from("forged"), { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }))).toBe(412);

    const [md5Checked] = await file.download({ validation: "md5" });
    const [crcChecked] = await file.download();
    expect(md5Checked.equals(body)).toBe(true);
    expect(crcChecked.equals(body)).toBe(true);
  });

  it("lists by prefix and answers 404 for a missing object", async () => {
    const bucket = storage.bucket(sim.ready.evidenceBucket);
    await bucket.file("airlock/inc-2/x.log").save("x\n", { resumable: false, contentType: "text/plain" });
    const [files] = await bucket.getFiles({ prefix: "airlock/inc-2/" });
    expect(files.map((f) => f.name)).toEqual(["airlock/inc-2/x.log"]);
    expect(await code(bucket.file("airlock/missing").download())).toBe(404);
    expect((await bucket.file("airlock/missing").exists())[0]).toBe(false);
  });
});
