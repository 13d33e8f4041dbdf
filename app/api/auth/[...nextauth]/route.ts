import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getAuthOptions } from "@/lib/auth";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ nextauth: string[] }> };

// Options are built per request (lazily, once), so `next build` never needs NEXTAUTH_SECRET.
async function handler(req: NextRequest, ctx: Ctx) {
  return NextAuth(req, ctx, getAuthOptions());
}

export { handler as GET, handler as POST };
