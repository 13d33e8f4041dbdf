import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { findOnPath } from "@/sim/test/harness";

// The GKE overlay as the real kubectl's kustomize builds it: Workload Identity needs the console's
// egress to the GKE metadata server, which the base NetworkPolicy does not allow.

const KUBECTL = findOnPath("kubectl");
const ROOT = path.resolve(__dirname, "..");

describe.skipIf(!KUBECTL)("deploy/overlays/gke NetworkPolicy", () => {
  it("lets the console reach the GKE metadata server (Dataplane V2 and without it)", async () => {
    const { stdout } = await promisify(execFile)(KUBECTL!, ["kustomize", path.join(ROOT, "deploy", "overlays", "gke")], { maxBuffer: 16 * 1024 * 1024 });
    const policy = YAML.parseAllDocuments(stdout)
      .map((d) => d.toJS() as { kind: string; spec: { egress: { to?: { ipBlock?: { cidr: string } }[]; ports: { port: number }[] }[] } })
      .find((d) => d.kind === "NetworkPolicy")!;
    const reaches = (cidr: string, port: number) =>
      policy.spec.egress.some((e) => e.to?.some((t) => t.ipBlock?.cidr === cidr) && e.ports.some((p) => p.port === port));
    expect(reaches("169.254.169.254/32", 80)).toBe(true);
    expect(reaches("169.254.169.252/32", 988)).toBe(true);
  });
});
