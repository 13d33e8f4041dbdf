import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { DEMO_ACCOUNTS, getCaller, OIDC_PROVIDER_ID } from "@/lib/auth";
import { config, DEFAULT_DEMO_PASSWORD } from "@/lib/config";
import { OIDC_REFUSALS } from "@/lib/auth/oidc-claims";
import { THROTTLED_CODE, THROTTLED_MESSAGE } from "@/lib/auth/throttle-limits";
import { safeCallbackUrl } from "@/lib/auth/safe-callback";
import { SignInForm } from "./signin-form";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  CredentialsSignin: "Email or password is wrong.",
  AccessDenied: "Your account has no role in Airlock. Ask an administrator.",
  SessionRequired: "Please sign in.",
  [THROTTLED_CODE]: THROTTLED_MESSAGE,
  [OIDC_REFUSALS.noEmail]: "Your single sign-on provider did not give an email address for you. Ask an administrator.",
  [OIDC_REFUSALS.unverified]: "Your single sign-on provider has not verified your email address. Verify it there, then sign in again.",
  [OIDC_REFUSALS.emailTaken]:
    "An Airlock account with your email already exists and signs in another way (with a password, or another single sign-on identity). Sign in that way, or ask an administrator.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeCallbackUrl(sp.callbackUrl);
  if (await getCaller()) redirect(callbackUrl);
  const cfg = config();
  const errorCode = typeof sp.error === "string" ? sp.error : undefined;
  const initialError = errorCode ? (ERRORS[errorCode] ?? "Sign-in failed. Try again.") : undefined;

  return (
    <div className="mx-auto max-w-md space-y-6 pt-8">
      <h1 className="text-2xl font-semibold">Sign in to Airlock</h1>
      <Card>
        <SignInForm callbackUrl={callbackUrl} initialError={initialError} oidcProviderId={cfg.oidc ? OIDC_PROVIDER_ID : undefined} />
      </Card>
      {cfg.demo && (
        <Card title="Demo accounts">
          <p className="mb-3 text-sm text-slate-700">
            Demo mode is on. Every account below uses the demo password
            {cfg.demoPassword === DEFAULT_DEMO_PASSWORD ? (
              <>
                {" "}
                <code>{DEFAULT_DEMO_PASSWORD}</code>
              </>
            ) : (
              " set in DEMO_PASSWORD"
            )}
            .
          </p>
          <ul aria-label="Demo accounts" className="space-y-1 text-sm">
            {DEMO_ACCOUNTS.map((a) => (
              <li key={a.email} className="flex justify-between gap-4">
                <code>{a.email}</code>
                <span className="text-slate-600">{a.roles.join(", ")}</span>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}
