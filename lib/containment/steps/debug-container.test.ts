import { describe, expect, it } from "vitest";
import { kubeApis } from "@/lib/kube/clients";
import type { Artifact } from "./support/artifacts";
import { debugContainer } from "./debug-container";
import { Harness, openIncident, PAYMENTS, shell } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";
import { decodeAddress, parseNetTable } from "./support/triage";

const { sim } = useDemoSim();
const MINER = "/tmp/.X11-unix/kworkerd";

describe("debug-container", () => {
  it("plans a digest-pinned toolbox targeting the suspect container, and warns it stays in the pod spec", async () => {
    const h = new Harness(await openIncident());
    const plan = await h.plan(debugContainer);
    expect(plan.blocked).toBeUndefined();
    expect(plan.changes[0]).toMatchObject({
      action: "patch",
      field: "spec.ephemeralContainers",
      after: { name: "airlock-tb-1", targetContainerName: "checkout" },
    });
    expect((plan.changes[0].after as { image: string }).image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(plan.changes[0].after).toMatchObject({ securityContext: { capabilities: { add: ["SYS_PTRACE"] } } });
    expect(plan.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(["ephemeral-stays", "toolbox-ptrace"]));
    expect(plan.commands[0]).toContain("--target=checkout");
    // Planning wrote nothing: no ephemeral container yet.
    const pod = await kubeApis(PAYMENTS).core.readNamespacedPod({ name: h.incident.targets.pod, namespace: "shop" });
    expect(pod.spec?.ephemeralContainers ?? []).toEqual([]);
  });

  it("lists the miner process and its connection to 198.51.100.23:3333, stores every output with its SHA-256, and verifies", async () => {
    const h = new Harness(await openIncident());
    const stored: Artifact[] = [];
    h.artifacts = { put: async (a) => void stored.push(a) };
    const { result } = await h.execute(debugContainer);
    expect(result.outcome).toBe("success");
    const rec = result.record as {
      processes: { pid: number; exe: string; cmdline: string[]; envNames: string[] }[];
      connections: { remote: string; state: string; pid?: number }[];
      artifacts: { name: string; sha256: string }[];
    };
    const miner = rec.processes.find((p) => p.exe === MINER);
    expect(miner?.cmdline).toEqual(expect.arrayContaining([MINER, "-o", "198.51.100.23:3333"]));
    expect(rec.connections).toContainEqual(expect.objectContaining({ remote: "198.51.100.23:3333", state: "ESTABLISHED", pid: miner!.pid }));
    expect(result.message).toContain("198.51.100.23:3333");
    expect(result.message).toContain(MINER);
    // Names only by default: the DB password's value is in no stored output.
    expect(miner?.envNames).toContain("DB_PASSWORD");
    expect(stored.map((a) => a.body).join("")).not.toContain("Tr0ub4dor");
    expect(stored.map((a) => a.name).sort()).toEqual(rec.artifacts.map((a) => a.name).sort());
    expect(rec.artifacts.every((a) => /^[0-9a-f]{64}$/.test(a.sha256))).toBe(true);
    expect(stored.find((a) => a.name.endsWith("network.txt"))!.body).toContain("198.51.100.23:3333 ESTABLISHED");
    expect((await h.verify(debugContainer)).holds).toBe(true);

    // A second run reuses the running toolbox instead of adding another.
    const again = await h.plan(debugContainer);
    expect(again.changes[0]).toMatchObject({ action: "exec", field: "ephemeralContainers.airlock-tb-1" });
    await h.execute(debugContainer);
    const pod = await kubeApis(PAYMENTS).core.readNamespacedPod({ name: h.incident.targets.pod, namespace: "shop" });
    expect(pod.spec?.ephemeralContainers?.map((c) => c.name)).toEqual(["airlock-tb-1"]);
  });

  it("stores environment values only when asked", async () => {
    const h = new Harness(await openIncident());
    const stored: Artifact[] = [];
    h.artifacts = { put: async (a) => void stored.push(a) };
    const plan = await h.plan(debugContainer, { envValues: true });
    expect(plan.warnings.map((w) => w.code)).toContain("env-values");
    await h.execute(debugContainer, { envValues: true });
    expect(stored.find((a) => a.name.endsWith("environment.txt"))!.body).toContain("DB_PASSWORD=sim-Tr0ub4dor");
  });

  it("does nothing without a record to verify, and blocks on a missing container or pod", async () => {
    const h = new Harness(await openIncident());
    expect((await h.verify(debugContainer)).holds).toBe(false);
    expect((await h.plan(debugContainer, { container: "nope" })).blocked).toMatch(/no container nope/);
    await kubeApis(PAYMENTS).core.deleteNamespacedPod({ name: h.incident.targets.pod, namespace: "shop", gracePeriodSeconds: 0 });
    expect((await h.plan(debugContainer)).blocked).toMatch(/no longer exists|gone/);
  });

  it("the pasted kubectl debug adds the same toolbox", async () => {
    const h = new Harness(await openIncident());
    const plan = await h.plan(debugContainer);
    await shell(sim(), plan.commands[0]);
    const pod = await kubeApis(PAYMENTS).core.readNamespacedPod({ name: h.incident.targets.pod, namespace: "shop" });
    expect(pod.spec?.ephemeralContainers?.[0]).toMatchObject((plan.changes[0].after as object) ?? {});
  });
});

describe("/proc/net decoding", () => {
  it("turns the kernel's hex into ip:port and states", () => {
    expect(decodeAddress("176433C6:0D05", false)).toBe("198.51.100.23:3333");
    expect(decodeAddress("0100007F:1F90", false)).toBe("127.0.0.1:8080");
    expect(decodeAddress("00000000000000000000000001000000:0050", true)).toBe("[0:0:0:0:0:0:0:1]:80");
    const rows = parseNetTable(
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0A00020A:A9F8 176433C6:0D05 01 00000000:00000000 02:0001D4C0 00000000 10001        0 244017 1 0000000000000000 100 0 0 10 0\n",
      "tcp",
    );
    expect(rows).toEqual([{ proto: "tcp", local: "10.2.0.10:43512", remote: "198.51.100.23:3333", state: "ESTABLISHED", inode: 244017 }]);
  });
});
