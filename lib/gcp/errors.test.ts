import { describe, expect, it } from "vitest";
import { endpointOptions } from "./clients";
import { gcpError } from "./errors";

describe("gcpError", () => {
  it("maps gRPC codes to HTTP statuses and keeps the API's message", () => {
    const err = Object.assign(new Error("The resource 'projects/p/zones/z/instances/vm' was not found"), { code: 5 });
    expect(gcpError(err)).toEqual({
      status: 404,
      reason: "NotFound",
      message: "The resource 'projects/p/zones/z/instances/vm' was not found",
    });
  });

  it("drops library and stack text", () => {
    const err = Object.assign(new Error("boom\n    at foo (/x/node_modules/google-gax/a.js:1:1)"), { code: 13 });
    expect(gcpError(err).message).toBe("The Google Cloud API answered 500.");
  });

  it("says unreachable for connection failures", () => {
    expect(gcpError(Object.assign(new Error("fetch failed"), { code: "ECONNREFUSED" }))).toMatchObject({ status: 502, reason: "Unreachable" });
  });
});

describe("endpointOptions", () => {
  it("keeps scheme, host and port of an override and switches to REST without credentials", () => {
    const o = endpointOptions("http://127.0.0.1:8123/compute/v1/");
    expect(o).toMatchObject({ apiEndpoint: "127.0.0.1", port: 8123, protocol: "http", fallback: true });
    expect(o.authClient).toBeDefined();
  });

  it("is empty without an override, so the libraries use Application Default Credentials", () => {
    expect(endpointOptions(undefined)).toEqual({});
  });
});
