import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath, startSimProcess, type SimProcess } from "../test/harness";

// The real kubectl against the simulator's RBAC: `auth can-i --as=<KSA>` sends a
// SelfSubjectAccessReview with Impersonate-User, judged by the demo's Roles and bindings, and
// `get rolebindings -o json` lists them as a real API server would.

const KUBECTL = findOnPath("kubectl");
const CONTEXT = "gke_acme-prod_us-central1-a_payments";
const KSA = "system:serviceaccount:shop:checkout";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- objects as the API serves them
type Json = Record<string, any>;

describe.skipIf(!KUBECTL)("kubectl RBAC against the simulator", () => {
  let sim: SimProcess;
  const kubectl = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(KUBECTL!, ["--context", CONTEXT, "-n", "shop", ...args], { env: sim.env, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  const canI = async (...args: string[]) => (await kubectl(["auth", "can-i", ...args, `--as=${KSA}`])).stdout.trim();

  beforeAll(async () => {
    sim = await startSimProcess(["--scenario", "demo"]);
  });
  afterAll(() => sim?.stop());

  it("kubectl auth can-i --as=<checkout's KSA> answers from its RoleBinding", async () => {
    expect(await canI("patch", "pods")).toBe("yes");
    expect(await canI("list", "configmaps")).toBe("yes");
    expect(await canI("get", "secrets")).toBe("no");
    expect(await canI("delete", "networkpolicies.networking.k8s.io")).toBe("no");
    expect(await canI("patch", "pods", "-n", "default")).toBe("no");
    expect((await kubectl(["auth", "can-i", "patch", "pods", "--as=system:serviceaccount:shop:cart"])).stdout.trim()).toBe("no");
  });

  it("kubectl get rolebindings -o json names the KSA, and removing it turns can-i to no", async () => {
    const r = await kubectl(["get", "rolebindings", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const items = JSON.parse(r.stdout).items as Json[];
    const b = items.find((i) => i.metadata.name === "checkout-runtime")!;
    expect(b.subjects).toEqual([{ kind: "ServiceAccount", name: "checkout", namespace: "shop" }]);
    const p = await kubectl(["patch", "rolebinding", "checkout-runtime", "--type=json", "-p", '[{"op":"remove","path":"/subjects/0"}]']);
    expect(p.code, p.stderr).toBe(0);
    expect(await canI("patch", "pods")).toBe("no");
    const t = await kubectl(["get", "rolebindings", "checkout-runtime", "--as", KSA]);
    expect(t.code).not.toBe(0);
    expect(t.stderr).toContain("forbidden");
  });
});
