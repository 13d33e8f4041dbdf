import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { routeResponse, userToken } from "@/app/api/v1/testing";
import { caller, freshDb, givenIncident } from "@/lib/containment/testing";
import { FsEvidenceStore } from "@/lib/evidence/fs-store";
import { storeStream } from "@/lib/evidence/sink";
import { setEvidenceStoreForTests } from "@/lib/evidence/store";
import type { Db } from "@/lib/store";
import { GET as downloadRoute } from "./route";

// The download door streams a stored body out of the store: it never reads it whole (the store's
// get() is refused here), and a body that changes after the check is cut short with an error.

/** A store that refuses whole reads, and can hand the download other bytes than verify() read. */
class StreamOnlyStore extends FsEvidenceStore {
  swapTo: Buffer | undefined;
  private verifying = false;
  override async get(): Promise<Buffer | null> {
    throw new Error("the download read a stored body whole");
  }
  override async verify(key: string) {
    this.verifying = true;
    try {
      return await super.verify(key);
    } finally {
      this.verifying = false;
    }
  }
  override async open(key: string): Promise<Readable | null> {
    const body = await super.open(key);
    if (!this.swapTo || this.verifying) return body;
    // The download's own read, after verify() passed: other bytes.
    body?.destroy();
    return Readable.from([this.swapTo.subarray(0, 65536), this.swapTo.subarray(65536)]);
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-evidence-download-"));
const store = new StreamOnlyStore(dir);
const analyst = caller("analyst@x.com", "analyst");
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const bytes = Buffer.alloc(2 * 1024 * 1024 + 5);
for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;

let db: Db;
let close: () => Promise<void>;
let lead: string;

beforeAll(async () => {
  ({ db, close } = await freshDb());
  setEvidenceStoreForTests(store);
  lead = await userToken(db, "lead@x.com", ["lead"]);
});
afterAll(async () => {
  setEvidenceStoreForTests(undefined);
  await close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function stored() {
  const inc = await givenIncident(analyst);
  const meta = {
    name: "file-p_tmp_kworkerd",
    contentType: "application/octet-stream",
    source: "/api/v1/namespaces/shop/pods/p/exec",
    at: "2026-01-01T00:00:00Z",
  };
  const row = await storeStream(
    { db, incidentId: inc.id, stepId: "acquire-files", runId: "run-1", actor: analyst.email, role: "analyst" },
    meta,
    Readable.from([bytes]),
  );
  return { incidentId: inc.id, artifactId: row.id };
}

const download = (p: { incidentId: string; artifactId: string }) =>
  routeResponse(downloadRoute, "GET", `/api/v1/incidents/${p.incidentId}/evidence/${p.artifactId}`, { id: p.incidentId, artifactId: p.artifactId }, lead);

it("streams the body out of the store in pieces, never whole, with its SHA-256 and length", async () => {
  store.swapTo = undefined;
  const res = await download(await stored());
  expect(res.status).toBe(200);
  expect(res.headers.get("x-content-sha256")).toBe(sha(bytes));
  expect(res.headers.get("content-length")).toBe(String(bytes.length));
  expect(res.headers.get("content-type")).toBe("application/octet-stream");
  const reader = res.body!.getReader();
  const pieces: Uint8Array[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) pieces.push(r.value);
  expect(pieces.length).toBeGreaterThan(1);
  expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(bytes.length);
  expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
});

it("cuts a download short with an error when the stored body changes after it was checked", async () => {
  const p = await stored();
  const forged = Buffer.from(bytes);
  forged[forged.length - 1] ^= 0xff;
  store.swapTo = forged;
  try {
    const res = await download(p);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let received = 0;
    const ended = await (async () => {
      for (;;) {
        const r = await reader.read();
        if (r.done) return "done";
        received += r.value.length;
      }
    })().catch(() => "errored");
    expect(ended).toBe("errored");
    expect(received).toBeLessThan(bytes.length);
  } finally {
    store.swapTo = undefined;
  }
});

it("answers 409 and 410 before sending anything when the stored body was changed or removed", async () => {
  const p = await stored();
  const file = path.join(dir, p.incidentId, (await fs.promises.readdir(path.join(dir, p.incidentId)))[0]);
  fs.chmodSync(file, 0o600);
  fs.writeFileSync(file, "forged\n");
  const tampered = await download(p);
  expect(tampered.status).toBe(409);
  expect(await tampered.json()).toMatchObject({ error: { reason: "evidence-tampered" } });
  fs.rmSync(file);
  const gone = await download(p);
  expect(gone.status).toBe(410);
  expect(await gone.json()).toMatchObject({ error: { reason: "evidence-missing" } });
});
