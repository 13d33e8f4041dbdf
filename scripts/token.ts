// npm run token -- create --user <email> [--name N] [--days D] [--read-only]   (prints the new token as the last line)
// npm run token -- list [--user <email>]
// npm run token -- revoke <id>
import "./require-node.cjs";
import { parseArgs } from "node:util";
import { appendEntry } from "@/lib/audit";
import { createToken, DEFAULT_TOKEN_DAYS, findUserByEmail, findUserById, listTokens, MAX_TOKEN_DAYS, revokeToken, tokenExpired } from "@/lib/auth";
import { cliDb, die } from "./cli-db";

const USAGE = `usage:
  npm run token -- create --user <email> [--name <name>] [--days <1-${MAX_TOKEN_DAYS}, default ${DEFAULT_TOKEN_DAYS}>] [--read-only]
  npm run token -- list [--user <email>]
  npm run token -- revoke <token-id>`;

async function main() {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      user: { type: "string" },
      name: { type: "string" },
      days: { type: "string" },
      "read-only": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
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
      const days = values.days === undefined ? DEFAULT_TOKEN_DAYS : Number(values.days);
      if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) die(`--days must be a whole number from 1 to ${MAX_TOKEN_DAYS}`);
      const readOnly = values["read-only"] ?? false;
      const t = await createToken(db, user.id, name, { expiresInDays: days, readOnly });
      await appendEntry(db, {
        actor: "cli",
        kind: "token-created",
        details: { tokenId: t.id, user: user.email, name, prefix: t.prefix, expiresAt: t.expiresAt, readOnly },
      });
      process.stdout.write(
        `created ${readOnly ? "read-only " : ""}token ${t.id} (${name}) for ${user.email}, expires ${t.expiresAt}; it is shown once:\n${t.token}\n`,
      );
    } else if (cmd === "list") {
      const user = values.user ? await findUserByEmail(db, values.user) : undefined;
      if (values.user && !user) die(`no user ${values.user}`);
      const tokens = await listTokens(db, user?.id);
      for (const t of tokens) {
        const owner = (await findUserById(db, t.userId))?.email ?? t.userId;
        const status = t.revokedAt ? `revoked ${t.revokedAt}` : tokenExpired(t.expiresAt) ? "expired" : "active";
        const access = t.readOnly ? "read-only" : "read-write";
        process.stdout.write(
          `${t.id}\t${t.prefix}…\t${owner}\t${t.name}\t${access}\t${status}\texpires ${t.expiresAt ?? "never"}\tlast used ${t.lastUsedAt ?? "never"}\n`,
        );
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
