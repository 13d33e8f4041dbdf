import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exec, KubeConfig } from "@kubernetes/client-node";
import { startSimProcess, type SimProcess } from "../../test/harness";

// The real kubectl and client-node against a simulator process: the playbook's
// `kubectl exec ... -- /bin/sh -c "kill 1"`, `kubectl logs --previous`, and an nc probe pod
// that shows a quarantine deny-all taking effect.

let sim: SimProcess;
const CONTEXT = "gke_airlock-empty_us-central1-a_sandbox";

beforeAll(async () => {
  sim = await startSimProcess(["--scenario", "empty", "--netpol-delay", "0"]);
});
afterAll(() => sim?.stop());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile("kubectl", ["--context", CONTEXT, "-n", "default", ...args], { env: sim.env }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    // Not a terminal, as in CI: `-it` must degrade to `-i` ("Unable to use a TTY").
    child.stdin?.end(input ?? "");
  });
}

async function api(pathname: string): Promise<Json> {
  return (await fetch(`${sim.base}/clusters/sandbox${pathname}`)).json();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pods as the API serves them
type Json = Record<string, any>;

async function waitForPhase(name: string, phases: string[]): Promise<Json> {
  for (;;) {
    const pod = await api(`/api/v1/namespaces/default/pods/${name}`);
    if (phases.includes(pod?.status?.phase)) return pod;
    // Simulated time: the kubelet's start delay passes without waiting for it.
    await fetch(`${sim.base}/_sim/clock/advance`, { method: "POST", body: JSON.stringify({ seconds: 1 }) });
    await new Promise((r) => setTimeout(r, 50));
  }
}

function apply(name: string, yaml: string): Promise<Run> {
  const file = path.join(sim.dir, `${name}.yaml`);
  fs.writeFileSync(file, yaml);
  return kubectl(["apply", "-f", file]);
}

describe("kubectl exec and logs", () => {
  beforeAll(async () => {
    const r = await kubectl(["run", "web", "--image=nginx:1.27", "--restart=Always", "--port=80"]);
    expect(r.code, r.stderr).toBe(0);
    await waitForPhase("web", ["Running"]);
  });

  it("kubectl logs --previous is refused before any restart", async () => {
    const r = await kubectl(["logs", "web", "--previous"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('previous terminated container "web" in pod "web" not found');
  });

  it('kubectl exec -it ... -- /bin/sh -c "kill 1" restarts the container', async () => {
    const before = await api("/api/v1/namespaces/default/pods/web");
    const r = await kubectl(["exec", "-it", "web", "-c", "web", "--", "/bin/sh", "-c", "kill 1"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Unable to use a TTY");
    const after = await api("/api/v1/namespaces/default/pods/web");
    const cs = after.status.containerStatuses[0];
    expect(cs.restartCount).toBe(before.status.containerStatuses[0].restartCount + 1);
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 143, reason: "Error" });
    const get = await kubectl(["get", "pod", "web", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"]);
    expect(get.stdout).toBe("1");
    const logs = await kubectl(["logs", "web", "--previous"]);
    expect(logs.code, logs.stderr).toBe(0);
  });

  it("kubectl exec of anything else fails with exit 126 and says why", async () => {
    const r = await kubectl(["exec", "web", "--", "ls", "/"]);
    expect(r.code).toBe(126);
    expect(r.stderr).toContain("airlock simulator: command not simulated: ls /");
    expect(r.stderr).toContain("command terminated with exit code 126");
  });

  it("kubectl exec into a missing pod says NotFound", async () => {
    const r = await kubectl(["exec", "ghost", "--", "kill", "1"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('pods "ghost" not found');
  });

  it("client-node Exec works through the API server path", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(sim.ready.kubeconfig);
    kc.setCurrentContext(CONTEXT);
    const stderr = new PassThrough();
    let err = "";
    stderr.on("data", (d) => (err += d));
    const status = await new Promise<{ status: string }>((resolve, reject) => {
      new Exec(kc).exec("default", "web", "web", ["kill", "-9", "1"], new PassThrough(), stderr, null, false, (s) => resolve(s as never)).catch(reject);
    });
    expect(status.status).toBe("Success");
    const pod = await api("/api/v1/namespaces/default/pods/web");
    expect(pod.status.containerStatuses[0]).toMatchObject({ restartCount: 2, lastState: { terminated: { exitCode: 137 } } });
    expect(err).toBe("");
  });
});

describe("nc probe pods under a quarantine deny-all", () => {
  const probe = (name: string, ip: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  restartPolicy: Never
  containers:
  - name: nc
    image: busybox:1.36
    command: ["sh", "-c", "nc -vz -w 2 ${ip} 80"]
`;

  it("reach the target before the policy and time out after it", async () => {
    const r = await kubectl(["run", "target", "--image=nginx:1.27", "--restart=Always", "--port=80", "--labels=app=target"]);
    expect(r.code, r.stderr).toBe(0);
    const target = await waitForPhase("target", ["Running"]);
    const ip = target.status.podIP as string;

    expect((await apply("probe-before", probe("probe-before", ip))).code).toBe(0);
    const before = await waitForPhase("probe-before", ["Succeeded", "Failed"]);
    expect(before.status.phase).toBe("Succeeded");
    expect((await kubectl(["logs", "probe-before"])).stdout).toBe(`${ip} (${ip}:80) open\n`);

    expect((await kubectl(["label", "pod", "target", "quarantine=true"])).code).toBe(0);
    const policy = await apply(
      "deny",
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
spec:
  podSelector:
    matchLabels:
      quarantine: "true"
  policyTypes:
  - Ingress
  - Egress
`,
    );
    expect(policy.code, policy.stderr).toBe(0);
    expect((await apply("probe-after", probe("probe-after", ip))).code).toBe(0);
    const after = await waitForPhase("probe-after", ["Succeeded", "Failed"]);
    expect(after.status.phase).toBe("Failed");
    expect(after.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    const check = await (await fetch(`${sim.base}/_sim/netpol/sandbox/check?src=default/probe-after&dst=default/target&port=80`)).json();
    expect(check).toMatchObject({ allowed: false, enforced: true });
  });
});
