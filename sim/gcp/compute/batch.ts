import type { IncomingMessage, ServerResponse } from "node:http";
import type { World } from "../../world";
import { dispatchCompute } from "./router";
import { GoogleApiError } from "./errors";
import { sendJson } from "../../core/http";

// Google's batch protocol (multipart/mixed of application/http parts), which gcloud's
// apitools uses as soon as it has more than one request: several lookups, several operation
// polls. Each part is an HTTP request line, headers and body; the answer mirrors it with
// `Content-ID: <response-ID>` so the client can pair answers with requests.

export interface BatchPart {
  contentId: string;
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  500: "Internal Server Error",
};

export function handleBatch(world: World, req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
  const boundary = boundaryOf(req.headers["content-type"]);
  if (req.method !== "POST" || !boundary) {
    const err = new GoogleApiError(400, "badRequest", "Batch requests must be POSTed as multipart/mixed with a boundary.");
    return sendJson(res, 400, err.toJson());
  }
  let parts: BatchPart[];
  try {
    parts = parseBatch(raw.toString("utf8"), boundary);
  } catch (e) {
    return sendJson(res, 400, new GoogleApiError(400, "badRequest", `Failed to parse batch request: ${(e as Error).message}`).toJson());
  }
  const answers = parts.map((p) => ({ part: p, answer: dispatchCompute(world, p.method, p.path, p.query, p.body) }));
  const out = `batch_${world.random.hex(12)}`;
  let text = "";
  for (const { part, answer } of answers) {
    const json = JSON.stringify(answer.body);
    text +=
      `--${out}\r\nContent-Type: application/http\r\nContent-ID: <response-${part.contentId}>\r\n\r\n` +
      `HTTP/1.1 ${answer.status} ${STATUS_TEXT[answer.status] ?? "Error"}\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}\r\n`;
  }
  text += `--${out}--\r\n`;
  res.writeHead(200, { "Content-Type": `multipart/mixed; boundary=${out}`, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Splits a multipart/mixed body into the embedded requests. Accepts CRLF and bare LF. */
export function parseBatch(text: string, boundary: string): BatchPart[] {
  const delimiter = `--${boundary}`;
  const chunks = text.split(delimiter).slice(1);
  const parts: BatchPart[] = [];
  for (const chunk of chunks) {
    if (chunk.startsWith("--")) break;
    const part = chunk.replace(/^\r?\n/, "");
    const [outerHeaders, inner] = splitHead(part);
    const contentId = /^content-id:\s*<?([^>\r\n]*)>?\s*$/im.exec(outerHeaders)?.[1];
    if (!contentId) throw new Error("part without Content-ID");
    const [innerHead, innerBody] = splitHead(inner);
    const requestLine = innerHead.split(/\r?\n/)[0];
    const m = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/\d\.\d)?$/.exec(requestLine.trim());
    if (!m) throw new Error(`bad request line "${requestLine}"`);
    const url = new URL(m[2], "http://batch.local");
    parts.push({ contentId, method: m[1], path: url.pathname, query: url.searchParams, body: innerBody.replace(/\r?\n$/, "") });
  }
  return parts;
}

function splitHead(text: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) return [text, ""];
  return [text.slice(0, m.index), text.slice(m.index + m[0].length)];
}
