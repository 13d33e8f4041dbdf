import { describe, expect, it } from "vitest";
import { kubeApis } from "@/lib/kube/clients";
import { iam } from "@/lib/gcp/iam";
import { revokeCredentials } from "./revoke-credentials";
import { Harness, openIncident, PAYMENTS, shell, simGet, simPost, simRequestSeq } from "./support/testing";
import { useDemoSim } from "./support/testing-hooks";

const { sim } = useDemoSim();
const KSA = "system:serviceaccount:shop:checkout";
const GSA = "checkout@acme-prod.iam.gserviceaccount.com";
const MEMBER = "serviceAccount:acme-prod.svc.id.goog[shop/checkout]";
const CART = "serviceAccount:acme-prod.svc.id.goog[shop/cart]";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- objects as kubectl and gcloud print them
type Json = Record<string, any>;

/** What the "Done when" checks with: the real kubectl and gcloud against the simulator. */
async function outside() {
  const rbs = JSON.parse((await shell(sim(), `kubectl --context ${PAYMENTS} -n shop get rolebindings -o json`)).stdout).items as Json[];
  const inBinding = rbs.some((b) => (b.subjects ?? []).some((s: Json) => s.kind === "ServiceAccount" && s.name === "checkout"));
  const canI = (await shell(sim(), `kubectl --context ${PAYMENTS} -n shop auth can-i patch pods --as=${KSA} || true`)).stdout.trim();
  const policy = JSON.parse((await shell(sim(), `gcloud iam service-accounts get-iam-policy ${GSA} --format=json`)).stdout) as Json;
  const members = ((policy.bindings ?? []) as Json[]).filter((b) => b.role === "roles/iam.workloadIdentityUser").flatMap((b) => b.members);
  return { inBinding, canI, members };
}

describe("revoke-credentials", () => {
  it("plans every binding, what the KSA can do, the legacy token, the shared GSA and the node's metadata exposure", async () => {
    const h = new Harness(await openIncident());
    const plan = await h.plan(revokeCredentials);
    expect(plan.blocked).toBeUndefined();
    expect(plan.risk).toBe("reversible");
    expect(plan.changes).toContainEqual(expect.objectContaining({ target: "RoleBinding shop/checkout-runtime", action: "patch", field: "subjects" }));
    expect(plan.changes).toContainEqual(expect.objectContaining({ target: "ServiceAccount shop/checkout", action: "read", before: ["patch pods"] }));
    expect(plan.changes).toContainEqual(expect.objectContaining({ target: "Secret shop/checkout-token", action: "delete" }));
    expect(plan.changes).toContainEqual(expect.objectContaining({ target: `GSA ${GSA}`, action: "patch", before: MEMBER, after: null }));
    const codes = plan.warnings.map((w) => `${w.level}:${w.code}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        "danger:ksa-can-undo-containment",
        "info:bound-tokens",
        "caution:shared-gsa",
        "caution:user-managed-keys",
        "danger:node-credentials",
      ]),
    );
    expect(plan.warnings.find((w) => w.code === "shared-gsa")!.message).toContain(CART);
    expect(plan.data).toMatchObject({ ksa: "checkout", secrets: ["checkout-token"], gsa: GSA, member: MEMBER });
  });

  it("a group binding is shown but kept: only the KSA is removed", async () => {
    await kubeApis(PAYMENTS).rbac.createNamespacedRoleBinding({
      namespace: "shop",
      body: {
        metadata: { name: "all-shop-sas-view" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subjects: [
          { kind: "Group", name: "system:serviceaccounts:shop", apiGroup: "rbac.authorization.k8s.io" },
          { kind: "ServiceAccount", name: "checkout", namespace: "shop" },
        ],
      },
    });
    const h = new Harness(await openIncident());
    const plan = await h.plan(revokeCredentials);
    expect(plan.warnings.find((w) => w.code === "group-binding")?.message).toContain("RoleBinding shop/all-shop-sas-view");
    await h.execute(revokeCredentials);
    const b = await kubeApis(PAYMENTS).rbac.readNamespacedRoleBinding({ name: "all-shop-sas-view", namespace: "shop" });
    expect(b.subjects).toEqual([{ kind: "Group", name: "system:serviceaccounts:shop", apiGroup: "rbac.authorization.k8s.io" }]);
  });

  it("revokes, verifies, repeats as a no-op, and undo restores the binding and the IAM member (the issue's Done-when, with kubectl and gcloud)", async () => {
    expect(await outside()).toEqual({ inBinding: true, canI: "yes", members: [MEMBER, CART] });
    const h = new Harness(await openIncident());
    const { result } = await h.execute(revokeCredentials, { disableKeys: true });
    expect(result.outcome).toBe("success");
    expect(await outside()).toEqual({ inBinding: false, canI: "no", members: [CART] });
    expect(result.record).toMatchObject({
      ksa: "checkout",
      removed: [
        { kind: "RoleBinding", namespace: "shop", name: "checkout-runtime", subjects: [{ kind: "ServiceAccount", name: "checkout", namespace: "shop" }] },
      ],
      deletedSecrets: [{ name: "checkout-token" }],
      wiMemberRemoved: MEMBER,
      wiMembersAfter: [CART],
    });
    // The evidence copy keeps the token's hash, never the token.
    const held = (result.record as Json).heldEvidence[0].body as string;
    expect(held).toContain("sha256:");
    expect(held).not.toContain(Buffer.from("sim-legacy-token").toString("base64").slice(0, 12));
    await expect(kubeApis(PAYMENTS).core.readNamespacedSecret({ name: "checkout-token", namespace: "shop" })).rejects.toMatchObject({ code: 404 });
    expect((await iam.userManagedKeys(GSA)).every((k) => k.disabled)).toBe(true);
    expect(await h.verify(revokeCredentials)).toMatchObject({ holds: true });

    const again = await h.plan(revokeCredentials, { disableKeys: true });
    expect(again.noop).toBe(true);

    const undone = await h.undo(revokeCredentials);
    expect(undone.outcome).toBe("success");
    expect(undone.message).toContain("checkout-token stay deleted");
    expect(await outside()).toEqual({ inBinding: true, canI: "yes", members: [CART, MEMBER] });
    expect((await iam.userManagedKeys(GSA)).some((k) => k.disabled)).toBe(false);
  });

  it("sends setIamPolicy once when its answer is lost after it landed: the retry reads the member gone and stops", async () => {
    const h = new Harness(await openIncident());
    await simPost(sim(), "/_sim/faults", { path: ":setIamPolicy$", method: "POST", rate: 1, status: "drop-after", times: 1 });
    const since = await simRequestSeq(sim());
    const { result } = await h.execute(revokeCredentials);
    expect(result.outcome).toBe("success");
    expect(result.record).toMatchObject({ wiMemberRemoved: MEMBER });
    expect((await outside()).members).not.toContain(MEMBER);
    const { items } = (await simGet(sim(), `/_sim/requests?since=${since}&writes=true`)) as { items: { path: string; status: number }[] };
    expect(items.filter((r) => r.path.endsWith(":setIamPolicy") && r.status < 300)).toHaveLength(1);
  });

  it("verify fails when someone puts the KSA back in a binding", async () => {
    const h = new Harness(await openIncident());
    await h.execute(revokeCredentials);
    await shell(sim(), `kubectl --context ${PAYMENTS} -n shop create rolebinding sneaky --clusterrole=cluster-admin --serviceaccount=shop:checkout`);
    const v = await h.verify(revokeCredentials);
    expect(v.holds).toBe(false);
    expect(v.message).toContain("RoleBinding shop/sneaky");
  });

  it("undo refuses, changing nothing, when the GSA's policy changed since, and names the difference", async () => {
    const h = new Harness(await openIncident());
    await h.execute(revokeCredentials);
    const p = await iam.getIamPolicy(GSA);
    await iam.setIamPolicy(GSA, {
      ...p,
      bindings: [{ role: "roles/iam.workloadIdentityUser", members: [CART, "serviceAccount:acme-prod.svc.id.goog[shop/frontend]"] }],
    });
    await expect(h.undo(revokeCredentials)).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining("added: serviceAccount:acme-prod.svc.id.goog[shop/frontend]"),
    });
    expect((await outside()).inBinding).toBe(false);
  });

  it("disable-gsa is destructive by its plan: disables the GSA and its user-managed keys, and undo enables both (checked with gcloud)", async () => {
    const h = new Harness(await openIncident());
    const describe = async () => JSON.parse((await shell(sim(), `gcloud iam service-accounts describe ${GSA} --format=json`)).stdout) as Json;
    const keys = async () =>
      JSON.parse((await shell(sim(), `gcloud iam service-accounts keys list --iam-account=${GSA} --managed-by=user --format=json`)).stdout) as Json[];
    expect((await describe()).disabled).toBeFalsy();
    const userKeys = await keys();
    expect(userKeys.length).toBeGreaterThan(0);

    const plan = await h.plan(revokeCredentials, { workloadIdentity: "disable-gsa" });
    expect(plan.blocked).toBeUndefined();
    expect(plan.risk).toBe("destructive");
    expect(plan.riskReasons).toEqual([expect.stringMatching(/Disables GSA checkout@acme-prod\.iam\.gserviceaccount\.com: every workload that uses it/)]);
    expect(plan.changes).toContainEqual(expect.objectContaining({ target: `GSA ${GSA}`, action: "patch", field: "disabled", after: true }));
    // Disabling the GSA disables its user-managed keys too: a downloaded key would outlive it otherwise.
    expect(plan.changes.filter((c) => c.target.startsWith("Key ") && c.action === "patch")).toHaveLength(userKeys.filter((k) => !k.disabled).length);
    expect(plan.commands.some((c) => c.startsWith(`gcloud iam service-accounts disable ${GSA}`))).toBe(true);

    const { result } = await h.execute(revokeCredentials, { workloadIdentity: "disable-gsa" });
    expect(result.outcome).toBe("success");
    expect(result.message).toMatch(/disabled checkout@acme-prod/);
    expect((await describe()).disabled).toBe(true);
    expect((await keys()).every((k) => k.disabled)).toBe(true);
    // The KSA keeps its Workload Identity binding in this mode: the GSA itself is off.
    expect((await outside()).members).toContain(MEMBER);
    expect((await h.verify(revokeCredentials, { workloadIdentity: "disable-gsa" })).holds).toBe(true);

    expect((await h.undo(revokeCredentials)).outcome).toBe("success");
    expect((await describe()).disabled).toBeFalsy();
    expect((await keys()).filter((k) => !k.disabled)).toHaveLength(userKeys.filter((k) => !k.disabled).length);
  });

  it("verify fails when a key Airlock disabled is enabled again from outside", async () => {
    const h = new Harness(await openIncident());
    const { result } = await h.execute(revokeCredentials, { disableKeys: true });
    const key = (result.record as { keysDisabled: string[] }).keysDisabled[0];
    expect(key).toBeTruthy();
    expect((await h.verify(revokeCredentials, { disableKeys: true })).holds).toBe(true);
    await iam.enableKey(key);
    const v = await h.verify(revokeCredentials, { disableKeys: true });
    expect(v.holds).toBe(false);
    expect(v.message).toContain(`key ${key.split("/").pop()}, which Airlock disabled, is enabled again`);
  });

  it("verify fails when the GSA Airlock disabled is enabled again from outside", async () => {
    const h = new Harness(await openIncident());
    await h.execute(revokeCredentials, { workloadIdentity: "disable-gsa" });
    await shell(sim(), `gcloud iam service-accounts enable ${GSA}`);
    const v = await h.verify(revokeCredentials, { workloadIdentity: "disable-gsa" });
    expect(v.holds).toBe(false);
    expect(v.message).toMatch(/enabled again/);
  });
});
