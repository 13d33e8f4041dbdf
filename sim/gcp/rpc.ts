import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../core/http";
import type { GcpJson } from "./state";

// The error and request shape of Google's newer JSON APIs (GKE container v1, IAM v1): an
// error is {"error":{"code","message","status"}} with the google.rpc.Code name as status
// (Compute keeps its older errors[] shape, compute/errors.ts). Handlers throw GoogleRpcError;
// serveGoogleJson reads the JSON body, answers 200 with the handler's result, or the error.

export class GoogleRpcError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }

  toJson(): GcpJson {
    return { error: { code: this.code, message: this.message, status: this.status } };
  }
}

/** Reads the request's JSON body (empty → {}), answers 200 with `answer(body)`, or the GoogleRpcError it throws. */
export async function serveGoogleJson(req: IncomingMessage, res: ServerResponse, answer: (body: GcpJson) => GcpJson): Promise<void> {
  try {
    const text = (await readBody(req)).toString("utf8").trim();
    let body: GcpJson = {};
    if (text) {
      try {
        body = JSON.parse(text) as GcpJson;
      } catch {
        throw new GoogleRpcError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
      }
    }
    sendJson(res, 200, answer(body));
  } catch (err) {
    if (err instanceof GoogleRpcError) return sendJson(res, err.code, err.toJson());
    throw err;
  }
}
