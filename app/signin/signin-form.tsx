"use client";

import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { THROTTLED_CODE, THROTTLED_MESSAGE } from "@/lib/auth/throttle-limits";

export function SignInForm({ callbackUrl, initialError, oidcProviderId }: { callbackUrl: string; initialError?: string; oidcProviderId?: string }) {
  const [error, setError] = useState<string | undefined>(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(undefined);
    let leaving = false;
    try {
      const res = await signIn("credentials", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        redirect: false,
        callbackUrl,
      });
      if (!res || res.error || !res.ok) {
        setError(
          res?.error === THROTTLED_CODE
            ? THROTTLED_MESSAGE
            : res?.error === "CredentialsSignin" || !res?.error
              ? "Email or password is wrong."
              : "Sign-in failed. Try again.",
        );
        return;
      }
      // A full page load, not router.replace: the client router still holds what it prefetched
      // while signed out (the header's link to "/" was answered with a redirect to /signin), and
      // replaying those cached redirects against a signed-in /signin loops without end.
      leaving = true;
      window.location.assign(callbackUrl);
    } catch {
      setError("Sign-in failed. Try again.");
    } finally {
      // Stays "Signing in…" while the next page loads, so a second submit cannot race it.
      if (!leaving) setPending(false);
    }
  }

  const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-sky-600";
  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <div>
          <label htmlFor="email" className="block text-sm font-medium">
            Email
          </label>
          <input id="email" name="email" type="email" autoComplete="username" required className={input} />
        </div>
        <div>
          <label htmlFor="password" className="block text-sm font-medium">
            Password
          </label>
          <input id="password" name="password" type="password" autoComplete="current-password" required className={input} />
        </div>
        <div aria-live="polite" aria-atomic="true">
          {error && (
            <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
              {error}
            </p>
          )}
        </div>
        <Button type="submit" disabled={pending} className="w-full">
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      {oidcProviderId && (
        <Button variant="secondary" className="w-full" onClick={() => void signIn(oidcProviderId, { callbackUrl })}>
          Continue with single sign-on
        </Button>
      )}
    </div>
  );
}
