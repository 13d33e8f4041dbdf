import "server-only";
import bcrypt from "bcryptjs";

const COST = 10;
let dummyHash: string | undefined;

export function hashPassword(password: string): Promise<string> {
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
