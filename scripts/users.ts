// npm run users -- create --email E --roles analyst,lead [--password P] [--name N]
// npm run users -- list
// npm run users -- set-roles --email E --roles approver
// npm run users -- set-password --email E --password P
// npm run users -- disable --email E | enable --email E
import "./require-node.cjs";
import { parseArgs } from "node:util";
import { appendEntry } from "@/lib/audit";
import { createUser, findUserByEmail, listUsers, parseRoles, ROLES, updateUser, type Role } from "@/lib/auth";
import { cliDb, die } from "./cli-db";
import { MIN_PASSWORD_LENGTH } from "@/lib/config/schema";

const USAGE = `usage:
  npm run users -- create --email <email> --roles <role,role> [--password <pw>] [--name <name>]
  npm run users -- list
  npm run users -- set-roles --email <email> --roles <role,role>
  npm run users -- set-password --email <email> --password <pw>
  npm run users -- disable --email <email>
  npm run users -- enable --email <email>
roles: ${ROLES.join(", ")} (lead includes analyst)
The password may also come from the AIRLOCK_NEW_PASSWORD environment variable, to keep it out of shell history.`;

function rolesOf(text: string | undefined): Role[] {
  if (!text) die("--roles is required\n" + USAGE);
  const wanted = text
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  const roles = parseRoles(text);
  const unknown = wanted.filter((r) => !(roles as string[]).includes(r));
  if (unknown.length) die(`unknown role(s): ${unknown.join(", ")} (known: ${ROLES.join(", ")})`);
  return roles;
}

async function main() {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      email: { type: "string" },
      roles: { type: "string" },
      password: { type: "string" },
      name: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [cmd] = positionals;
  if (values.help || !cmd) die(USAGE, values.help ? 0 : 2);
  const password = values.password ?? process.env.AIRLOCK_NEW_PASSWORD;
  const db = await cliDb();
  try {
    if (cmd === "list") {
      for (const u of await listUsers(db)) {
        process.stdout.write(`${u.email}\t${u.roles.join(",") || "-"}\t${u.disabled ? "disabled" : "active"}\t${u.name ?? ""}\n`);
      }
      return;
    }
    if (!values.email) die(`${cmd} needs --email\n` + USAGE);
    const existing = await findUserByEmail(db, values.email);
    if (cmd === "create") {
      if (existing) die(`user ${existing.email} already exists`);
      if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) die(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
      const u = await createUser(db, { email: values.email, name: values.name ?? null, roles: rolesOf(values.roles), password });
      await appendEntry(db, { actor: "cli", kind: "user-created", details: { email: u.email, roles: u.roles } });
      process.stdout.write(`created ${u.email} (${u.roles.join(", ")})${password ? "" : " without a password (OIDC only)"}\n`);
      return;
    }
    if (!existing) die(`no user ${values.email}`);
    if (cmd === "set-roles") {
      const roles = rolesOf(values.roles);
      await updateUser(db, existing.id, { roles });
      await appendEntry(db, { actor: "cli", kind: "user-roles-changed", details: { email: existing.email, from: existing.roles, to: roles } });
      process.stdout.write(`${existing.email}: ${roles.join(", ")}\n`);
    } else if (cmd === "set-password") {
      if (!password || password.length < MIN_PASSWORD_LENGTH) die(`--password of at least ${MIN_PASSWORD_LENGTH} characters is required`);
      await updateUser(db, existing.id, { password });
      await appendEntry(db, { actor: "cli", kind: "user-password-set", details: { email: existing.email } });
      process.stdout.write(`${existing.email}: password set\n`);
    } else if (cmd === "disable" || cmd === "enable") {
      await updateUser(db, existing.id, { disabled: cmd === "disable" });
      await appendEntry(db, { actor: "cli", kind: `user-${cmd}d`, details: { email: existing.email } });
      process.stdout.write(`${existing.email}: ${cmd}d\n`);
    } else {
      die(`unknown command ${cmd}\n` + USAGE);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((e: Error) => die(`users: ${e.message}`, 1));
