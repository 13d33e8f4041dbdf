import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath, startSimProcess, type SimProcess } from "../test/harness";

// `kubectl explain` reads the OpenAPI v3 documents (and with --output=plaintext-openapiv2 the
// v2 document as protobuf): every served kind has its fields, types, required markers and
// upstream descriptions (derived from the models client-node is generated from).

const KUBECTL = findOnPath("kubectl");

describe.skipIf(!KUBECTL)("kubectl explain against the simulator", () => {
  let sim: SimProcess;
  const explain = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(KUBECTL!, ["explain", ...args], { env: sim.env, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });

  beforeAll(async () => {
    sim = await startSimProcess(["--scenario", "empty"]);
  });
  afterAll(() => sim?.stop());

  it("describes a kind with its fields", async () => {
    const r = await explain("networkpolicy");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("GROUP:      networking.k8s.io");
    expect(r.stdout).toContain("NetworkPolicy describes what network traffic is allowed for a set of Pods");
    expect(r.stdout).toMatch(/spec\s+<NetworkPolicySpec>/);
  });

  it("walks nested fields, lists and required markers", async () => {
    const replicas = await explain("deployment.spec.replicas");
    expect(replicas.code, replicas.stderr).toBe(0);
    expect(replicas.stdout).toContain("FIELD: replicas <integer>");
    expect(replicas.stdout).toContain("Number of desired pods");
    const containers = await explain("pods.spec.containers");
    expect(containers.stdout).toContain("FIELD: containers <[]Container>");
    expect(containers.stdout).toMatch(/name\s+<string> -required-/);
    const sc = await explain("pod.spec.securityContext.seccompProfile.type");
    expect(sc.code, sc.stderr).toBe(0);
    expect(sc.stdout).toContain("RuntimeDefault");
  });

  it("says so for a field that does not exist", async () => {
    const r = await explain("deployment.spec.nonsense");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('field "nonsense" does not exist');
  });

  it("reads the v2 document as kubectl asks for it (protobuf), and serves it as JSON too", async () => {
    const r = await explain("deployment.spec.replicas", "--output=plaintext-openapiv2");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("FIELD:    replicas <integer>");
    expect(r.stdout).toContain("Number of desired pods");
    const np = await explain("networkpolicy.spec", "--output=plaintext-openapiv2");
    expect(np.stdout).toMatch(/podSelector\s+<Object>/);
    const json = await (await fetch(`${sim.base}/clusters/sandbox/openapi/v2`, { headers: { accept: "application/json" } })).json();
    expect(json.swagger).toBe("2.0");
    expect(json.paths).toEqual({});
    expect(json.definitions["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"]).toEqual([
      { group: "apps", version: "v1", kind: "Deployment" },
    ]);
  });
});
