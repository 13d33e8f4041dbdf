import { describe, expect, it } from "vitest";
import { messageOf, outcomeOf, outcomeText } from "./outcome";

const e = (kind: string, details: Record<string, unknown>) => ({ kind, details });

describe("timeline outcomes", () => {
  it("decide the filterable outcome from what the executor and verify write", () => {
    expect(outcomeOf(e("result", { outcome: "noop" }))).toBe("noop");
    expect(outcomeOf(e("verify", { holds: false }))).toBe("not-holding");
    expect(outcomeOf(e("plan", { blocked: "label first" }))).toBe("blocked");
    expect(outcomeOf(e("intent", { operation: "undo" }))).toBeNull();
  });

  it("read the same in the wizard and on the lead's page, an intent by its operation", () => {
    expect(outcomeText(e("result", { outcome: "success" }))).toBe("success");
    expect(outcomeText(e("result", { outcome: "noop" }))).toBe("no-op");
    expect(outcomeText(e("verify", { holds: false }))).toBe("does not hold");
    expect(outcomeText(e("intent", { operation: "execute" }))).toBe("execute");
    expect(outcomeText(e("comment", { text: "seen" }))).toBe("");
  });

  it("give one detail line: the message first, else a reason, comment text or title", () => {
    expect(messageOf(e("result", { message: "cordoned", reason: "x" }))).toBe("cordoned");
    expect(messageOf(e("refused", { reason: "approval-required" }))).toBe("approval-required");
    expect(messageOf(e("comment", { text: "looks right" }))).toBe("looks right");
    expect(messageOf(e("intent", { operation: "execute" }))).toBe("");
  });
});
