import "server-only";
import { RateLimiterPostgres, RateLimiterSQLite, type RateLimiterAbstract } from "rate-limiter-flexible";
import { rawClientOf, type Db } from "@/lib/store/open";
import { SIGN_IN_LIMITS, type ThrottleLimits } from "./throttle-limits";

export { SIGN_IN_LIMITS, THROTTLED_CODE, type ThrottleLimits } from "./throttle-limits";

type Limiters = { account: RateLimiterAbstract; address: RateLimiterAbstract; limits: ThrottleLimits };
// Per database instance (a WeakMap here is fine: a second bundle merely builds its own limiters over the same table).
const cache = new WeakMap<Db, Map<string, Limiters>>();

// Counters live in the database (table sign_in_throttle, migration 009-sign-in), so replicas on one
// PostgreSQL count together and a restart forgets nothing.
function limiter(db: Db, keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
  const raw = rawClientOf(db);
  const common = { tableName: "sign_in_throttle", tableCreated: true, keyPrefix, points, duration };
  return raw.engine === "sqlite"
    ? new RateLimiterSQLite({ ...common, storeClient: raw.database, storeType: "better-sqlite3" })
    : new RateLimiterPostgres({ ...common, storeClient: raw.pool, storeType: "pool", clearExpiredByTimeout: false });
}

function limitersFor(db: Db, limits: ThrottleLimits): Limiters {
  const key = JSON.stringify(limits);
  let byLimits = cache.get(db);
  if (!byLimits) cache.set(db, (byLimits = new Map()));
  let found = byLimits.get(key);
  if (!found) {
    found = {
      account: limiter(db, "signin-account", limits.perAccount, limits.windowSeconds),
      address: limiter(db, "signin-address", limits.perAddress, limits.windowSeconds),
      limits,
    };
    byLimits.set(key, found);
  }
  return found;
}

export type Attempt = { email: string; address: string | undefined };

const accountKey = (email: string) => email.trim().toLowerCase();

export type SignInThrottle = {
  /** Seconds until this account and address may try again; 0 when they may now. */
  retryAfter(a: Attempt): Promise<number>;
  failed(a: Attempt): Promise<void>;
  succeeded(a: Attempt): Promise<void>;
};

export function signInThrottle(db: Db, limits: ThrottleLimits = SIGN_IN_LIMITS): SignInThrottle {
  const l = limitersFor(db, limits);
  const pairs = (a: Attempt): [RateLimiterAbstract, string, number][] => [
    [l.account, accountKey(a.email), limits.perAccount],
    ...(a.address ? [[l.address, a.address, limits.perAddress] as [RateLimiterAbstract, string, number]] : []),
  ];
  return {
    async retryAfter(a) {
      let wait = 0;
      for (const [rl, key, points] of pairs(a)) {
        const res = await rl.get(key);
        if (res && res.consumedPoints >= points) wait = Math.max(wait, Math.ceil(res.msBeforeNext / 1000));
      }
      return wait;
    },
    async failed(a) {
      for (const [rl, key] of pairs(a)) await rl.penalty(key, 1);
    },
    async succeeded(a) {
      await l.account.delete(accountKey(a.email));
    },
  };
}

/**
 * The client's address as the nearest proxy saw it: the last X-Forwarded-For entry (the one the
 * ingress or load balancer in front of Airlock appends; Next sets it from the socket when absent).
 */
export function clientAddress(headers: Record<string, string | string[] | undefined> | Headers | undefined): string | undefined {
  const raw = headers instanceof Headers ? headers.get("x-forwarded-for") : headers?.["x-forwarded-for"];
  const value = Array.isArray(raw) ? raw.join(",") : raw;
  const last = value
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .at(-1);
  return last ? last.slice(0, 64) : undefined;
}
