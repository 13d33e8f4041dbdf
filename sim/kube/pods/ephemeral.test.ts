import { afterEach, describe, expect, it } from "vitest";
import { makeTestCluster, type TestCluster } from "../controllers/testing";
import { createBarePod, createNetworkPolicy } from "../../scenarios/builders";
import { recordedOutput } from "./output";

let t: TestCluster;
afterEach(() => t?.world.stop());

const nc = (name: string, target: string) => ({
  name,
  image: "busybox:1.36",
  command: ["nc", "-zv", "-w", "3", ...target.split(":")],
  targetContainerName: "app",
});
const statusOf = (name: string) =>
  (t.cluster.store.get("pods", "shop", "victim")!.status.ephemeralContainerStatuses ?? []).find((s: { name: string }) => s.name === name);

function addEphemeral(container: Record<string, unknown>): void {
  t.update("pods", "shop", "victim", (p) => {
    p.spec.ephemeralContainers = [...(p.spec.ephemeralContainers ?? []), container];
  });
}

describe("ephemeral containers in the kubelet", () => {
  it("starts them a second later, and an nc one leaves from the pod's own namespace, judged by its policies", () => {
    t = makeTestCluster();
    createBarePod(t.cluster, "shop", "victim", {
      labels: { app: "checkout" },
      nodeName: t.nodes[0],
      containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "86400"] }],
    });
    t.advance(3);
    addEphemeral({ name: "debugger", image: "busybox:1.36", command: ["sh"], stdin: true, tty: true, targetContainerName: "app" });
    addEphemeral(nc("probe-before", "198.51.100.23:3333"));
    t.settle();
    expect(statusOf("debugger")).toBeUndefined();
    t.advance(2);
    expect(statusOf("debugger")).toMatchObject({ state: { running: {} }, ready: false, restartCount: 0, image: "docker.io/library/busybox:1.36" });
    t.advance(1); // nc runs for a moment after it starts
    expect(statusOf("probe-before").state.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    expect(recordedOutput(t.cluster, "shop", "victim", "probe-before", false)?.map((l) => l.text)).toEqual(["198.51.100.23 (198.51.100.23:3333) open"]);

    createNetworkPolicy(t.cluster, "shop", "deny-egress", { podSelector: { matchLabels: { app: "checkout" } }, policyTypes: ["Egress"] });
    t.advance(301); // the test cluster's netpolDelaySeconds
    addEphemeral(nc("probe-after", "169.254.169.254:80"));
    t.advance(2);
    t.advance(4);
    expect(statusOf("probe-after").state.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    expect(recordedOutput(t.cluster, "shop", "victim", "probe-after", false)?.map((l) => l.text)).toEqual([
      "nc: 169.254.169.254 (169.254.169.254:80): Connection timed out",
    ]);
    // The interactive one keeps running.
    expect(statusOf("debugger").state.running).toBeDefined();
  });
});
