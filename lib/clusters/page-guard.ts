import "server-only";
import { redirect } from "next/navigation";
import { getCaller, meetsRequirement, type Caller } from "@/lib/auth";
import { BROWSE_ROLES } from "./access";

/** Server components of the browser: sign in first, and the same roles the API demands. */
export async function requireBrowser(callbackUrl: string): Promise<Caller | { forbidden: true }> {
  const caller = await getCaller();
  if (!caller) redirect(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  return meetsRequirement(caller, BROWSE_ROLES) ? caller : { forbidden: true };
}
