import { describe, expect, it } from "vitest";
import { kubeApis } from "@/lib/kube/clients";
import { deleteControllerStep } from "./delete-controller";
import { deletePod } from "./delete-pod";
import { nodeRuntimeCommands } from "./node-runtime-commands";
import { restartContainer } from "./restart-container";
import { scaleToZero } from "./scale-to-zero";
import { advanceClock, Harness, openIncident, PAYMENTS } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();
const apps = () => kubeApis(PAYMENTS).apps;

describe("eradicate steps", () => {
  it("delete-pod deletes the pod (by uid), verifies, and repeats as a no-op", async () => {
    const h = new Harness(await openIncident());
    const plan = await h.plan(deletePod);
    expect(plan.warnings.map((w) => w.code)).toContain("evidence-loss");
    expect(plan.dryRun?.ok).toBe(true);
    expect((await h.execute(deletePod)).result.outcome).toBe("success");
    // Right after the delete the pod is terminating: that is the delete having worked.
    const terminating = await h.verify(deletePod);
    expect(terminating).toMatchObject({ holds: true, message: expect.stringMatching(/is terminating/) });
    // Graceful termination runs on the simulator's clock.
    await advanceClock(sim(), 60);
    expect((await h.verify(deletePod)).holds).toBe(true);
    expect((await h.plan(deletePod)).noop).toBe(true);
  });

  it("scale-to-zero records the old count and restores it on undo", async () => {
    const h = new Harness(await openIncident());
    const plan = await h.plan(scaleToZero);
    expect(plan.commands).toEqual([`kubectl --context ${PAYMENTS} -n shop scale --replicas=0 deployment.apps/checkout`]);
    const { result } = await h.execute(scaleToZero);
    expect(result.record?.replicas).toBe(2);
    expect((await apps().readNamespacedDeployment({ name: "checkout", namespace: "shop" })).spec?.replicas).toBe(0);
    expect((await h.verify(scaleToZero)).holds).toBe(true);
    expect((await h.plan(scaleToZero)).noop).toBe(true);
    expect((await h.undo(scaleToZero)).outcome).toBe("success");
    expect((await apps().readNamespacedDeployment({ name: "checkout", namespace: "shop" })).spec?.replicas).toBe(2);
  });

  it("delete-controller deletes the Deployment with its manifest recorded", async () => {
    const h = new Harness(await openIncident());
    const plan = await h.plan(deleteControllerStep);
    expect(plan.commands).toEqual([`kubectl --context ${PAYMENTS} -n shop delete deployment checkout`]);
    const { result } = await h.execute(deleteControllerStep);
    expect((result.record?.manifest as { metadata: { name: string } }).metadata.name).toBe("checkout");
    expect((await h.verify(deleteControllerStep)).holds).toBe(true);
    expect((await h.plan(deleteControllerStep)).noop).toBe(true);
  });

  it("restart-container kills PID 1 through exec and sees restartCount rise", async () => {
    const h = new Harness(await openIncident());
    const container = h.incident.targets.containers[0];
    const plan = await h.plan(restartContainer, { container });
    expect(plan.commands[0]).toBe(`kubectl --context ${PAYMENTS} -n shop exec -it ${h.incident.targets.pod} -c ${container} -- /bin/sh -c "kill 1"`);
    const { result } = await h.execute(restartContainer, { container });
    expect(result.outcome).toBe("success");
    expect((await h.verify(restartContainer, { container })).holds).toBe(true);
    expect((await h.plan(restartContainer, { container })).noop).toBe(true);
  });

  it("node-runtime-commands shows crictl commands with the real container IDs and runs nothing", async () => {
    const h = new Harness(await openIncident());
    const pod = await kubeApis(PAYMENTS).core.readNamespacedPod({ name: h.incident.targets.pod, namespace: "shop" });
    const id = pod.status!.containerStatuses![0].containerID!.replace("containerd://", "");
    const plan = await h.plan(nodeRuntimeCommands);
    expect(plan.commands[0]).toMatch(/^gcloud compute ssh /);
    expect(plan.commands).toContain(`sudo crictl stop ${id}`);
    expect(plan.warnings.map((w) => w.code)).toContain("no-pause");
    expect((await h.execute(nodeRuntimeCommands)).result.outcome).toBe("success");
    expect((await h.plan(nodeRuntimeCommands)).noop).toBe(true);
  });
});
