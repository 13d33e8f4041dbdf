import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath, startSimProcess, type SimProcess } from "../test/harness";

// The real kubectl's server-side apply against the simulator: create, update (a field the
// configuration drops is removed), managedFields as `--show-managed-fields` prints them, a
// conflict with another field manager answered 409 and taken over with --force-conflicts,
// dry-run=server writing nothing; and query booleans spelled as other clients spell them.

const KUBECTL = findOnPath("kubectl");
const CONTEXT = "gke_acme-prod_us-central1-a_payments";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- objects as the API serves them
type Json = Record<string, any>;

describe.skipIf(!KUBECTL)("kubectl apply --server-side against the simulator", () => {
  let sim: SimProcess;
  const kubectl = (args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = execFile(KUBECTL!, ["--context", CONTEXT, "-n", "shop", ...args], { env: sim.env, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
      if (stdin !== undefined) child.stdin!.end(stdin);
    });
  const applyYaml = (yaml: string, ...flags: string[]) => kubectl(["apply", "--server-side", ...flags, "-f", "-"], yaml);
  const getJson = async (...args: string[]): Promise<Json> => {
    const r = await kubectl(["get", ...args, "-o", "json", "--show-managed-fields"]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  const configMap = (data: Record<string, string>) =>
    [
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: airlock-settings",
      "  labels: {app: airlock}",
      "data:",
      ...Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`),
    ].join("\n");

  beforeAll(async () => {
    sim = await startSimProcess(["--scenario", "demo"]);
  });
  afterAll(() => sim?.stop());

  it("creates, then updates by ownership: a key the configuration drops is removed", async () => {
    const created = await applyYaml(configMap({ mode: "a", extra: "x" }));
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("configmap/airlock-settings serverside-applied");
    let cm = await getJson("configmap", "airlock-settings");
    expect(cm.data).toEqual({ mode: "a", extra: "x" });
    const entry = cm.metadata.managedFields.find((e: Json) => e.manager === "kubectl");
    expect(entry).toMatchObject({ operation: "Apply", apiVersion: "v1", fieldsType: "FieldsV1" });
    expect(entry.fieldsV1).toEqual({ "f:data": { "f:mode": {}, "f:extra": {} }, "f:metadata": { "f:labels": { "f:app": {} } } });

    const updated = await applyYaml(configMap({ mode: "b" }));
    expect(updated.code, updated.stderr).toBe(0);
    cm = await getJson("configmap", "airlock-settings");
    expect(cm.data).toEqual({ mode: "b" });
  });

  it("answers a field another manager changed with a conflict, and --force-conflicts takes it over", async () => {
    const edit = await kubectl([
      "patch",
      "configmap",
      "airlock-settings",
      "--type=merge",
      "-p",
      '{"data":{"mode":"edited"}}',
      "--field-manager=incident-responder",
    ]);
    expect(edit.code, edit.stderr).toBe(0);
    let cm = await getJson("configmap", "airlock-settings");
    expect(cm.metadata.managedFields.find((e: Json) => e.manager === "incident-responder")).toMatchObject({
      operation: "Update",
      fieldsV1: { "f:data": { "f:mode": {} } },
    });

    const refused = await applyYaml(configMap({ mode: "b" }));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('conflict with "incident-responder"');
    expect(refused.stderr).toContain(".data.mode");
    expect((await getJson("configmap", "airlock-settings")).data.mode).toBe("edited");

    const forced = await applyYaml(configMap({ mode: "b" }), "--force-conflicts");
    expect(forced.code, forced.stderr).toBe(0);
    cm = await getJson("configmap", "airlock-settings");
    expect(cm.data.mode).toBe("b");
    expect(cm.metadata.managedFields.map((e: Json) => e.manager)).toEqual(["kubectl"]);
  });

  it("merges a Deployment's containers by name and leaves another manager's replicas alone", async () => {
    const deployment = (image: string) =>
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: console}",
        "spec:",
        "  selector: {matchLabels: {app: console}}",
        "  template:",
        "    metadata: {labels: {app: console}}",
        "    spec:",
        "      containers:",
        `      - {name: console, image: "${image}"}`,
      ].join("\n");
    expect((await applyYaml(deployment("airlock:1"))).code).toBe(0);
    const scaled = await kubectl(["scale", "deployment", "console", "--replicas=3"]);
    expect(scaled.code, scaled.stderr).toBe(0);
    const again = await applyYaml(deployment("airlock:2"));
    expect(again.code, again.stderr).toBe(0);
    const d = await getJson("deployment", "console");
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.template.spec.containers.map((c: Json) => [c.name, c.image])).toEqual([["console", "airlock:2"]]);
    const mine = d.metadata.managedFields.find((e: Json) => e.manager === "kubectl" && e.operation === "Apply");
    expect(Object.keys(mine.fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"])).toEqual(['k:{"name":"console"}']);
  });

  it("--dry-run=server validates and writes nothing", async () => {
    const r = await applyYaml(configMap({ mode: "dry" }).replace("airlock-settings", "dry-only"), "--dry-run=server");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("(server dry run)");
    const get = await kubectl(["get", "configmap", "dry-only"]);
    expect(get.code).not.toBe(0);
    expect(get.stderr).toContain("NotFound");
  });

  it("refuses an apply without a field manager as the API server does", async () => {
    const res = await fetch(`${sim.base}/clusters/payments/api/v1/namespaces/shop/configmaps/x`, {
      method: "PATCH",
      headers: { "content-type": "application/apply-patch+yaml" },
      body: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toContain("fieldManager");
  });

  it("reads query booleans as the API server does: watch=True watches, watch=false lists", async () => {
    const base = `${sim.base}/clusters/payments/api/v1/namespaces/shop/configmaps`;
    const listed = await (await fetch(`${base}?watch=false`)).json();
    expect(listed.kind).toBe("ConfigMapList");
    for (const spelling of ["True", "t", "1"]) {
      const res = await fetch(`${base}?watch=${spelling}&timeoutSeconds=1`);
      const first = JSON.parse((await res.text()).split("\n")[0]);
      expect(first.type, spelling).toBe("ADDED");
    }
  });
});
