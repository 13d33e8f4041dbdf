import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runtimeCommands, runtimeOf } from "./node-runtime-commands";

describe("node-runtime-commands", () => {
  it("tells containerd from docker", () => {
    expect(runtimeOf("containerd://1.7.2")).toBe("containerd");
    expect(runtimeOf("docker://24.0")).toBe("docker");
    expect(runtimeOf(undefined)).toBe("unknown");
  });

  it("puts the container's id into the commands", () => {
    const out = runtimeCommands("containerd", [{ name: "web", id: "0123abcd" }]);
    expect(out).toContain("sudo crictl stop 0123abcd");
  });

  // The container name is chosen by whoever wrote the pod spec: pasted, it must stay inert.
  it.each(["containerd", "docker"] as const)("keeps a container name with a newline inside its comment line (%s)", (runtime) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-quote-"));
    const marker = path.join(dir, "pwned");
    const lines = runtimeCommands(runtime, [{ name: `web\ntouch ${marker}`, id: "0123abcd" }]);
    const comment = lines[0];
    expect(comment).not.toContain("\n");
    const r = spawnSync("bash", ["-c", comment]);
    expect(r.status).toBe(0);
    expect(fs.existsSync(marker)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
