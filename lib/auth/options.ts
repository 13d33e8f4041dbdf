import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers/index";
import { config, rolesForEmail } from "@/lib/config";
import { processSingleton } from "@/lib/process-singleton";
import { getDb } from "@/lib/store";
import { mergeOidcClaims, OIDC_REFUSALS, oidcClaimsProblem, type OidcClaims } from "./oidc-claims";
import { safeRedirect } from "./safe-callback";
import { clientAddress, signInThrottle, THROTTLED_CODE } from "./throttle";
import { authenticateLocal, findUserByOidc, signInOidcUser } from "./users";
import { log } from "@/lib/observe/logger";

declare module "next-auth/jwt" {
  interface JWT {
    /** users.id of the signed-in user. */
    uid?: string;
    /** When the person signed in (seconds since the epoch): recent enough for sensitive actions? */
    authAt?: number;
  }
}

const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;
export const OIDC_PROVIDER_ID = "oidc";

function providers(): Provider[] {
  const cfg = config();
  const list: Provider[] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials, req) {
        const email = typeof credentials?.email === "string" ? credentials.email : "";
        const password = typeof credentials?.password === "string" ? credentials.password : "";
        if (!email || !password || email.length > 320 || password.length > 1024) return null;
        const db = await getDb();
        const attempt = { email, address: clientAddress(req?.headers) };
        const throttle = signInThrottle(db);
        // Checked before the password, so a guesser learns nothing more once throttled.
        if ((await throttle.retryAfter(attempt)) > 0) throw new Error(THROTTLED_CODE);
        const user = await authenticateLocal(db, email, password);
        if (!user) {
          await throttle.failed(attempt);
          return null;
        }
        await throttle.succeeded(attempt);
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ];
  if (cfg.oidc) {
    const { issuer, clientId, clientSecret } = cfg.oidc;
    list.push({
      id: OIDC_PROVIDER_ID,
      name: "Single sign-on",
      type: "oauth",
      wellKnown: `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId,
      clientSecret,
      authorization: { params: { scope: "openid email profile" } },
      // The ID token is validated (signature, issuer, audience, nonce) and then merged with UserInfo.
      idToken: true,
      checks: ["pkce", "state", "nonce"],
      userinfo: {
        async request({ tokens, client }) {
          // With idToken: true next-auth hands over openid-client's TokenSet (its types say less).
          const set = tokens as unknown as Parameters<typeof client.userinfo>[0] & { claims(): OidcClaims };
          return mergeOidcClaims(set.claims(), await client.userinfo(set));
        },
      },
      profile(profile: OidcClaims) {
        return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? null };
      },
    });
  }
  return list;
}

/** The ID token's issuer (validated against the discovery document), else the configured one. */
function oidcIssuer(claims: OidcClaims | undefined): string {
  return typeof claims?.iss === "string" ? claims.iss : config().oidc!.issuer;
}

function buildOptions(): NextAuthOptions {
  const cfg = config();
  // Without NEXTAUTH_URL, next-auth assumes http://localhost:3000; outside production trust the Host header instead.
  if (!cfg.nextauthUrl && !cfg.production && process.env.AUTH_TRUST_HOST === undefined) {
    process.env.AUTH_TRUST_HOST = "true";
  }
  return {
    secret: cfg.nextauthSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/signin", error: "/signin" },
    useSecureCookies: cfg.secureCookies,
    providers: providers(),
    logger: {
      // next-auth's own messages can carry request details; keep them to a code.
      error: (code) => log().error({ source: "next-auth", code }, "next-auth error"),
      warn: (code) => log().warn({ source: "next-auth", code }, "next-auth warning"),
      debug: () => {},
    },
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        const claims = profile as OidcClaims;
        const problem = oidcClaimsProblem(claims);
        if (problem) return `/signin?error=${problem}`;
        const roles = rolesForEmail(config().oidc?.roleMap ?? [], claims.email!);
        if (roles.length === 0) return false; // no role in OIDC_ROLE_MAP: no access
        const outcome = await signInOidcUser(await getDb(), {
          issuer: oidcIssuer(claims),
          subject: claims.sub,
          email: claims.email!,
          name: typeof claims.name === "string" ? claims.name : null,
          roles,
        });
        if (outcome.ok) return true;
        return outcome.reason === "email-taken" ? `/signin?error=${OIDC_REFUSALS.emailTaken}` : false;
      },
      async jwt({ token, user, account, profile }) {
        if (account) {
          token.authAt = Math.floor(Date.now() / 1000);
          token.uid =
            account.provider === OIDC_PROVIDER_ID
              ? (await findUserByOidc(await getDb(), { issuer: oidcIssuer(profile as OidcClaims), subject: account.providerAccountId }))?.id
              : user?.id;
        }
        return token;
      },
      // next-auth's own check lets through what browsers read as another origin (e.g. "/\t/evil.example").
      async redirect({ url, baseUrl }) {
        return safeRedirect(url, baseUrl);
      },
      async session({ session, token }) {
        if (session.user) (session.user as { id?: string }).id = token.uid;
        return session;
      },
    },
  };
}

/** next-auth options, built on first use (so `next build` never needs the secret). */
export function getAuthOptions(): NextAuthOptions {
  return processSingleton("authOptions", buildOptions);
}

/**
 * The same options as a plain object for code that wants `authOptions` (e.g. getServerSession(authOptions)).
 * Each property is read lazily from getAuthOptions().
 */
export const authOptions: NextAuthOptions = Object.defineProperties(
  {} as NextAuthOptions,
  Object.fromEntries(
    (["secret", "session", "pages", "useSecureCookies", "providers", "logger", "callbacks"] as const).map((k) => [
      k,
      { enumerable: true, get: () => getAuthOptions()[k] },
    ]),
  ),
);
