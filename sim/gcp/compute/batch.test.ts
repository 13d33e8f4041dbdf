import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { testProject, type TestProject } from "../testing";
import { boundaryOf, parseBatch } from "./batch";
import { handleComputeRequest } from "./router";

let t: TestProject;
let server: http.Server | undefined;
afterEach(async () => {
  t?.world.stop();
  if (server) await new Promise((r) => server!.close(r));
  server = undefined;
});

// Byte for byte what apitools (gcloud) writes: LF line ends, a Python email boundary, the
// embedded request line with only path and query.
function apitoolsBody(boundary: string, requests: { id: string; method: string; path: string; body?: string }[]): string {
  let s = "";
  for (const r of requests) {
    s += `--${boundary}\nContent-Type: application/http\nMIME-Version: 1.0\nContent-Transfer-Encoding: binary\nContent-ID: <5f1c+${r.id}>\n\n`;
    s += `${r.method} ${r.path} HTTP/1.1\nContent-Type: application/json\nMIME-Version: 1.0\naccept: application/json\nHost: 127.0.0.1:1\n\n${r.body ?? ""}\n`;
  }
  return `${s}--${boundary}--\n`;
}

describe("batch", () => {
  it("reads the boundary, quoted or not", () => {
    expect(boundaryOf('multipart/mixed; boundary="===============7330845974216740156=="')).toBe("===============7330845974216740156==");
    expect(boundaryOf("multipart/mixed; boundary=batch_abc")).toBe("batch_abc");
    expect(boundaryOf("application/json")).toBeUndefined();
  });

  it("parses each part's Content-ID, request line, query and body, with LF or CRLF", () => {
    const lf = apitoolsBody("b1", [
      { id: "0", method: "GET", path: "/compute/v1/projects/p/global/firewalls/a?alt=json" },
      { id: "1", method: "POST", path: "/compute/v1/projects/p/global/firewalls?alt=json", body: '{"name": "x"}' },
    ]);
    for (const text of [lf, lf.replace(/\n/g, "\r\n")]) {
      const parts = parseBatch(text, "b1");
      expect(parts.map((p) => [p.contentId, p.method, p.path, p.query.get("alt")])).toEqual([
        ["5f1c+0", "GET", "/compute/v1/projects/p/global/firewalls/a", "json"],
        ["5f1c+1", "POST", "/compute/v1/projects/p/global/firewalls", "json"],
      ]);
      expect(JSON.parse(parts[1].body)).toEqual({ name: "x" });
    }
  });

  it("dispatches every part and answers multipart/mixed with response- Content-IDs and per-part status", async () => {
    t = testProject();
    server = http.createServer((req, res) => void handleComputeRequest(t.world, req, res, new URL(req.url!, "http://x").pathname));
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const base = `/compute/v1/projects/${t.project}`;
    const body = apitoolsBody("===============42==", [
      { id: "0", method: "POST", path: `${base}/global/firewalls?alt=json`, body: JSON.stringify({ name: "q", denied: [{ IPProtocol: "all" }] }) },
      { id: "1", method: "GET", path: `${base}/global/firewalls/missing?alt=json` },
      { id: "2", method: "GET", path: `${base}/zones/us-central1-a/instances/${t.nodes[0].name}?alt=json` },
    ]);
    const res = await fetch(`http://127.0.0.1:${port}/batch/compute/v1`, {
      method: "POST",
      headers: { "content-type": 'multipart/mixed; boundary="===============42=="' },
      body,
    });
    expect(res.status).toBe(200);
    const outBoundary = boundaryOf(res.headers.get("content-type") ?? "")!;
    expect(outBoundary).toBeTruthy();
    const text = await res.text();
    const parts = text.split(`--${outBoundary}`).slice(1, -1);
    expect(parts).toHaveLength(3);
    const parsed = parts.map((p) => {
      const id = /Content-ID: <([^>]+)>/.exec(p)![1];
      const status = Number(/HTTP\/1\.1 (\d{3})/.exec(p)![1]);
      const json = JSON.parse(p.slice(p.indexOf("{")));
      return { id, status, json };
    });
    expect(parsed[0]).toMatchObject({ id: "response-5f1c+0", status: 200, json: { kind: "compute#operation", operationType: "insert" } });
    expect(parsed[1]).toMatchObject({ id: "response-5f1c+1", status: 404, json: { error: { code: 404, errors: [{ reason: "notFound" }] } } });
    expect(parsed[2]).toMatchObject({ id: "response-5f1c+2", status: 200, json: { kind: "compute#instance" } });
    expect(t.world.gcp.firewalls.has("q")).toBe(true);
  });
});
