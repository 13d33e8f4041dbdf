// A real OpenID provider (oidc-provider, with its own defaults: development sign-in and consent
// pages, development signing keys, scope claims from UserInfo only) for `npm run demo -- --oidc`
// and the tests. Only the accounts and the one client are ours.
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import Provider, { type Account, type FindAccount } from "oidc-provider";

export type DemoIdp = { issuer: string; clientId: string; clientSecret: string; close: () => Promise<void> };

/**
 * The development login page accepts any login name and any password. The name decides the account:
 * `name` becomes name@sso.demo.local, a name containing `@` is used as the email itself (so a test can
 * present the email of a local account), and a name starting with `unverified` has email_verified false.
 */
export function idpAccount(login: string): { sub: string; email: string; email_verified: boolean; name: string } {
  const email = login.includes("@") ? login.toLowerCase() : `${login.toLowerCase()}@sso.demo.local`;
  return {
    // An opaque subject, as real providers issue: Airlock must not assume it looks like an email.
    sub: createHash("sha256").update(login).digest("hex").slice(0, 24),
    email,
    email_verified: !login.startsWith("unverified"),
    name: `SSO ${login}`,
  };
}

const findAccount: FindAccount = async (_ctx, sub): Promise<Account> => ({
  accountId: sub,
  // The development login hands the login name over as the account id.
  async claims() {
    const a = idpAccount(sub);
    return { sub: a.sub, email: a.email, email_verified: a.email_verified, name: a.name };
  },
});

export async function startDemoIdp(opts: { port?: number; host?: string; redirectUri: string; clientSecret?: string }): Promise<DemoIdp> {
  const host = opts.host ?? "127.0.0.1";
  const server: Server = await new Promise((resolve) => {
    const s = createServer();
    s.listen(opts.port ?? 0, host, () => resolve(s));
  });
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const clientId = "airlock";
  const clientSecret = opts.clientSecret ?? createHash("sha256").update(`${issuer}|${process.pid}|${Date.now()}`).digest("hex");
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [opts.redirectUri] }],
    // Which claims each scope may release; where they are released (UserInfo) stays the provider's default.
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    findAccount,
  });
  server.on("request", provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
