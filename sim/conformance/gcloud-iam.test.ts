import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath, startSimProcess, type SimProcess } from "../test/harness";

// The real gcloud's `iam service-accounts` commands against the simulator's IAM v1 (reached
// through CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM), each effect checked through the REST API.

const GCLOUD = findOnPath("gcloud");
const GSA = "checkout@acme-prod.iam.gserviceaccount.com";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- resources as the API serves them
type Json = Record<string, any>;

describe.skipIf(!GCLOUD)("gcloud iam service-accounts against the simulator", () => {
  let sim: SimProcess;
  const gcloud = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(GCLOUD!, args, { env: sim.env, timeout: 90_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
      });
    });
  const json = async (args: string[]): Promise<Json> => {
    const r = await gcloud([...args, "--format=json"]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  const rest = async (path: string, method = "GET", body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${sim.ready.iamEndpoint}v1/projects/acme-prod/serviceAccounts/${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    sim = await startSimProcess(["--scenario", "demo"]);
  });
  afterAll(() => sim?.stop());

  it("describe and get-iam-policy show the GSA and both Workload Identity users", async () => {
    const sa = await json(["iam", "service-accounts", "describe", GSA]);
    expect(sa).toMatchObject({ email: GSA, projectId: "acme-prod" });
    expect(sa.disabled).toBeUndefined();
    const policy = await json(["iam", "service-accounts", "get-iam-policy", GSA]);
    expect(policy.bindings).toEqual([
      {
        role: "roles/iam.workloadIdentityUser",
        members: ["serviceAccount:acme-prod.svc.id.goog[shop/checkout]", "serviceAccount:acme-prod.svc.id.goog[shop/cart]"],
      },
    ]);
    expect(policy.etag).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it("disable and enable flip the account's disabled field", async () => {
    expect((await gcloud(["iam", "service-accounts", "disable", GSA])).code).toBe(0);
    expect((await rest(GSA)).body.disabled).toBe(true);
    expect((await gcloud(["iam", "service-accounts", "enable", GSA])).code).toBe(0);
    expect((await rest(GSA)).body.disabled).toBeUndefined();
  });

  it("keys list shows the user-managed key, and a disabled key says so", async () => {
    const keys = (await json(["iam", "service-accounts", "keys", "list", `--iam-account=${GSA}`, "--managed-by=user"])) as unknown as Json[];
    expect(keys).toHaveLength(1);
    const id = String(keys[0].name).split("/").pop();
    expect((await rest(`${GSA}/keys/${id}:disable`, "POST")).status).toBe(200);
    const after = (await json(["iam", "service-accounts", "keys", "list", `--iam-account=${GSA}`, "--managed-by=user"])) as unknown as Json[];
    expect(after[0].disabled).toBe(true);
    expect((await rest(`${GSA}/keys/${id}:enable`, "POST")).status).toBe(200);
  });

  it("setIamPolicy with a stale etag is 409 ABORTED; with the current one it writes and changes the etag", async () => {
    const policy = (await rest(`${GSA}:getIamPolicy`, "POST", {})).body;
    const next = { ...policy, bindings: [{ role: "roles/iam.workloadIdentityUser", members: ["serviceAccount:acme-prod.svc.id.goog[shop/cart]"] }] };
    const written = await rest(`${GSA}:setIamPolicy`, "POST", { policy: next });
    expect(written.status).toBe(200);
    expect(written.body.etag).not.toBe(policy.etag);
    const stale = await rest(`${GSA}:setIamPolicy`, "POST", { policy: next });
    expect(stale.status).toBe(409);
    expect(stale.body.error.status).toBe("ABORTED");
    const shown = await json(["iam", "service-accounts", "get-iam-policy", GSA]);
    expect(shown.bindings[0].members).toEqual(["serviceAccount:acme-prod.svc.id.goog[shop/cart]"]);
  });
});
