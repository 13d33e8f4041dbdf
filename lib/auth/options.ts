import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers/index";
import { config, rolesForEmail } from "@/lib/config";
import { processSingleton } from "@/lib/process-singleton";
import { getDb } from "@/lib/store";
import { authenticateLocal, findUserByEmail, upsertOidcUser } from "./users";

declare module "next-auth/jwt" {
  interface JWT {
    /** users.id of the signed-in user. */
    uid?: string;
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
      async authorize(credentials) {
        const email = typeof credentials?.email === "string" ? credentials.email : "";
        const password = typeof credentials?.password === "string" ? credentials.password : "";
        if (!email || !password || email.length > 320 || password.length > 1024) return null;
        const user = await authenticateLocal(await getDb(), email, password);
        return user ? { id: user.id, email: user.email, name: user.name } : null;
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
      idToken: true,
      checks: ["pkce", "state"],
      profile(profile: { sub: string; email?: string; name?: string }) {
        return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? null };
      },
    });
  }
  return list;
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
    providers: providers(),
    logger: {
      // next-auth's own messages can carry request details; keep them to a code.
      error: (code) => console.error(JSON.stringify({ level: "error", source: "next-auth", code })),
      warn: (code) => console.warn(JSON.stringify({ level: "warn", source: "next-auth", code })),
      debug: () => {},
    },
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        const email = user.email?.trim();
        if (!email) return false;
        const roles = rolesForEmail(config().oidc?.roleMap ?? [], email);
        if (roles.length === 0) return false; // no role in OIDC_ROLE_MAP: no access
        const db = await getDb();
        const existing = await findUserByEmail(db, email);
        if (existing?.disabled) return false;
        await upsertOidcUser(db, { email, name: user.name ?? null, roles });
        return true;
      },
      async jwt({ token, user }) {
        if (user?.email) {
          const found = await findUserByEmail(await getDb(), user.email);
          token.uid = found?.id;
        }
        return token;
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
    (["secret", "session", "pages", "providers", "logger", "callbacks"] as const).map((k) => [k, { enumerable: true, get: () => getAuthOptions()[k] }]),
  ),
);
