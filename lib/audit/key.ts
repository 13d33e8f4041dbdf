import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

// The audit signing key, parsed without "server-only" so the configuration can validate it at start.

/** Parses AIRLOCK_AUDIT_KEY: a PKCS#8 PEM, or the same DER in base64. Throws with a reason. */
export function parseAuditKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    key = trimmed.startsWith("-----BEGIN")
      ? createPrivateKey(trimmed)
      : createPrivateKey({ key: Buffer.from(trimmed, "base64"), format: "der", type: "pkcs8" });
  } catch {
    throw new Error("AIRLOCK_AUDIT_KEY is not a private key (expected PKCS#8 PEM or base64 DER; generate one with `openssl genpkey -algorithm ed25519`)");
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`AIRLOCK_AUDIT_KEY must be an Ed25519 key, not ${key.asymmetricKeyType}`);
  return key;
}

/** Short id of the public key, so a checkpoint says which key signed it. */
export function keyIdOf(key: KeyObject): string {
  const pub = createPublicKey(key).export({ format: "der", type: "spki" });
  return createHash("sha256").update(pub).digest("hex").slice(0, 16);
}

/** A new key as PKCS#8 PEM (demo mode, tests). */
export function generateAuditKeyPem(): string {
  return generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}
