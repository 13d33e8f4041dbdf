import { describe, expect, it } from "vitest";
import { World } from "../../world";
import { addBucket } from "./buckets";
import { GoogleApiError } from "./errors";
import { crc32cBase64, md5Base64 } from "./hashes";
import { getObject, insertObject, listObjects } from "./objects";

function world(): World {
  const w = new World({ scenario: "empty", seed: 1, netpolDelaySeconds: 300 }, "acme-test", "1234");
  addBucket(w, "evidence");
  return w;
}
const q = (s = "") => new URLSearchParams(s);
const status = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof GoogleApiError) return { code: e.code, reason: e.reason, message: e.message };
    throw e;
  }
  return undefined;
};

describe("storage objects", () => {
  it("stores an object with its checksums, size, content type and custom metadata", () => {
    const w = world();
    const body = Buffer.from('{"kind":"Pod"}\n');
    const r = insertObject(
      w,
      "evidence",
      { name: "airlock/inc-1/abc-pod.json", contentType: "application/json", metadata: { sha256: "abc", source: "/api/v1/x" } },
      body,
      q(),
    );
    expect(r).toMatchObject({
      kind: "storage#object",
      bucket: "evidence",
      name: "airlock/inc-1/abc-pod.json",
      contentType: "application/json",
      size: String(body.length),
      md5Hash: md5Base64(body),
      crc32c: crc32cBase64(body),
      metadata: { sha256: "abc", source: "/api/v1/x" },
    });
    expect(getObject(w, "evidence", "airlock/inc-1/abc-pod.json", q()).body.equals(body)).toBe(true);
  });

  it("ifGenerationMatch=0 creates once and answers 412 when the object exists; ifGenerationMatch=N must name the current generation", () => {
    const w = world();
    const first = insertObject(w, "evidence", { name: "a" }, Buffer.from("one"), q("ifGenerationMatch=0"));
    expect(status(() => insertObject(w, "evidence", { name: "a" }, Buffer.from("two"), q("ifGenerationMatch=0")))).toMatchObject({
      code: 412,
      reason: "conditionNotMet",
    });
    expect(getObject(w, "evidence", "a", q()).body.toString()).toBe("one");
    expect(status(() => insertObject(w, "evidence", { name: "a" }, Buffer.from("two"), q("ifGenerationMatch=1")))).toMatchObject({ code: 412 });
    // Naming the current generation, a write replaces the object with a newer one, as on GCS.
    const second = insertObject(w, "evidence", { name: "a" }, Buffer.from("two"), q(`ifGenerationMatch=${first.generation}`));
    expect(BigInt(second.generation)).toBeGreaterThan(BigInt(first.generation));
    expect(status(() => getObject(w, "evidence", "a", q(`generation=${first.generation}`)))).toMatchObject({ code: 404 });
  });

  it("refuses checksums that do not match the bytes, bad names and unknown buckets", () => {
    const w = world();
    expect(status(() => insertObject(w, "evidence", { name: "a", md5Hash: md5Base64(Buffer.from("x")) }, Buffer.from("y"), q()))).toMatchObject({
      code: 400,
      message: /MD5/,
    });
    expect(status(() => insertObject(w, "evidence", { name: "a", crc32c: "AAAAAA==" }, Buffer.from("y"), q()))).toMatchObject({ code: 400, message: /CRC32C/ });
    expect(status(() => insertObject(w, "evidence", { name: "" }, Buffer.from("y"), q()))).toMatchObject({ code: 400, reason: "required" });
    expect(status(() => insertObject(w, "evidence", { name: "a\nb" }, Buffer.from("y"), q()))).toMatchObject({ code: 400 });
    expect(status(() => insertObject(w, "missing", { name: "a" }, Buffer.from("y"), q()))).toMatchObject({
      code: 404,
      message: "The specified bucket does not exist.",
    });
    expect(status(() => getObject(w, "evidence", "nope", q()))).toMatchObject({ code: 404, message: "No such object: evidence/nope" });
  });

  it("lists by name with prefix, delimiter folders and page tokens", () => {
    const w = world();
    for (const n of ["p/inc-2/b", "p/inc-1/a", "p/inc-1/c", "other/x", "p/top"]) insertObject(w, "evidence", { name: n }, Buffer.from(n), q());
    expect(listObjects(w, "evidence", q("prefix=p/inc-1/")).items.map((r: { name: string }) => r.name)).toEqual(["p/inc-1/a", "p/inc-1/c"]);
    const folders = listObjects(w, "evidence", q("prefix=p/&delimiter=/"));
    expect(folders.prefixes).toEqual(["p/inc-1/", "p/inc-2/"]);
    expect(folders.items.map((r: { name: string }) => r.name)).toEqual(["p/top"]);
    const seen: string[] = [];
    let token = "";
    for (let i = 0; i < 10; i++) {
      const page = listObjects(w, "evidence", q(`maxResults=2${token ? `&pageToken=${token}` : ""}`));
      seen.push(...(page.items ?? []).map((r: { name: string }) => r.name));
      if (!page.nextPageToken) break;
      token = page.nextPageToken;
    }
    expect(seen).toEqual(["other/x", "p/inc-1/a", "p/inc-1/c", "p/inc-2/b", "p/top"]);
    expect(listObjects(w, "evidence", q("prefix=none/"))).toEqual({ kind: "storage#objects" });
  });
});
