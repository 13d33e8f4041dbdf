import { describe, expect, it } from "vitest";
import { World } from "../../world";
import { addBucket } from "./buckets";
import { dispatchStorage } from "./router";

function world(): World {
  const w = new World({ scenario: "empty", seed: 1, netpolDelaySeconds: 300 }, "acme-test", "1234");
  addBucket(w, "acme-test-airlock-evidence");
  return w;
}
const B = "acme-test-airlock-evidence";
const call = (w: World, method: string, url: string, body: Buffer = Buffer.alloc(0), contentType?: string) => {
  const u = new URL(url, "http://sim");
  return dispatchStorage(w, method, u.pathname, u.searchParams, contentType, body);
};

function multipart(meta: unknown, media: Buffer, type = "text/plain"): { body: Buffer; contentType: string } {
  const b = "b0undary";
  return {
    contentType: `multipart/related; boundary=${b}`,
    body: Buffer.concat([
      Buffer.from(`--${b}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(meta)}\r\n--${b}\r\nContent-Type: ${type}\r\n\r\n`),
      media,
      Buffer.from(`\r\n--${b}--`),
    ]),
  };
}

describe("storage router", () => {
  it("gets the bucket, and 404s an unknown one in Google's error JSON", () => {
    const w = world();
    expect(call(w, "GET", `/storage/v1/b/${B}`)).toMatchObject({ status: 200, json: { kind: "storage#bucket", name: B, projectNumber: "1234" } });
    expect(call(w, "GET", "/storage/v1/b/nope")).toEqual({
      status: 404,
      json: {
        error: {
          code: 404,
          message: "The specified bucket does not exist.",
          errors: [{ message: "The specified bucket does not exist.", domain: "global", reason: "notFound" }],
        },
      },
    });
  });

  it("inserts by media and multipart upload, then serves metadata, media with x-goog-hash, and the download door", () => {
    const w = world();
    const media = call(w, "POST", `/upload/storage/v1/b/${B}/o?uploadType=media&name=inc%2Fa.log`, Buffer.from("log line\n"), "text/plain");
    expect(media).toMatchObject({ status: 200, json: { name: "inc/a.log", contentType: "text/plain", size: "9" } });
    const mp = multipart({ name: "inc/pod.json", contentType: "application/json", metadata: { sha256: "f00" } }, Buffer.from("{}\n"), "application/json");
    expect(call(w, "POST", `/upload/storage/v1/b/${B}/o?uploadType=multipart`, mp.body, mp.contentType)).toMatchObject({
      status: 200,
      json: { name: "inc/pod.json", metadata: { sha256: "f00" } },
    });

    expect(call(w, "GET", `/storage/v1/b/${B}/o/inc%2Fpod.json`)).toMatchObject({ status: 200, json: { name: "inc/pod.json", size: "3" } });
    const got = call(w, "GET", `/storage/v1/b/${B}/o/inc%2Fpod.json?alt=media`);
    expect(got.media?.toString()).toBe("{}\n");
    expect(got.headers).toMatchObject({ "Content-Type": "application/json", "x-goog-hash": expect.stringMatching(/^crc32c=.+,md5=.+$/) });
    expect(call(w, "GET", `/download/storage/v1/b/${B}/o/inc%2Fa.log?alt=media`).media?.toString()).toBe("log line\n");
    expect(call(w, "GET", `/storage/v1/b/${B}/o?prefix=inc/`).json?.items).toHaveLength(2);
  });

  it("answers 412 to a second create-only insert, 400 to resumable and malformed uploads, 405 to other methods", () => {
    const w = world();
    const url = `/upload/storage/v1/b/${B}/o?uploadType=media&name=x&ifGenerationMatch=0`;
    expect(call(w, "POST", url, Buffer.from("1")).status).toBe(200);
    expect(call(w, "POST", url, Buffer.from("2"))).toMatchObject({ status: 412, json: { error: { code: 412, errors: [{ reason: "conditionNotMet" }] } } });
    expect(call(w, "POST", `/upload/storage/v1/b/${B}/o?uploadType=resumable&name=y`).status).toBe(400);
    expect(call(w, "POST", `/upload/storage/v1/b/${B}/o?uploadType=multipart`, Buffer.from("junk"), "multipart/related; boundary=zz").status).toBe(400);
    const badJson = multipart("{", Buffer.from("x"));
    expect(
      call(w, "POST", `/upload/storage/v1/b/${B}/o?uploadType=multipart`, Buffer.from(badJson.body.toString().replace('"{"', "{")), badJson.contentType),
    ).toMatchObject({ status: 400 });
    expect(call(w, "PUT", `/storage/v1/b/${B}/o/x`).status).toBe(405);
    expect(call(w, "GET", "/storage/v1/nothing").status).toBe(404);
  });

  it("rewrites an object to a new name (create-only with ifGenerationMatch=0) and deletes one", () => {
    const w = world();
    expect(call(w, "POST", `/upload/storage/v1/b/${B}/o?uploadType=media&name=inc%2Fincoming-1`, Buffer.from("bytes")).status).toBe(200);
    const rewrite = `/storage/v1/b/${B}/o/inc%2Fincoming-1/rewriteTo/b/${B}/o/inc%2Ffinal?ifGenerationMatch=0`;
    const done = call(w, "POST", rewrite, Buffer.from(JSON.stringify({ contentType: "text/plain", metadata: { sha256: "abc" } })), "application/json");
    expect(done).toMatchObject({
      status: 200,
      json: { kind: "storage#rewriteResponse", done: true, resource: { name: "inc/final", size: "5", metadata: { sha256: "abc" } } },
    });
    expect(call(w, "POST", rewrite, Buffer.from("{}"), "application/json").status).toBe(412);
    expect(call(w, "DELETE", `/storage/v1/b/${B}/o/inc%2Fincoming-1`).status).toBe(204);
    expect(call(w, "GET", `/storage/v1/b/${B}/o/inc%2Fincoming-1`).status).toBe(404);
    expect(call(w, "GET", `/storage/v1/b/${B}/o/inc%2Ffinal?alt=media`).media?.toString()).toBe("bytes");
  });
});
