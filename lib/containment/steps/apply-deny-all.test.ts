import { describe, expect, it } from "vitest";
import { kubeApis } from "@/lib/kube/clients";
import { applyDenyAll } from "./apply-deny-all";
import { excludeFromPolicies } from "./exclude-from-policies";
import { labelQuarantine } from "./label-quarantine";
import { DENY_ALL_NAME } from "./support/policies";
import { advanceClock, Harness, openIncident, PAYMENTS, resetSim, shell, simGet } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();
const STOREFRONT = "gke_acme-prod_us-central1_storefront";

async function frontendPod(cluster = PAYMENTS) {
  const pods = await kubeApis(cluster).core.listNamespacedPod({ namespace: "shop", labelSelector: "app=frontend" });
  return pods.items[0].metadata!.name!;
}

async function allowed(src: string, dst: string, port: number): Promise<boolean> {
  const r = (await simGet(sim(), `/_sim/netpol/payments/check?src=shop/${src}&dst=shop/${dst}&port=${port}`)) as { allowed: boolean };
  return r.allowed;
}

describe("apply-deny-all", () => {
  it('creates the policy with the string "true", counts down, repeats as a no-op, and deletes on undo', async () => {
    const h = new Harness(await openIncident());
    await h.execute(labelQuarantine);
    const plan = await h.plan(applyDenyAll);
    expect(plan.dryRun?.ok).toBe(true);
    expect(plan.commands[0]).toContain('quarantine: "true"');
    expect(plan.warnings.map((w) => w.code)).toContain("propagation");
    expect(plan.warnings.map((w) => w.code)).not.toContain("no-enforcement");
    const { result } = await h.execute(applyDenyAll);
    expect(result.outcome).toBe("success");
    expect(Date.parse(String(result.record?.effectiveAt))).toBeGreaterThan(Date.now());
    const p = await kubeApis(PAYMENTS).networking.readNamespacedNetworkPolicy({ name: DENY_ALL_NAME, namespace: "shop" });
    expect(p.spec?.podSelector?.matchLabels).toEqual({ quarantine: "true" });
    expect([...(p.spec?.policyTypes ?? [])].sort()).toEqual(["Egress", "Ingress"]);
    expect((await h.verify(applyDenyAll)).holds).toBe(true);
    expect((await h.plan(applyDenyAll)).noop).toBe(true);
    expect((await h.undo(applyDenyAll)).outcome).toBe("success");
    expect((await h.verify(applyDenyAll)).holds).toBe(false);
  });

  it("is ineffective until the existing allow policy is excluded (ERRATA 3)", async () => {
    const h = new Harness(await openIncident());
    const t = h.incident.targets;
    const front = await frontendPod();
    const pod = await kubeApis(PAYMENTS).core.readNamespacedPod({ name: t.pod, namespace: "shop" });
    const port = pod.spec!.containers[0].ports![0].containerPort;
    await h.execute(labelQuarantine);
    const plan = await h.plan(applyDenyAll);
    expect(plan.warnings.find((w) => w.code === "defeated-by-allow-policies")?.message).toMatch(/allow-checkout-from-frontend/);
    await h.execute(applyDenyAll);
    await advanceClock(sim(), 600);
    expect(await allowed(front, t.pod, port)).toBe(true); // the allow policy still admits the frontend

    await h.execute(excludeFromPolicies);
    expect((await h.plan(applyDenyAll)).warnings.map((w) => w.code)).not.toContain("defeated-by-allow-policies");
    await advanceClock(sim(), 600);
    expect(await allowed(front, t.pod, port)).toBe(false);
  });

  it("never offers to enable network policy on a cluster that does not enforce it", async () => {
    const h = new Harness(await openIncident(STOREFRONT, "shop", await frontendPod(STOREFRONT)));
    await h.execute(labelQuarantine);
    const plan = await h.plan(applyDenyAll);
    const w = plan.warnings.find((x) => x.code === "no-enforcement");
    expect(w?.message).toMatch(/Do not enable network policy now/);
    expect(w?.message).toMatch(/node isolation/);
    const everything = JSON.stringify(plan);
    expect(everything).not.toMatch(/--enable-network-policy|update .*network-policy|enable it/i);
  });

  it('ends with the same policy spec as the playbook\'s apply, corrected to the string "true"', async () => {
    const h = new Harness(await openIncident());
    const plan = await h.plan(applyDenyAll);
    await h.execute(applyDenyAll);
    const ours = (await kubeApis(PAYMENTS).networking.readNamespacedNetworkPolicy({ name: DENY_ALL_NAME, namespace: "shop" })).spec;
    await resetSim(sim());
    await shell(sim(), plan.commands[0].replace(`--context ${PAYMENTS} `, ""));
    const theirs = (await kubeApis(PAYMENTS).networking.readNamespacedNetworkPolicy({ name: DENY_ALL_NAME, namespace: "shop" })).spec;
    expect(theirs).toEqual(ours);
    // The playbook's own YAML (a bare boolean) is refused by the API server: ERRATA 1.
    const literal = `kubectl -n shop apply -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
    name: default-deny
spec:
    podSelector:
        matchLabels:
            quarantine: true
    policyTypes:
    - Ingress
    - Egress
EOF`;
    await expect(shell(sim(), literal)).rejects.toThrow();
  });
});
