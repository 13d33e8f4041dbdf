import { describe, expect, it } from "vitest";
import { boundaryOf, parseMultipart } from "./multipart";

describe("multipart/related", () => {
  it("reads the boundary, quoted or not, and only from multipart types", () => {
    expect(boundaryOf("multipart/related; boundary=abc123")).toBe("abc123");
    expect(boundaryOf('multipart/related; charset=utf-8; boundary="a b"')).toBe("a b");
    expect(boundaryOf("application/json")).toBeUndefined();
    expect(boundaryOf(undefined)).toBeUndefined();
  });

  it("splits the metadata and media parts, keeping binary bytes and a trailing CRLF inside the media", () => {
    const media = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x41, 0x0d, 0x0a]);
    const body = Buffer.concat([
      Buffer.from('--xyz\r\nContent-Type: application/json\r\n\r\n{"name":"a/b.json"}\r\n--xyz\r\nContent-Type: application/octet-stream\r\n\r\n'),
      media,
      Buffer.from("\r\n--xyz--\r\n"),
    ]);
    const parts = parseMultipart(body, "xyz")!;
    expect(parts).toHaveLength(2);
    expect(parts[0].headers["content-type"]).toBe("application/json");
    expect(JSON.parse(parts[0].body.toString())).toEqual({ name: "a/b.json" });
    expect(parts[1].headers["content-type"]).toBe("application/octet-stream");
    expect(parts[1].body.equals(media)).toBe(true);
  });

  it("refuses a body without its closing delimiter or header separator", () => {
    expect(parseMultipart(Buffer.from("no delimiter here"), "xyz")).toBeUndefined();
    expect(parseMultipart(Buffer.from("--xyz\r\nContent-Type: text/plain\r\n\r\nunterminated"), "xyz")).toBeUndefined();
    expect(parseMultipart(Buffer.from("--xyz\r\nno-separator\r\n--xyz--"), "xyz")).toBeUndefined();
  });
});
