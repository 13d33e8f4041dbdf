import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { setDbForTests, type Db } from "@/lib/store";
import { describeEachEngine } from "@/lib/store/testing";
import { callerFromRequest, getCaller } from "./caller";
import { createToken } from "./tokens";
import { createUser, updateUser } from "./users";

const SECRET = "s".repeat(40);
const cookieJar = vi.hoisted(() => ({ value: "" }));

vi.mock("next/headers", () => ({
  cookies: async () => ({
    getAll: () =>
      cookieJar.value
        .split(";")
        .filter(Boolean)
        .map((p) => {
          const [name, ...rest] = p.trim().split("=");
          return { name, value: rest.join("=") };
        }),
  }),
  headers: async () => new Headers(),
}));

const saved = { ...process.env };
beforeAll(() => {
  process.env.NEXTAUTH_SECRET = SECRET;
  delete process.env.NEXTAUTH_URL;
  delete process.env.AIRLOCK_DEMO;
  resetConfigForTests();
});
afterAll(() => {
  process.env = saved;
  resetConfigForTests();
  setDbForTests(undefined);
});

const sessionCookie = async (uid: string, secret = SECRET) => `next-auth.session-token=${await encode({ token: { uid, email: "x" }, secret })}`;

describeEachEngine("callerFromRequest", ({ open }) => {
  let db: Db;
  beforeEach(async () => {
    db = await open();
    setDbForTests(db);
  });

  it("reads a bearer token", async () => {
    const u = await createUser(db, { email: "api@x.com", roles: ["lead"] });
    const { token } = await createToken(db, u.id, "ci");
    const caller = await callerFromRequest(new Request("http://h/api/v1/x", { headers: { authorization: `Bearer ${token}` } }));
    expect(caller).toMatchObject({ id: u.id, roles: ["lead"], via: "token" });
  });

  it("rejects a bad bearer token without falling back to the cookie", async () => {
    const u = await createUser(db, { email: "c@x.com", roles: ["analyst"] });
    const req = new Request("http://h/", { headers: { authorization: "Bearer alk_nope", cookie: await sessionCookie(u.id) } });
    expect(await callerFromRequest(req)).toBeNull();
    expect(await callerFromRequest(new Request("http://h/", { headers: { authorization: "Basic abc" } }))).toBeNull();
  });

  it("reads the next-auth session cookie, with roles from the database", async () => {
    const u = await createUser(db, { email: "s@x.com", roles: ["approver"] });
    const req = () => new Request("http://h/", { headers: { cookie: `other=1; ${cookieHeader}` } });
    const cookieHeader = await sessionCookie(u.id);
    expect(await callerFromRequest(req())).toMatchObject({ id: u.id, roles: ["approver"], via: "session" });
    await updateUser(db, u.id, { roles: ["analyst"] });
    expect(await callerFromRequest(req())).toMatchObject({ roles: ["analyst"] });
    await updateUser(db, u.id, { disabled: true });
    expect(await callerFromRequest(req())).toBeNull();
  });

  it("rejects a cookie signed with another secret, and anonymous requests", async () => {
    const u = await createUser(db, { email: "f@x.com", roles: ["admin"] });
    const forged = await sessionCookie(u.id, "f".repeat(40));
    expect(await callerFromRequest(new Request("http://h/", { headers: { cookie: forged } }))).toBeNull();
    expect(await callerFromRequest(new Request("http://h/"))).toBeNull();
  });

  it("getCaller reads the session from next/headers", async () => {
    const u = await createUser(db, { email: "g@x.com", roles: ["analyst"] });
    cookieJar.value = await sessionCookie(u.id);
    expect(await getCaller()).toMatchObject({ id: u.id, via: "session" });
    cookieJar.value = "";
    expect(await getCaller()).toBeNull();
  });
});
