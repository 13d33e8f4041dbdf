import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";

// A stand-in for Google's token signer: Pub/Sub signs each push with a Google-issued OIDC token
// for the subscription's service account, and receivers check it against Google's published
// certificates. The simulator holds one RSA key per process and publishes it the way Google
// does, at the same paths: /oauth2/v1/certs (kid → PEM, what google-auth-library reads in
// Node) and /oauth2/v3/certs (a JWKS).

export const GOOGLE_ISSUER = "https://accounts.google.com";

type Key = { kid: string; privateKey: KeyObject; publicKey: KeyObject };
let key: Key | undefined;

function signingKey(): Key {
  if (!key) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    key = { kid: randomUUID().replace(/-/g, ""), privateKey, publicKey };
  }
  return key;
}

/** `{kid: "-----BEGIN PUBLIC KEY-----…"}` as https://www.googleapis.com/oauth2/v1/certs answers (there with certificates). */
export function pemCerts(): Record<string, string> {
  const k = signingKey();
  return { [k.kid]: k.publicKey.export({ type: "spki", format: "pem" }).toString() };
}

/** The same key as a JWKS, as https://www.googleapis.com/oauth2/v3/certs answers. */
export function jwks(): { keys: Record<string, unknown>[] } {
  const k = signingKey();
  const jwk = k.publicKey.export({ format: "jwk" });
  return { keys: [{ ...jwk, kid: k.kid, alg: "RS256", use: "sig" }] };
}

const b64url = (v: string | Buffer) => Buffer.from(v).toString("base64url");

/** An RS256 ID token with the claims Pub/Sub's push tokens carry. Times are real time: the receiver checks them against its own clock. */
export function signIdToken(claims: { audience: string; email: string; lifetimeSeconds?: number; issuer?: string }): string {
  const k = signingKey();
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "RS256", kid: k.kid, typ: "JWT" };
  const payload = {
    iss: claims.issuer ?? GOOGLE_ISSUER,
    aud: claims.audience,
    azp: "1" + "0".repeat(20),
    sub: "1" + "0".repeat(20),
    email: claims.email,
    email_verified: true,
    iat: now,
    exp: now + (claims.lifetimeSeconds ?? 3600),
  };
  const signed = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${signed}.${createSign("RSA-SHA256").update(signed).sign(k.privateKey).toString("base64url")}`;
}
