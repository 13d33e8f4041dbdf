import { expect, it } from "vitest";
import { safeCallbackUrl } from "./safe-callback";

it("keeps same-site paths and refuses everything else", () => {
  expect(safeCallbackUrl("/clusters/a?x=1")).toBe("/clusters/a?x=1");
  expect(safeCallbackUrl(undefined)).toBe("/");
  expect(safeCallbackUrl("https://evil.example/")).toBe("/");
  expect(safeCallbackUrl("//evil.example/")).toBe("/");
  expect(safeCallbackUrl("/\\evil.example")).toBe("/");
  expect(safeCallbackUrl("/signin")).toBe("/");
  expect(safeCallbackUrl(["/a", "/b"])).toBe("/a");
});
