import { expect, it } from "vitest";
import { describeEachEngine } from "@/lib/store/testing";
import { DEMO_ACCOUNTS, seedDemoUsers } from "./demo-users";
import { callerFromToken, createToken, hashToken, listTokens, revokeToken } from "./tokens";
import { BCRYPT_COST } from "./passwords";
import { authenticateLocal, createUser, findUserByEmail, findUserByOidc, signInOidcUser, updateUser, verifyUserPassword } from "./users";

describeEachEngine("users and tokens", ({ open }) => {
  it("creates users with hashed passwords and authenticates them", async () => {
    const db = await open();
    const u = await createUser(db, { email: " Alice@X.com ", roles: ["analyst", "lead"], password: "pw-1234567-long" });
    expect(u.email).toBe("alice@x.com");
    const row = await db.selectFrom("users").selectAll().where("id", "=", u.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$2[aby]\$12\$/);
    expect(BCRYPT_COST).toBeGreaterThanOrEqual(12);
    expect(row.roles).toBe("analyst,lead");
    expect((await authenticateLocal(db, "alice@x.com", "pw-1234567-long"))?.id).toBe(u.id);
    expect(await authenticateLocal(db, "alice@x.com", "wrong")).toBeUndefined();
    expect(await authenticateLocal(db, "nobody@x.com", "pw-1234567-long")).toBeUndefined();
    await updateUser(db, u.id, { disabled: true });
    expect(await authenticateLocal(db, "alice@x.com", "pw-1234567-long")).toBeUndefined();
  });

  it("refuses new passwords shorter than 12 characters, and re-checks a signed-in user's password", async () => {
    const db = await open();
    await expect(createUser(db, { email: "short@x.com", roles: ["analyst"], password: "elevenchars" })).rejects.toThrow(/at least 12 characters/);
    expect(await findUserByEmail(db, "short@x.com")).toBeUndefined();
    const u = await createUser(db, { email: "ok@x.com", roles: ["analyst"], password: "twelve-chars" });
    await expect(updateUser(db, u.id, { password: "short" })).rejects.toThrow(/at least 12 characters/);
    expect(await verifyUserPassword(db, u.id, "twelve-chars")).toBe(true);
    expect(await verifyUserPassword(db, u.id, "twelve-charz")).toBe(false);
  });

  const ISS = "https://idp.example";
  const sso = (subject: string, email: string, roles: ("analyst" | "lead")[] = ["analyst"]) => ({ issuer: ISS, subject, email, name: "SSO", roles });

  it("keys OIDC accounts on issuer + subject: roles and email follow the provider, the account stays", async () => {
    const db = await open();
    const a = await signInOidcUser(db, sso("sub-1", "Bob@x.com"));
    expect(a).toMatchObject({ ok: true, user: { email: "bob@x.com", roles: ["analyst"], hasPassword: false } });
    const b = await signInOidcUser(db, sso("sub-1", "robert@x.com", ["analyst", "lead"]));
    expect(b.ok && b.user.id).toBe(a.ok && a.user.id);
    expect(await findUserByEmail(db, "robert@x.com")).toMatchObject({ roles: ["analyst", "lead"] });
    expect((await findUserByOidc(db, { issuer: ISS, subject: "sub-1" }))?.email).toBe("robert@x.com");
    // Same subject at another issuer is another person.
    expect(await findUserByOidc(db, { issuer: "https://other.example", subject: "sub-1" })).toBeUndefined();
    expect(await authenticateLocal(db, "robert@x.com", "")).toBeUndefined();
  });

  it("never lets an OIDC identity take over a local account, or another identity's, by email", async () => {
    const db = await open();
    const local = await createUser(db, { email: "carol@x.com", roles: ["admin"], password: "carol-password" });
    expect(await signInOidcUser(db, sso("sub-carol", "carol@x.com"))).toEqual({ ok: false, reason: "email-taken" });
    expect((await findUserByEmail(db, "carol@x.com"))?.roles).toEqual(["admin"]);
    expect(await findUserByOidc(db, { issuer: ISS, subject: "sub-carol" })).toBeUndefined();
    expect((await authenticateLocal(db, "carol@x.com", "carol-password"))?.id).toBe(local.id);

    expect((await signInOidcUser(db, sso("sub-dan", "dan@x.com"))).ok).toBe(true);
    expect(await signInOidcUser(db, sso("sub-impostor", "dan@x.com"))).toEqual({ ok: false, reason: "email-taken" });
  });

  it("links a passwordless account an administrator created for that email, and refuses disabled accounts", async () => {
    const db = await open();
    const pre = await createUser(db, { email: "erin@x.com", roles: ["lead"] });
    const first = await signInOidcUser(db, sso("sub-erin", "erin@x.com"));
    expect(first.ok && first.user.id).toBe(pre.id);
    expect((await findUserByOidc(db, { issuer: ISS, subject: "sub-erin" }))?.id).toBe(pre.id);
    await updateUser(db, pre.id, { disabled: true });
    expect(await signInOidcUser(db, sso("sub-erin", "erin@x.com"))).toEqual({ ok: false, reason: "disabled" });
  });

  it("seeds the demo accounts once", async () => {
    const db = await open();
    expect(await seedDemoUsers(db, "airlock-demo")).toBe(DEMO_ACCOUNTS.length);
    expect(await seedDemoUsers(db, "airlock-demo")).toBe(0);
    expect((await findUserByEmail(db, "lead@demo.local"))?.roles).toEqual(["lead", "analyst"]);
    expect((await authenticateLocal(db, "approver2@demo.local", "airlock-demo"))?.roles).toEqual(["approver"]);
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

  it("gives tokens 90 days by default, refuses them once expired, and marks read-only ones", async () => {
    const db = await open();
    const u = await createUser(db, { email: "e@x.com", roles: ["analyst"] });
    const t = await createToken(db, u.id, "default");
    expect(Date.parse(t.expiresAt) - Date.now()).toBeGreaterThan(89.9 * 86_400_000);
    expect(Date.parse(t.expiresAt) - Date.now()).toBeLessThanOrEqual(90 * 86_400_000);
    expect(t.readOnly).toBe(false);
    expect((await callerFromToken(db, t.token))?.readOnly).toBeUndefined();

    const ro = await createToken(db, u.id, "reader", { expiresInDays: 7, readOnly: true });
    expect(await callerFromToken(db, ro.token)).toMatchObject({ id: u.id, readOnly: true });
    expect((await listTokens(db, u.id)).find((x) => x.id === ro.id)).toMatchObject({ readOnly: true, expiresAt: ro.expiresAt });

    await db
      .updateTable("api_tokens")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", t.id)
      .execute();
    expect(await callerFromToken(db, t.token)).toBeUndefined();
    await expect(createToken(db, u.id, "forever", { expiresInDays: 10_000 })).rejects.toThrow(/1 to 366 days/);
  });

  it("refuses tokens of disabled users", async () => {
    const db = await open();
    const u = await createUser(db, { email: "d@x.com", roles: ["analyst"] });
    const { token } = await createToken(db, u.id, "x");
    await updateUser(db, u.id, { disabled: true });
    expect(await callerFromToken(db, token)).toBeUndefined();
  });
});
