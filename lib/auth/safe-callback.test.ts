import { expect, it } from "vitest";
import { CALLBACK_CORPUS } from "./callback-corpus";
import { safeCallbackUrl, safeRedirect } from "./safe-callback";

it("keeps same-site paths", () => {
  expect(safeCallbackUrl("/clusters/a?x=1")).toBe("/clusters/a?x=1");
  expect(safeCallbackUrl("/incidents/abc#timeline")).toBe("/incidents/abc#timeline");
  expect(safeCallbackUrl("/clusters/gke_acme-prod_us-central1-a_payments/pods?namespace=shop&labelSelector=app%3Dcheckout")).toBe(
    "/clusters/gke_acme-prod_us-central1-a_payments/pods?namespace=shop&labelSelector=app%3Dcheckout",
  );
  expect(safeCallbackUrl(["/a", "/b"])).toBe("/a");
  expect(safeCallbackUrl(undefined)).toBe("/");
  expect(safeCallbackUrl("/signin")).toBe("/");
  expect(safeCallbackUrl("/signin?callbackUrl=%2F%2Fevil.example")).toBe("/");
});

it("refuses every value of the corpus that a browser would send elsewhere", () => {
  const leaked = CALLBACK_CORPUS.filter((v) => new URL(safeCallbackUrl(v), "http://console.example").origin !== "http://console.example");
  expect(leaked).toEqual([]);
  // The corpus is made of attacks: each one must be answered with the home page, not rewritten.
  expect(CALLBACK_CORPUS.filter((v) => safeCallbackUrl(v) !== "/")).toEqual([]);
});

it("turns next-auth redirects to another origin into the console's home", () => {
  const base = "http://127.0.0.1:3000";
  expect(safeRedirect("/timeline", base)).toBe(`${base}/timeline`);
  expect(safeRedirect(`${base}/incidents?x=1`, base)).toBe(`${base}/incidents?x=1`);
  expect(safeRedirect("https://evil.example/", base)).toBe(`${base}/`);
  expect(safeRedirect("/%09/evil.example", base)).toBe(`${base}/`);
  expect(safeRedirect("//evil.example", base)).toBe(`${base}/`);
  expect(safeRedirect("http://127.0.0.1:3001/", base)).toBe(`${base}/`);
});
