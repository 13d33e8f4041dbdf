"use client";

import { signOut } from "next-auth/react";
import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

export function SignOutButton() {
  // Until hydration the button has no click handler: a click then did nothing and left the person
  // signed in without a word. Disabled until then, so the click waits for a working button.
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  return (
    <button
      type="button"
      disabled={!hydrated}
      onClick={async () => {
        // next-auth would send the browser to NEXTAUTH_URL's host, which is not always the one in
        // the address bar (localhost vs 127.0.0.1); a full load of the same-origin path also drops
        // everything the client router cached for the signed-in user.
        await signOut({ redirect: false });
        window.location.assign(new URL("/signin", window.location.origin));
      }}
      className="rounded-md px-2.5 py-1 text-sm text-slate-200 hover:bg-slate-700 hover:text-white disabled:opacity-60"
    >
      Sign out
    </button>
  );
}
