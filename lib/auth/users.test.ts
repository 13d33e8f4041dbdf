import { expect, it } from "vitest";
import { describeEachEngine } from "@/lib/store/testing";
import { DEMO_ACCOUNTS, seedDemoUsers } from "./demo-users";
import { callerFromToken, createToken, hashToken, listTokens, revokeToken } from "./tokens";
import { authenticateLocal, createUser, findUserByEmail, updateUser, upsertOidcUser } from "./users";

describeEachEngine("users and tokens", ({ open }) => {
  it("creates users with hashed passwords and authenticates them", async () => {
    const db = await open();
    const u = await createUser(db, { email: " Alice@X.com ", roles: ["analyst", "lead"], password: "pw-1234567" });
    expect(u.email).toBe("alice@x.com");
    const row = await db.selectFrom("users").selectAll().where("id", "=", u.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$2[aby]\$/);
    expect(row.roles).toBe("analyst,lead");
    expect((await authenticateLocal(db, "alice@x.com", "pw-1234567"))?.id).toBe(u.id);
    expect(await authenticateLocal(db, "alice@x.com", "wrong")).toBeUndefined();
    expect(await authenticateLocal(db, "nobody@x.com", "pw-1234567")).toBeUndefined();
    await updateUser(db, u.id, { disabled: true });
    expect(await authenticateLocal(db, "alice@x.com", "pw-1234567")).toBeUndefined();
  });

  it("upserts OIDC users with mapped roles and no password", async () => {
    const db = await open();
    const a = await upsertOidcUser(db, { email: "bob@x.com", name: "Bob", roles: ["analyst"] });
    const b = await upsertOidcUser(db, { email: "bob@x.com", name: "Bob", roles: ["analyst", "lead"] });
    expect(b.id).toBe(a.id);
    expect((await findUserByEmail(db, "bob@x.com"))?.roles).toEqual(["analyst", "lead"]);
    expect(await authenticateLocal(db, "bob@x.com", "")).toBeUndefined();
  });

  it("seeds the demo accounts once", async () => {
    const db = await open();
    expect(await seedDemoUsers(db, "demo")).toBe(DEMO_ACCOUNTS.length);
    expect(await seedDemoUsers(db, "demo")).toBe(0);
    expect((await findUserByEmail(db, "lead@demo.local"))?.roles).toEqual(["lead", "analyst"]);
    expect((await authenticateLocal(db, "approver2@demo.local", "demo"))?.roles).toEqual(["approver"]);
  });

  it("stores only the SHA-256 of a token, resolves it to its owner, and honours revocation", async () => {
    const db = await open();
    const u = await createUser(db, { email: "t@x.com", roles: ["analyst"] });
    const other = await createUser(db, { email: "o@x.com", roles: ["admin"] });
    const { id, token, prefix } = await createToken(db, u.id, "soar");
    expect(token).toMatch(/^alk_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(prefix)).toBe(true);
    const row = await db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);

    const caller = await callerFromToken(db, token);
    expect(caller).toMatchObject({ id: u.id, email: "t@x.com", roles: ["analyst"], via: "token" });
    expect((await listTokens(db, u.id))[0].lastUsedAt).not.toBeNull();
    expect(await callerFromToken(db, token + "x")).toBeUndefined();
    expect(await callerFromToken(db, "not-a-token")).toBeUndefined();

    expect(await revokeToken(db, id, other.id)).toBe(false); // not theirs
    expect(await callerFromToken(db, token)).toBeDefined();
    expect(await revokeToken(db, id, u.id)).toBe(true);
    expect(await revokeToken(db, id, u.id)).toBe(false);
    expect(await callerFromToken(db, token)).toBeUndefined();
  });

  it("refuses tokens of disabled users", async () => {
    const db = await open();
    const u = await createUser(db, { email: "d@x.com", roles: ["analyst"] });
    const { token } = await createToken(db, u.id, "x");
    await updateUser(db, u.id, { disabled: true });
    expect(await callerFromToken(db, token)).toBeUndefined();
  });
});
