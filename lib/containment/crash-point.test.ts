import { describe, expect, it, vi } from "vitest";
import { CRASH_POINTS, crashPoint } from "./crash-point";

describe("crashPoint (the proof's kill -9 seam)", () => {
  it("is inert without AIRLOCK_PROOF=1, whatever AIRLOCK_CRASH_AT says", () => {
    const kill = vi.fn();
    for (const proof of [undefined, "", "0", "true", "yes"]) {
      crashPoint("cordon-node", "before-call", { AIRLOCK_PROOF: proof, AIRLOCK_CRASH_AT: "cordon-node:before-call" }, kill);
    }
    expect(kill).not.toHaveBeenCalled();
  });

  it("is inert with the proof flag but no crash point, or another step or point", () => {
    const kill = vi.fn();
    crashPoint("cordon-node", "before-call", { AIRLOCK_PROOF: "1" }, kill);
    crashPoint("cordon-node", "before-call", { AIRLOCK_PROOF: "1", AIRLOCK_CRASH_AT: "label-quarantine:before-call" }, kill);
    crashPoint("cordon-node", "before-call", { AIRLOCK_PROOF: "1", AIRLOCK_CRASH_AT: "cordon-node:before-result" }, kill);
    crashPoint("cordon-node", "before-call", { AIRLOCK_PROOF: "1", AIRLOCK_CRASH_AT: "cordon-node" }, kill);
    expect(kill).not.toHaveBeenCalled();
  });

  it("sends SIGKILL to its own process at exactly the named step and point", () => {
    for (const point of CRASH_POINTS) {
      const kill = vi.fn();
      crashPoint("cordon-node", point, { AIRLOCK_PROOF: "1", AIRLOCK_CRASH_AT: `cordon-node:${point}` }, kill);
      expect(kill).toHaveBeenCalledExactlyOnceWith(process.pid, "SIGKILL");
    }
  });

  it("reads the real environment by default: a stray AIRLOCK_CRASH_AT alone does not kill this process", () => {
    vi.stubEnv("AIRLOCK_CRASH_AT", "cordon-node:before-intent");
    vi.stubEnv("AIRLOCK_PROOF", "");
    try {
      crashPoint("cordon-node", "before-intent");
      expect(process.env.AIRLOCK_CRASH_AT).toBe("cordon-node:before-intent");
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
