import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { callerFromToken, createUser, listTokens, type Caller } from "@/lib/auth";
import { resetConfigForTests } from "@/lib/config";
import { openDb, setDbForTests, type Db } from "@/lib/store";
import { createApiToken } from "./create-token";

const who = vi.hoisted(() => ({ caller: null as Caller | null }));
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  getCaller: async () => who.caller,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

let db: Db;
let local: Caller;
let sso: Caller;
const saved = { ...process.env };
beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "t".repeat(40);
  resetConfigForTests();
  db = await openDb(":memory:");
  setDbForTests(db);
  const l = await createUser(db, { email: "local@x.com", roles: ["analyst"], password: "local-password" });
  const s = await createUser(db, { email: "sso@x.com", roles: ["analyst"], oidc: { issuer: "https://idp.example", subject: "s1" } });
  local = { id: l.id, email: l.email, name: null, roles: l.roles, via: "session", authAt: Math.floor(Date.now() / 1000) - 3600 };
  sso = { id: s.id, email: s.email, name: null, roles: s.roles, via: "session" };
});
afterAll(async () => {
  setDbForTests(undefined);
  await db.destroy();
  process.env = saved;
  resetConfigForTests();
});

it("asks a local account for its password again, and refuses a wrong one", async () => {
  who.caller = local;
  expect(await createApiToken({ name: "ci" })).toMatchObject({ ok: false, fieldErrors: { password: ["Enter your password"] } });
  expect(await createApiToken({ name: "ci", password: "not-the-password" })).toMatchObject({
    ok: false,
    fieldErrors: { password: ["That password is wrong"] },
  });
  expect(await listTokens(db, local.id)).toEqual([]);
  const made = await createApiToken({ name: "ci", password: "local-password", days: 7, readOnly: true });
  expect(made.ok).toBe(true);
  if (!made.ok) return;
  expect(Date.parse(made.data.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
  expect(await callerFromToken(db, made.data.token)).toMatchObject({ id: local.id, readOnly: true });
});

it("lets a single sign-on account create one only within minutes of signing in", async () => {
  who.caller = { ...sso, authAt: Math.floor(Date.now() / 1000) - 3600 };
  expect(await createApiToken({ name: "stale" })).toEqual({ ok: false, message: expect.stringMatching(/sign in again \(within 10 minutes\)/) });
  who.caller = { ...sso, authAt: undefined };
  expect((await createApiToken({ name: "unknown" })).ok).toBe(false);
  who.caller = { ...sso, authAt: Math.floor(Date.now() / 1000) - 60 };
  const made = await createApiToken({ name: "fresh" });
  expect(made).toMatchObject({ ok: true, data: { name: "fresh", readOnly: false } });
  expect((await listTokens(db, sso.id)).map((t) => t.name)).toEqual(["fresh"]);
});

it("refuses a lifetime outside 1 to 366 days", async () => {
  who.caller = local;
  expect(await createApiToken({ name: "long", password: "local-password", days: 1000 })).toMatchObject({
    ok: false,
    fieldErrors: { days: ["At most 366 days"] },
  });
});
