import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";

/** The token of `Authorization: Bearer <token>`, or null when the header is absent or not that shape. */
export function bearerToken(req: Request): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? null;
}

/** Compares a secret someone sent with the expected one; both are hashed first, so the time taken does not depend on their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(createHash("sha256").update(given).digest(), createHash("sha256").update(expected).digest());
}
