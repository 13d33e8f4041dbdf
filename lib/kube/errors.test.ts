import { describe, expect, it } from "vitest";
import { ApiException } from "@kubernetes/client-node";
import { HttpError } from "@/lib/http/errors";
import { kubeError, kubeHttpError } from "./errors";

describe("kubeError", () => {
  it("uses the Status message and reason from the API server's body", () => {
    const body = JSON.stringify({ kind: "Status", reason: "NotFound", message: 'pods "x" not found', code: 404 });
    const err = new ApiException(404, "Unknown API Status Code!", body, { "content-type": "application/json" });
    expect(kubeError(err)).toEqual({ status: 404, reason: "NotFound", message: 'pods "x" not found' });
  });

  it("never repeats the exception's own text, which carries headers and body", () => {
    const err = new ApiException(401, "Unauthorized", undefined, { authorization: "Bearer secret-token" });
    const info = kubeError(err);
    expect(info.status).toBe(401);
    expect(info.message).not.toMatch(/secret|HTTP-Code|Headers/);
  });

  it("says unreachable for refused connections, found on the cause chain", () => {
    const err = new Error("request to https://10.0.0.1/api failed", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) });
    expect(kubeError(err)).toMatchObject({ status: 502, reason: "Unreachable" });
  });

  it("gives a generic message for anything else", () => {
    const info = kubeError(new Error("at Object.<anonymous> (/srv/app/node_modules/x.js:1:1)"));
    expect(info).toEqual({ status: 502, reason: "Unknown", message: "The Kubernetes API call failed." });
  });

  it("passes HttpErrors through and wraps the rest", () => {
    const own = new HttpError(404, "no such cluster");
    expect(kubeHttpError(own)).toBe(own);
    const wrapped = kubeHttpError(new ApiException(403, "x", '{"reason":"Forbidden","message":"pods is forbidden"}', {}));
    expect(wrapped).toBeInstanceOf(HttpError);
    expect(wrapped.status).toBe(403);
    expect(wrapped.message).toBe("pods is forbidden");
  });

  it("names the continue parameter when the API server refuses a malformed continue token", () => {
    const body = '{"reason":"BadRequest","message":"continue key is not valid: illegal base64 data at input byte 4"}';
    const wrapped = kubeHttpError(new ApiException(400, "x", body, {}));
    expect(wrapped.status).toBe(400);
    expect(wrapped.fieldErrors).toEqual({ continue: ["is not a continue token this list returned"] });
  });
});
