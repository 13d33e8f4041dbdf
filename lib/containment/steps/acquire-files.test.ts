import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FsEvidenceStore } from "@/lib/evidence/fs-store";
import { kubeApis } from "@/lib/kube/clients";
import { acquireFiles } from "./acquire-files";
import { debugContainer } from "./debug-container";
import { evidenceStoreSink, Harness, openIncident, PAYMENTS, shell } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();
const MINER = "/tmp/.X11-unix/kworkerd";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-acquire-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function harness() {
  const h = new Harness(await openIncident());
  const store = new FsEvidenceStore(dir);
  const { sink, stored } = evidenceStoreSink(store, h.incident.id);
  h.artifacts = sink;
  return { h, store, stored };
}

describe("acquire-files", () => {
  it("offers the paths the pod's events and logs name, without the service-account token", async () => {
    const { h } = await harness();
    const plan = await h.plan(acquireFiles);
    expect(plan.blocked).toBeUndefined();
    expect(plan.data).toMatchObject({ paths: expect.arrayContaining([MINER, "/tmp/.t"]), target: "checkout" });
    expect((plan.data as { paths: string[] }).paths.some((p) => p.includes("serviceaccount"))).toBe(false);
    expect(plan.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(["paths-from-evidence", "ephemeral-stays"]));
  });

  it("stores the miner with the same SHA-256 as the real kubectl cp of it, streamed, and verifies", async () => {
    const { h, store, stored } = await harness();
    const { result } = await h.execute(acquireFiles, { paths: `${MINER}, /tmp/.t /tmp/not-there` });
    expect(result.outcome).toBe("success");
    const files = (result.record as { files: { path: string; status: string; sha256?: string; size?: number }[] }).files;
    const miner = files.find((f) => f.path === MINER)!;
    expect(miner.status).toBe("stored");
    expect(files.find((f) => f.path === "/tmp/not-there")).toMatchObject({ status: "missing", reason: expect.stringContaining("No such file") });

    const dest = path.join(dir, "kworkerd-by-kubectl-cp");
    await shell(sim(), `kubectl --context ${PAYMENTS} cp -c checkout shop/${h.incident.targets.pod}:${MINER} ${dest}`);
    const copied = fs.readFileSync(dest);
    expect(miner.sha256).toBe(sha256(copied));
    expect(miner.size).toBe(copied.length);
    // The store holds the bytes under that hash, and reads them back to the same hash.
    const key = stored.find((s) => s.name.endsWith("kworkerd"))!.key;
    expect(key).toBe(`${h.incident.id}/${sha256(copied)}-file-${h.incident.targets.pod}_tmp_.X11-unix_kworkerd`);
    expect(await store.verify(key)).toEqual({ key, sha256: sha256(copied), size: copied.length });
    expect((await h.verify(acquireFiles)).holds).toBe(true);
  });

  it("keeps to the per-file and per-run limits", async () => {
    const { h } = await harness();
    const { result } = await h.execute(acquireFiles, { paths: `${MINER} /tmp/.t`, maxFileMiB: "1" });
    const files = (result.record as { files: { path: string; status: string; reason?: string }[] }).files;
    expect(files.find((f) => f.path === MINER)).toMatchObject({ status: "skipped", reason: expect.stringContaining("per-file limit") });
    expect(files.find((f) => f.path === "/tmp/.t")?.status).toBe("stored");
    await expect(h.plan(acquireFiles, { maxFileMiB: "5000" })).rejects.toMatchObject({ status: 400 });
    await expect(h.plan(acquireFiles, { paths: "/tmp/../etc/shadow" })).rejects.toMatchObject({ status: 400 });
  });

  it("reuses debug-container's toolbox, and does not verify before anything is copied", async () => {
    const { h } = await harness();
    expect((await h.verify(acquireFiles)).holds).toBe(false);
    await h.execute(debugContainer);
    const plan = await h.plan(acquireFiles, { paths: "/tmp/.t" });
    expect(plan.changes.map((c) => c.action)).toEqual(["read"]);
    await h.execute(acquireFiles, { paths: "/tmp/.t" });
    const pod = await kubeApis(PAYMENTS).core.readNamespacedPod({ name: h.incident.targets.pod, namespace: "shop" });
    expect(pod.spec?.ephemeralContainers?.map((c) => c.name)).toEqual(["airlock-tb-1"]);
  });
});
