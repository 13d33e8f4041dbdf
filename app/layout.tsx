import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { SignOutButton } from "@/components/ui/sign-out-button";
import { ALERT_ROLES } from "@/lib/alerts/doors";
import { INBOX_ROLES } from "@/lib/approvals/doors";
import { getCaller, meetsRequirement } from "@/lib/auth";
import { INCIDENT_ROLES } from "@/lib/containment/doors";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Airlock", template: "%s · Airlock" },
  description: "Incident-response console for Kubernetes on GKE",
  icons: { icon: "/favicon.svg" },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const caller = await getCaller();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <header className="bg-slate-900 text-slate-100">
          <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3">
            <Link href="/" className="text-lg font-semibold tracking-tight text-white no-underline hover:no-underline">
              Airlock
            </Link>
            {caller && (
              <nav aria-label="Main" className="flex gap-1 text-sm">
                <Link href="/clusters" className="rounded-md px-2.5 py-1 text-slate-200 no-underline hover:bg-slate-700 hover:text-white hover:no-underline">
                  Clusters
                </Link>
                {meetsRequirement(caller, INCIDENT_ROLES) && (
                  <Link href="/incidents" className="rounded-md px-2.5 py-1 text-slate-200 no-underline hover:bg-slate-700 hover:text-white hover:no-underline">
                    Incidents
                  </Link>
                )}
                {meetsRequirement(caller, ALERT_ROLES) && (
                  <Link href="/alerts" className="rounded-md px-2.5 py-1 text-slate-200 no-underline hover:bg-slate-700 hover:text-white hover:no-underline">
                    Alerts
                  </Link>
                )}
                {meetsRequirement(caller, INBOX_ROLES) && (
                  <Link href="/approvals" className="rounded-md px-2.5 py-1 text-slate-200 no-underline hover:bg-slate-700 hover:text-white hover:no-underline">
                    Approvals
                  </Link>
                )}
                <Link href="/timeline" className="rounded-md px-2.5 py-1 text-slate-200 no-underline hover:bg-slate-700 hover:text-white hover:no-underline">
                  Timeline
                </Link>
                <Link href="/account" className="rounded-md px-2.5 py-1 text-slate-200 no-underline hover:bg-slate-700 hover:text-white hover:no-underline">
                  Account
                </Link>
              </nav>
            )}
            <div className="ml-auto flex items-center gap-3 text-sm">
              {caller ? (
                <>
                  <span className="text-slate-300">
                    {caller.email}
                    <span className="ml-2 rounded bg-slate-700 px-1.5 py-0.5 text-xs text-slate-200">{caller.roles.join(", ") || "no role"}</span>
                  </span>
                  <SignOutButton />
                </>
              ) : (
                <Link href="/signin" className="text-slate-200">
                  Sign in
                </Link>
              )}
            </div>
          </div>
        </header>
        <Providers>
          <main id="main" className="mx-auto max-w-7xl px-4 py-6">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
