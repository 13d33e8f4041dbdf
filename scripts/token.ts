// npm run token -- create --user <email> [--name N]   (prints the new token as the last line)
// npm run token -- list [--user <email>]
// npm run token -- revoke <id>
import "./require-node.cjs";
import { parseArgs } from "node:util";
import { appendEntry } from "@/lib/audit";
import { createToken, findUserByEmail, findUserById, listTokens, revokeToken } from "@/lib/auth";
import { cliDb, die } from "./cli-db";

const USAGE = `usage:
  npm run token -- create --user <email> [--name <name>]
  npm run token -- list [--user <email>]
  npm run token -- revoke <token-id>`;

async function main() {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { user: { type: "string" }, name: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  const [cmd, arg] = positionals;
  if (values.help || !cmd) die(USAGE, values.help ? 0 : 2);
  const db = await cliDb();
  try {
    if (cmd === "create") {
      if (!values.user) die("create needs --user <email>\n" + USAGE);
      const user = await findUserByEmail(db, values.user);
      if (!user) die(`no user ${values.user}`);
      if (user.disabled) die(`user ${user.email} is disabled`);
      const name = values.name ?? "cli";
      const t = await createToken(db, user.id, name);
      await appendEntry(db, { actor: "cli", kind: "token-created", details: { tokenId: t.id, user: user.email, name, prefix: t.prefix } });
      process.stdout.write(`created token ${t.id} (${name}) for ${user.email}; it is shown once:\n${t.token}\n`);
    } else if (cmd === "list") {
      const user = values.user ? await findUserByEmail(db, values.user) : undefined;
      if (values.user && !user) die(`no user ${values.user}`);
      const tokens = await listTokens(db, user?.id);
      for (const t of tokens) {
        const owner = (await findUserById(db, t.userId))?.email ?? t.userId;
        const status = t.revokedAt ? `revoked ${t.revokedAt}` : "active";
        process.stdout.write(`${t.id}\t${t.prefix}…\t${owner}\t${t.name}\t${status}\tlast used ${t.lastUsedAt ?? "never"}\n`);
      }
      if (tokens.length === 0) process.stdout.write("no tokens\n");
    } else if (cmd === "revoke") {
      if (!arg) die("revoke needs a token id\n" + USAGE);
      if (!(await revokeToken(db, arg))) die(`no active token ${arg}`, 1);
      await appendEntry(db, { actor: "cli", kind: "token-revoked", details: { tokenId: arg } });
      process.stdout.write(`revoked ${arg}\n`);
    } else {
      die(`unknown command ${cmd}\n` + USAGE);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((e: Error) => die(`token: ${e.message}`, 1));
