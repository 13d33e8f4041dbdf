import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { EmptyRow, Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { getCaller, listTokens } from "@/lib/auth";
import { getDb } from "@/lib/store";
import { CreateTokenForm } from "./create-token-form";
import { RevokeTokenButton } from "./revoke-token-button";

export const metadata: Metadata = { title: "Account" };

const when = (iso: string | null) => (iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 19) + " UTC" : "never");

export default async function AccountPage() {
  const caller = await getCaller();
  if (!caller) redirect("/signin?callbackUrl=/account");
  const tokens = await listTokens(await getDb(), caller.id);

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
          Tokens act with your roles on <code>/api/v1</code>: send <code>Authorization: Bearer &lt;token&gt;</code>.
        </p>
        <CreateTokenForm />
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
              <Th>Status</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </THead>
          <TBody>
            {tokens.length === 0 && <EmptyRow colSpan={6}>No tokens yet.</EmptyRow>}
            {tokens.map((t) => (
              <tr key={t.id}>
                <Td>{t.name}</Td>
                <Td>
                  <code>{t.prefix}…</code>
                </Td>
                <Td>{when(t.createdAt)}</Td>
                <Td>{when(t.lastUsedAt)}</Td>
                <Td>{t.revokedAt ? `revoked ${when(t.revokedAt)}` : "active"}</Td>
                <Td className="text-right">{!t.revokedAt && <RevokeTokenButton id={t.id} name={t.name} />}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      </section>
    </div>
  );
}
