import { randomUUID } from "node:crypto";
import type { Json, RouteHandler } from "../testing";

// A Falcosidekick webhook alert about a pod, and a POST with a sender's own headers: shared by the
// alert tests and bench:contain (which posts the same alert to the same route handler).

/** Falcosidekick's webhook body for a miner connection from the pod; `hostname` is its node (the cluster mapping reads it). */
export function falcoAlert(target: { pod: string; node: string }, over: Record<string, unknown> = {}, fields: Record<string, unknown> = {}) {
  return {
    uuid: randomUUID(),
    output: "Critical Outbound connection to IP/Port flagged by https://cryptoioc.ch",
    priority: "Critical",
    rule: "Detect outbound connections to common miner pool ports",
    time: new Date().toISOString(),
    output_fields: {
      "k8s.ns.name": "shop",
      "k8s.pod.name": target.pod,
      "proc.cmdline": "kworkerd -o 198.51.100.23:3333",
      "fd.name": "10.0.0.1:1->198.51.100.23:3333",
      ...fields,
    },
    source: "syscall",
    tags: ["mitre_impact", "T1496", "network"],
    hostname: target.node,
    ...over,
  };
}

/** Posts a body with extra headers, as a sender would (routeResponse only knows bearer tokens). */
export async function postAlert(handler: RouteHandler, url: string, body: unknown, headers: Record<string, string>) {
  const { NextRequest } = await import("next/server");
  const req = new NextRequest(`http://airlock.test${url}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const res = await handler(req, { params: Promise.resolve({}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}
