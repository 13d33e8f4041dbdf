import { describe, expect, it } from "vitest";
import { parseExecCommand, shellWords } from "./command";

describe("parseExecCommand", () => {
  it("reads cat of one file, directly or through a shell", () => {
    expect(parseExecCommand(["cat", "/proc/net/tcp"])).toEqual({ kind: "cat", path: "/proc/net/tcp" });
    expect(parseExecCommand(["sh", "-c", "cat /proc/net/tcp"])).toEqual({ kind: "cat", path: "/proc/net/tcp" });
    expect(parseExecCommand(["cat", "-n", "/proc/net/tcp"]).kind).toBe("unsupported");
    expect(parseExecCommand(["cat", "/a", "/b"]).kind).toBe("unsupported");
  });

  it.each([
    [["/bin/sh", "-c", "kill 1"], 143],
    [["sh", "-c", "kill -9 1"], 137],
    [["kill", "1"], 143],
    [["kill", "-9", "1"], 137],
    [["kill", "-KILL", "1"], 137],
    [["kill", "-s", "SIGKILL", "1"], 137],
    [["/bin/bash", "-c", "exec kill -TERM 1"], 143],
    [["/bin/sh", "-c", "  kill   1  "], 143],
  ])("%j restarts the container with exit %i", (argv, exitCode) => {
    expect(parseExecCommand(argv)).toEqual({ kind: "kill", signal: exitCode - 128, exitCode });
  });

  it.each([[["ls", "-l"]], [["kill", "2"]], [["/bin/sh", "-c", "kill 1; rm -rf /"]], [["sh", "-c", "kill 1 && echo"]], [["kill", "-BOGUS", "1"]], [["sh"]]])(
    "%j is not simulated",
    (argv) => {
      expect(parseExecCommand(argv)).toEqual({ kind: "unsupported", display: argv.join(" ") });
    },
  );

  it("treats kill -0 1 as a liveness question, not a kill", () => {
    expect(parseExecCommand(["kill", "-0", "1"])).toEqual({ kind: "probe-signal" });
  });

  it("splits quoted shell words", () => {
    expect(shellWords(`kill "-9" '1'`)).toEqual(["kill", "-9", "1"]);
    expect(shellWords(`echo "unterminated`)).toBeUndefined();
  });

  it("reads the toolbox's file commands: readlink, ls, stat -c and tar cf -", () => {
    expect(parseExecCommand(["readlink", "/proc/88/exe"])).toEqual({ kind: "readlink", path: "/proc/88/exe" });
    expect(parseExecCommand(["ls", "/proc"])).toEqual({ kind: "ls", path: "/proc" });
    expect(parseExecCommand(["stat", "-L", "-c", "%s %F", "/proc/1/root/tmp/.t"])).toEqual({
      kind: "stat",
      path: "/proc/1/root/tmp/.t",
      format: "%s %F",
      follow: true,
    });
    expect(parseExecCommand(["tar", "cf", "-", "/tmp/.t"])).toEqual({ kind: "tar", path: "/tmp/.t" });
    expect(parseExecCommand(["stat", "/x"]).kind).toBe("unsupported");
    expect(parseExecCommand(["tar", "xf", "-", "/x"]).kind).toBe("unsupported");
    expect(parseExecCommand(["ls", "-l", "/x"]).kind).toBe("unsupported");
  });
});
