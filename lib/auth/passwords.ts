import "server-only";
import bcrypt from "bcryptjs";
import { MIN_PASSWORD_LENGTH } from "@/lib/config/schema";

/** bcrypt work factor: 2^12 rounds, about a quarter second per check here. */
export const BCRYPT_COST = 12;
const COST = BCRYPT_COST;
let dummyHash: string | undefined;

export class WeakPasswordError extends Error {
  constructor() {
    super(`A password must be at least ${MIN_PASSWORD_LENGTH} characters`);
    this.name = "WeakPasswordError";
  }
}

/** Hashes a new password; refuses one shorter than MIN_PASSWORD_LENGTH. */
export function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) return Promise.reject(new WeakPasswordError());
  return bcrypt.hash(password, COST);
}

export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  if (!hash) return false;
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}

/** Spends the time of a real comparison, so a failed sign-in does not reveal whether the account exists. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= await bcrypt.hash("airlock-no-such-account", COST);
  await bcrypt.compare(password, dummyHash);
}
