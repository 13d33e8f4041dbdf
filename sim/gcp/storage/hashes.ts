import { createHash } from "node:crypto";

// The two checksums Cloud Storage keeps for every object, in the form its JSON API writes them:
// base64 of the MD5 digest, and base64 of the big-endian CRC32C (Castagnoli) value.

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(body: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of body) crc = CRC32C_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function crc32cBase64(body: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32c(body));
  return out.toString("base64");
}

export function md5Base64(body: Buffer): string {
  return createHash("md5").update(body).digest("base64");
}

/** The `x-goog-hash` header of a media download: `crc32c=…,md5=…`. */
export function googHash(body: Buffer): string {
  return `crc32c=${crc32cBase64(body)},md5=${md5Base64(body)}`;
}
