"use client";

import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    <button
      type="button"
      onClick={async () => {
        // next-auth would send the browser to NEXTAUTH_URL's host, which is not always the one in
        // the address bar (localhost vs 127.0.0.1); a full load of the same-origin path also drops
        // everything the client router cached for the signed-in user.
        await signOut({ redirect: false });
        window.location.assign(new URL("/signin", window.location.origin));
      }}
      className="rounded-md px-2.5 py-1 text-sm text-slate-200 hover:bg-slate-700 hover:text-white"
    >
      Sign out
    </button>
  );
}
