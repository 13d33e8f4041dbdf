// Shared by the server (lib/auth/throttle.ts) and the sign-in form, so no server-only imports here.

/** Failed sign-ins allowed per window before further attempts are refused until the window ends. */
export type ThrottleLimits = { perAccount: number; perAddress: number; windowSeconds: number };

/**
 * Five wrong passwords for one account, or fifty from one address (an office behind one NAT
 * shares it), within fifteen minutes. A successful sign-in clears its account's count.
 */
export const SIGN_IN_LIMITS: ThrottleLimits = { perAccount: 5, perAddress: 50, windowSeconds: 15 * 60 };

/** The error code next-auth carries from authorize() to the sign-in page. */
export const THROTTLED_CODE = "TooManyAttempts";

export const THROTTLED_MESSAGE = `Too many failed sign-ins for this account or from this address. Wait ${SIGN_IN_LIMITS.windowSeconds / 60} minutes, then try again.`;
