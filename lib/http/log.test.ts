import { expect, it } from "vitest";
import { redact } from "./log";

it("redacts credentials that error texts carry", () => {
  expect(redact("connect postgres://airlock:hunter2@db:5432/x failed")).toBe("connect postgres://airlock:***@db:5432/x failed");
  expect(redact("Authorization: Bearer abc.def")).toBe("Authorization: Bearer ***");
  expect(redact("token alk_ABCDEFGHIJKLMNOP")).not.toContain("ABCDEFGH");
  expect(redact('{"password":"pw1"}')).not.toContain("pw1");
});
