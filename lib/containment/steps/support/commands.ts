import YAML from "yaml";
import type { IncidentTargets } from "../../types";

// Equivalent commands a person can paste: the playbook's form, made unambiguous with the
// context/namespace/zone/project the incident resolved.

const SAFE = /^[A-Za-z0-9_./:=,@%+-]+$/;
// Control characters (newline, carriage return, escape…) never appear raw in a command: raw, a
// newline ends the command (or a `# comment`) and the rest runs as a second one.
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * The one quoting function for every value put into a copyable command: the shell reads the
 * result back as exactly `arg`, and the result is a single line. Plain words stay bare, other
 * text goes in single quotes, text with control characters in ANSI-C quotes (`$'…'`, bash and
 * zsh). NUL cannot be in a shell argument at all, so it is refused rather than silently cut.
 */
export function shq(arg: string): string {
  if (arg.includes("\0")) throw new Error("a shell argument cannot contain NUL");
  if (arg !== "" && SAFE.test(arg)) return arg;
  if (!CONTROL.test(arg)) return `'${arg.replace(/'/g, `'\\''`)}'`;
  const body = arg.replace(/[\\'\x00-\x1f\x7f]/g, (c) => (c === "\\" || c === "'" ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
  return `$'${body}'`;
}

export function sh(...args: string[]): string {
  return args.map(shq).join(" ");
}

/** `kubectl --context <ctx> [-n <ns>] …` for the incident's cluster. */
export function kubectl(t: Pick<IncidentTargets, "cluster">, namespace: string | null, ...args: string[]): string {
  const ns = namespace ? ["-n", namespace] : [];
  return sh("kubectl", "--context", t.cluster, ...ns, ...args);
}

/** `kubectl apply -f -` with the manifest as a here-document, the YAML exactly as Airlock sends it. */
export function kubectlApplyHeredoc(t: Pick<IncidentTargets, "cluster">, manifest: unknown): string {
  const yaml = YAML.stringify(manifest).trimEnd();
  return `${sh("kubectl", "--context", t.cluster, "apply", "-f", "-")} <<'EOF'\n${yaml}\nEOF`;
}

/**
 * A gcloud command in the playbook's layout: one flag per continued line. `--project` comes
 * last so the command cannot act on whatever project the person's gcloud happens to default to.
 */
export function gcloud(head: string[], flags: [string, string][], project: string): string {
  const lines = [sh("gcloud", ...head), ...[...flags, ["--project", project] as [string, string]].map(([f, v]) => `    ${f} ${shq(v)}`)];
  return lines.join(" \\\n");
}
