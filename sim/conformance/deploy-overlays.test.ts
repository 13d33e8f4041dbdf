import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath, startSimProcess, type SimProcess } from "../test/harness";

// The console's own manifests (deploy/), built by the real kubectl's kustomize and applied
// server-side to the simulator as an operator applies them to a cluster: every overlay passes a
// server-side dry run, and a real apply creates the Deployment whose pods the simulator's
// controllers and scheduler place on a node, hardened as the base says.

const KUBECTL = findOnPath("kubectl");
const ROOT = path.resolve(__dirname, "..", "..");
const OVERLAYS = ["base", "overlays/gke", "overlays/demo"];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- objects as the API serves them
type Json = Record<string, any>;

describe.skipIf(!KUBECTL)("deploy/ overlays against the simulator", () => {
  let sim: SimProcess;
  const kubectl = (args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = execFile(KUBECTL!, args, { env: sim.env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
      if (stdin !== undefined) child.stdin!.end(stdin);
    });
  const build = async (overlay: string): Promise<string> => {
    const r = await kubectl(["kustomize", path.join(ROOT, "deploy", overlay)]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  const consolePods = async (): Promise<Json[]> => {
    const r = await kubectl(["-n", "airlock", "get", "pods", "-l", "app.kubernetes.io/name=airlock,app.kubernetes.io/component=console", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout).items as Json[]).filter((p) => !p.metadata.deletionTimestamp);
  };
  /** Polls (by attempts, not time) until the simulator's controllers have caught up. */
  const eventually = async <T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> => {
    let v = await read();
    for (let i = 0; i < 60 && !done(v); i++) {
      await new Promise((r) => setTimeout(r, 250));
      v = await read();
    }
    return v;
  };

  beforeAll(async () => {
    sim = await startSimProcess(["--scenario", "empty"]);
    // As on a real cluster, objects cannot be dry-run into a namespace that does not exist yet.
    const ns = await kubectl(["create", "namespace", "airlock"]);
    expect(ns.code, ns.stderr).toBe(0);
  });
  afterAll(() => sim?.stop());

  it.each(OVERLAYS)("%s passes kubectl apply --server-side --dry-run=server and creates nothing", async (overlay) => {
    const manifests = await build(overlay);
    const r = await kubectl(["apply", "--server-side", "--dry-run=server", "-f", "-"], manifests);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBe((manifests.match(/^kind: /gm) ?? []).length);
    for (const line of lines) expect(line).toMatch(/ serverside-applied \(server dry run\)$/);
    expect(r.stdout).toContain("deployment.apps/airlock serverside-applied");
    const get = await kubectl(["-n", "airlock", "get", "deployment", "airlock"]);
    expect(get.stderr).toContain("NotFound");
  });

  it("the base applies for real: two replicas scheduled, non-root, read-only root, probes on healthz/readyz", async () => {
    const r = await kubectl(["apply", "--server-side", "-f", "-"], await build("base"));
    expect(r.code, r.stderr).toBe(0);
    const pods = await eventually(consolePods, (ps) => ps.length === 2 && ps.every((p) => p.spec.nodeName && p.status?.phase === "Running"));
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.spec.nodeName).toBeTruthy();
      expect(p.status.phase).toBe("Running");
      expect(p.spec.serviceAccountName).toBe("airlock");
      expect(p.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      const c = p.spec.containers[0];
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
      expect(c.livenessProbe.httpGet.path).toBe("/api/healthz");
      expect(c.readinessProbe.httpGet.path).toBe("/api/readyz");
    }
    const pdb = await kubectl(["-n", "airlock", "get", "pdb", "airlock", "-o", "json"]);
    expect(JSON.parse(pdb.stdout).spec.minAvailable).toBe(1);
  });

  it("the demo overlay applies over it (an update by the same field manager) and its PostgreSQL is scheduled too", async () => {
    const manifests = await build("overlays/demo");
    const r = await kubectl(["apply", "--server-side", "-f", "-"], manifests);
    expect(r.code, r.stderr).toBe(0);
    const deploy = JSON.parse((await kubectl(["-n", "airlock", "get", "deployment", "airlock", "-o", "json", "--show-managed-fields"])).stdout) as Json;
    expect(deploy.metadata.managedFields.find((e: Json) => e.manager === "kubectl" && e.operation === "Apply")).toBeTruthy();
    const configRef = deploy.spec.template.spec.containers[0].envFrom[0].configMapRef.name as string;
    const cm = JSON.parse((await kubectl(["-n", "airlock", "get", "configmap", configRef, "-o", "json"])).stdout) as Json;
    expect(cm.data.AIRLOCK_DEMO).toBe("1");
    const pg = await eventually(
      async () =>
        JSON.parse((await kubectl(["-n", "airlock", "get", "pods", "-l", "app.kubernetes.io/name=airlock-postgres", "-o", "json"])).stdout).items as Json[],
      (ps) => ps.length === 1 && Boolean(ps[0].spec.nodeName),
    );
    expect(pg[0].spec.nodeName).toBeTruthy();
    const again = await kubectl(["apply", "--server-side", "-f", "-"], manifests);
    expect(again.code, again.stderr).toBe(0);
    const after = JSON.parse((await kubectl(["-n", "airlock", "get", "deployment", "airlock", "-o", "json"])).stdout) as Json;
    expect(after.metadata.generation).toBe(deploy.metadata.generation);
  });
});
