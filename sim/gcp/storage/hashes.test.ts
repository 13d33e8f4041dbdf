import { describe, expect, it } from "vitest";
import { crc32c, crc32cBase64, googHash, md5Base64 } from "./hashes";

describe("object checksums", () => {
  it("computes CRC32C (Castagnoli) with the published check value", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    // RFC 3720 B.4: 32 bytes of zeros.
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
  });

  it("writes both as Cloud Storage does: base64 of the big-endian CRC32C and of the MD5 digest", () => {
    expect(crc32cBase64(Buffer.from("123456789"))).toBe(Buffer.from([0xe3, 0x06, 0x92, 0x83]).toString("base64"));
    expect(md5Base64(Buffer.from(""))).toBe("1B2M2Y8AsgTpgAmY7PhCfg==");
    expect(googHash(Buffer.from("123456789"))).toBe(`crc32c=4waSgw==,md5=${md5Base64(Buffer.from("123456789"))}`);
  });
});
