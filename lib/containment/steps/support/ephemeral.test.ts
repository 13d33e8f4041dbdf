import { describe, expect, it } from "vitest";
import { kubeApis } from "@/lib/kube/clients";
import { addEphemeralContainer, execInContainer, exitCodeOf } from "./ephemeral";
import { compromisedPod, PAYMENTS } from "./testing";
import { useDemoSim } from "./testing-hooks";

useDemoSim();
const IMAGE = "busybox@sha256:0000000000000000000000000000000000000000000000000000000000000001";

describe("ephemeral containers", () => {
  it("adds one to the pod, waits until it runs and execs in the pod's network namespace", async () => {
    const apis = kubeApis(PAYMENTS);
    const pod = await compromisedPod();
    const name = await addEphemeralContainer(apis, {
      namespace: "shop",
      pod,
      name: "airlock-test-1",
      image: IMAGE,
      command: ["sleep", "3600"],
      targetContainerName: "checkout",
    });
    expect(name).toBe("airlock-test-1");
    const after = await apis.core.readNamespacedPod({ name: pod, namespace: "shop" });
    expect(after.spec?.ephemeralContainers?.map((c) => [c.name, c.image, c.targetContainerName])).toEqual([["airlock-test-1", IMAGE, "checkout"]]);
    expect(after.status?.ephemeralContainerStatuses?.find((s) => s.name === name)?.state?.running).toBeTruthy();

    // The demo's miner connection is visible from the ephemeral container: one network namespace.
    const tcp = await execInContainer(apis, { namespace: "shop", pod, container: name, command: ["cat", "/proc/net/tcp"] });
    expect(tcp.exitCode).toBe(0);
    expect(tcp.stdout).toContain("176433C6:0D05");

    // Before any policy, egress to the miner pool is open; nc's -v line arrives on stderr.
    const open = await execInContainer(apis, { namespace: "shop", pod, container: name, command: ["nc", "-zv", "-w", "2", "198.51.100.23", "3333"] });
    expect(open).toMatchObject({ exitCode: 0 });
    expect(open.stderr).toMatch(/198\.51\.100\.23.*open/);

    const missing = await execInContainer(apis, { namespace: "shop", pod, container: name, command: ["cat", "/etc/shadow"] });
    expect(missing.exitCode).toBe(126);
  });

  it("refuses a second container of the same name with the API server's reason", async () => {
    const apis = kubeApis(PAYMENTS);
    const pod = await compromisedPod();
    const spec = { namespace: "shop", pod, name: "airlock-test-2", image: IMAGE, command: ["sleep", "3600"] };
    await addEphemeralContainer(apis, spec);
    await expect(addEphemeralContainer(apis, { ...spec, command: ["sleep", "1"] })).rejects.toThrow(/airlock-test-2/);
    const after = await apis.core.readNamespacedPod({ name: pod, namespace: "shop" });
    expect(after.spec?.ephemeralContainers?.map((c) => c.command)).toEqual([["sleep", "3600"]]);
  });

  it("reads the exit code from the closing Status", () => {
    expect(exitCodeOf({ status: "Success" })).toBe(0);
    expect(exitCodeOf({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "1" }] } })).toBe(1);
    expect(exitCodeOf({ status: "Failure", reason: "InternalError", message: "boom" })).toBeNull();
    expect(exitCodeOf(null)).toBeNull();
  });
});
