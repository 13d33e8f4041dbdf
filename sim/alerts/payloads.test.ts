import { describe, expect, it } from "vitest";
import type { SimCluster } from "../kube/cluster";
import type { KObject } from "../kube/types";
import type { World } from "../world";
import { MINER } from "../scenarios/compromise";
import { falcoAlert, sccFinding } from "./payloads";

// The detectors describe the same miner the compromised container runs (compromise.ts MINER).

const cluster = { name: "payments", location: "us-central1" } as SimCluster;
const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "checkout-0", namespace: "shop" },
  spec: { nodeName: "n1", containers: [{ name: "checkout", image: "r/checkout:1" }] },
  status: { podIP: "10.4.0.9", containerStatuses: [{ name: "checkout", containerID: "containerd://abcdef0123456789" }] },
} as unknown as KObject;

describe("alert payloads", () => {
  it("Falco reports the miner's own command line and pool connection", () => {
    const fields = falcoAlert(cluster, pod).output_fields as Record<string, unknown>;
    expect(fields["proc.cmdline"]).toBe(`kworkerd ${MINER.argv.slice(1).join(" ")}`);
    expect(fields["fd.name"]).toBe(`10.4.0.9:${MINER.localPort}->198.51.100.23:3333`);
  });

  it("SCC reports the miner's path, argv and PID", () => {
    const finding = sccFinding({ project: "acme" } as World, cluster, pod).finding as { processes: unknown[] };
    expect(finding.processes).toEqual([{ name: "kworkerd", binary: { path: MINER.path }, args: [...MINER.argv], pid: String(MINER.pid) }]);
  });
});
