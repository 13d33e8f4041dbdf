import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { DEFAULT_TOKEN_DAYS, findUserById, getCaller, listTokens, MAX_TOKEN_DAYS, tokenExpired, type TokenInfo } from "@/lib/auth";
import { FRESH_SIGN_IN_SECONDS } from "@/lib/auth/token-policy";
import { getDb } from "@/lib/store";
import { CreateTokenForm } from "./create-token-form";
import { RevokeTokenButton } from "./revoke-token-button";

export const metadata: Metadata = { title: "Account" };

const when = (iso: string | null) => (iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 19) + " UTC" : "never");

function status(t: TokenInfo): string {
  if (t.revokedAt) return `revoked ${when(t.revokedAt)}`;
  return tokenExpired(t.expiresAt) ? "expired" : "active";
}

export default async function AccountPage() {
  const caller = await getCaller();
  if (!caller) redirect("/signin?callbackUrl=/account");
  const db = await getDb();
  const tokens = await listTokens(db, caller.id);
  const needsPassword = (await findUserById(db, caller.id))?.hasPassword ?? true;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Account</h1>
        <p className="mt-1 text-sm text-slate-600">
          Signed in as <strong>{caller.email}</strong> · roles: {caller.roles.join(", ") || "none"}
        </p>
      </div>
      <Card title="Create an API token">
        <p className="mb-3 text-sm text-slate-700">
          Tokens act with your roles on <code>/api/v1</code>: send <code>Authorization: Bearer &lt;token&gt;</code>. They expire ({DEFAULT_TOKEN_DAYS} days
          unless you choose otherwise) and may be read-only.{" "}
          {needsPassword
            ? "Creating one asks for your password again."
            : `Creating one needs a sign-in from the last ${FRESH_SIGN_IN_SECONDS / 60} minutes; sign out and in again if yours is older.`}
        </p>
        <CreateTokenForm needsPassword={needsPassword} defaultDays={DEFAULT_TOKEN_DAYS} maxDays={MAX_TOKEN_DAYS} />
      </Card>
      <section aria-labelledby="tokens-heading" className="space-y-2">
        <h2 id="tokens-heading" className="text-lg font-semibold">
          API tokens
        </h2>
        <Table caption="Your API tokens">
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Token</Th>
              <Th>Created</Th>
              <Th>Last used</Th>
              <Th>Expires</Th>
              <Th>Access</Th>
              <Th>Status</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </THead>
          <TBody>
            {tokens.length === 0 && <EmptyRow colSpan={8}>No tokens yet.</EmptyRow>}
            {tokens.map((t) => (
              <tr key={t.id}>
                <Td>{t.name}</Td>
                <Td>
                  <code>{t.prefix}…</code>
                </Td>
                <Td>{when(t.createdAt)}</Td>
                <Td>{when(t.lastUsedAt)}</Td>
                <Td>{t.expiresAt ? when(t.expiresAt) : "never"}</Td>
                <Td>{t.readOnly ? "read-only" : "read and write"}</Td>
                <Td>{status(t)}</Td>
                <Td className="text-right">{!t.revokedAt && <RevokeTokenButton id={t.id} name={t.name} />}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      </section>
    </div>
  );
}
