import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gcloud, kubectl, sh, shq } from "./commands";

/** What bash reads back from a quoted word: `printf %s <word>` prints it unchanged. */
function bashReads(quoted: string): string {
  const r = spawnSync("bash", ["-c", `printf %s ${quoted}`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bash failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

// Everything but NUL, which no shell argument can carry: whole Unicode, and text biased to what
// breaks quoting (quotes, backslashes, $(), backticks, newlines and other control characters).
const nasty = fc.constantFrom("'", '"', "\\", "$(", ")", "`", "\n", "\r", "\t", "\x1b", "\x7f", "$'", "!", "*", "#", ";", "&", "|", " ", "~", "{", "}");
const text = fc.array(fc.oneof(fc.string({ unit: "binary" }), nasty), { maxLength: 8 }).map((parts) => parts.join("").replace(/\0/g, ""));

describe("shq", () => {
  it("round-trips any string without NUL through bash exactly", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(bashReads(shq(s))).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it("always gives one line, so a value cannot start a second command (even inside a # comment)", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(shq(s)).not.toMatch(/[\n\r]/);
      }),
    );
  });

  it("leaves plain words bare and quotes the rest", () => {
    expect(shq("web-7d4f")).toBe("web-7d4f");
    expect(shq("")).toBe("''");
    expect(shq("it's")).toBe(`'it'\\''s'`);
    expect(shq("a\nb")).toBe(`$'a\\x0ab'`);
    expect(sh("kubectl", "get", "pod", "$(id)")).toBe("kubectl get pod '$(id)'");
  });

  it("refuses NUL rather than cutting the value short", () => {
    expect(() => shq("a\0b")).toThrow(/NUL/);
  });

  it("quotes every value of the kubectl and gcloud builders", () => {
    const evil = "x\n`touch /tmp/pwned`";
    expect(kubectl({ cluster: evil }, evil, "get", evil)).not.toContain("\n");
    const g = gcloud(["compute", "ssh", evil], [["--zone", evil]], evil);
    // Continuation lines only: every line but the last ends with a backslash.
    for (const line of g.split("\n").slice(0, -1)) expect(line.endsWith(" \\")).toBe(true);
  });
});
