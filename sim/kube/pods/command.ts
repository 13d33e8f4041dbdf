// The exec commands the simulator understands: restarting a container by signalling its PID 1
// (the playbook's `kill 1`) and `cat` of the files the simulator models (the pod's
// /proc/net/tcp); everything else is refused out loud rather than pretending to run in a
// container that does not exist.

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, TERM: 15 };
const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh"]);

export type ExecCommand =
  | { kind: "kill"; signal: number; /** 128 + signal, as the runtime reports a signalled PID 1 */ exitCode: number }
  | { kind: "probe-signal" } // kill -0 1: only asks whether PID 1 exists
  | { kind: "cat"; path: string } // cat of one simulated file (/proc/net/tcp, /proc/<pid>/root/…)
  | { kind: "readlink"; path: string }
  | { kind: "ls"; path: string }
  | { kind: "stat"; path: string; format: string; follow: boolean }
  | { kind: "tar"; path: string } // tar cf - <path>: what kubectl cp runs
  | { kind: "unsupported"; display: string };

/** POSIX-ish word splitting: enough for `sh -c "kill -9 1"` and quoted arguments. */
export function shellWords(script: string): string[] | undefined {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i];
    if (ch === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) return undefined;
      cur += script.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < script.length && script[j] !== '"'; j++) {
        if (script[j] === "\\" && j + 1 < script.length) j++;
        cur += script[j];
      }
      if (j >= script.length) return undefined;
      i = j;
      inWord = true;
    } else if (ch === "\\" && i + 1 < script.length) {
      cur += script[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else if (";&|<>()$`".includes(ch)) {
      // Anything beyond a single simple command is not simulated.
      return undefined;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

function signalNumber(text: string): number | undefined {
  const t = text.toUpperCase().replace(/^SIG/, "");
  if (/^\d+$/.test(t)) return Number(t);
  return SIGNALS[t];
}

function parseKill(words: string[]): ExecCommand | undefined {
  if (!words.length || basename(words[0]) !== "kill") return undefined;
  let signal = SIGNALS.TERM;
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i];
    if (w === "--") {
      i++;
      break;
    }
    if (w === "-s" || w === "-n") {
      const n = words[i + 1] !== undefined ? signalNumber(words[i + 1]) : undefined;
      if (n === undefined) return undefined;
      signal = n;
      i++;
      continue;
    }
    if (w.startsWith("-") && w.length > 1) {
      const n = signalNumber(w.slice(1));
      if (n === undefined) return undefined;
      signal = n;
      continue;
    }
    break;
  }
  const targets = words.slice(i);
  if (targets.length !== 1 || targets[0] !== "1") return undefined;
  if (signal === 0) return { kind: "probe-signal" };
  return { kind: "kill", signal, exitCode: 128 + signal };
}

export function parseExecCommand(argv: string[]): ExecCommand {
  const display = argv.join(" ");
  let words = argv;
  if (argv.length >= 3 && SHELLS.has(basename(argv[0])) && argv[1] === "-c") {
    const inner = shellWords(argv[2]);
    if (!inner) return { kind: "unsupported", display };
    words = inner[0] === "exec" ? inner.slice(1) : inner;
  }
  return parseKill(words) ?? parseFileCommand(words) ?? { kind: "unsupported", display };
}

/** cat, readlink, ls, stat -c and tar cf - of one path: the read-only tools a busybox toolbox brings. */
function parseFileCommand(words: string[]): ExecCommand | undefined {
  const [cmd, ...args] = words;
  if (!cmd) return undefined;
  const name = basename(cmd);
  const last = args.at(-1);
  if (!last || last.startsWith("-")) return undefined;
  const opts = args.slice(0, -1);
  if (name === "cat" && opts.length === 0) return { kind: "cat", path: last };
  if (name === "readlink" && opts.length === 0) return { kind: "readlink", path: last };
  if (name === "ls" && opts.every((o) => o === "-1" || o === "-a")) return { kind: "ls", path: last };
  if (name === "tar" && (opts.join(" ") === "cf -" || opts.join(" ") === "-cf -")) return { kind: "tar", path: last };
  if (name === "stat") {
    let follow = false;
    let format: string | undefined;
    for (let i = 0; i < opts.length; i++) {
      if (opts[i] === "-L") follow = true;
      else if (opts[i] === "-c" && opts[i + 1] !== undefined) format = opts[++i];
      else return undefined;
    }
    return format === undefined ? undefined : { kind: "stat", path: last, format, follow };
  }
  return undefined;
}
