import "server-only";
import { GoogleAuth, PassThroughClient } from "google-auth-library";
import { config } from "@/lib/config";
import { processSingleton } from "@/lib/process-singleton";

// IAM v1 (iam.googleapis.com) for service accounts, their policies and keys. @google-cloud/iam
// (2.x) covers IAM v2/v3 policies but not the v1 admin API for service accounts, so this calls
// the REST API through google-auth-library's client: ADC against Google, or, with
// GOOGLE_IAM_ENDPOINT (the simulator), a PassThroughClient that sends no credentials, as the
// other clients in clients.ts do.

export type IamBinding = { role: string; members: string[]; condition?: unknown };
export type IamPolicy = { version?: number; etag?: string; bindings?: IamBinding[] };
export type ServiceAccount = { name: string; email: string; uniqueId?: string; displayName?: string; disabled?: boolean; projectId?: string };
export type ServiceAccountKey = { name: string; keyType?: string; validAfterTime?: string; validBeforeTime?: string; disabled?: boolean; keyOrigin?: string };

type Requester = { request<T>(opts: { url: string; method?: "GET" | "POST"; data?: unknown; params?: Record<string, string> }): Promise<{ data: T }> };

const held = processSingleton("gcp.iam", () => ({ key: undefined as string | undefined, client: undefined as Requester | undefined }));

function root(): string {
  return config().googleIamEndpoint ?? "https://iam.googleapis.com/";
}

function client(): Requester {
  const endpoint = config().googleIamEndpoint;
  const key = endpoint ?? "adc";
  if (!held.client || held.key !== key) {
    held.client = endpoint
      ? (new PassThroughClient() as unknown as Requester)
      : (new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"] }) as unknown as Requester);
    held.key = key;
  }
  return held.client;
}

/** Tests only: forget the client so a changed endpoint is read. */
export function resetIamClientForTests(): void {
  held.client = undefined;
  held.key = undefined;
}

// "-" lets IAM find the account's project from its email, so a GSA of another project works.
const account = (email: string) => new URL(`v1/projects/-/serviceAccounts/${encodeURIComponent(email)}`, root()).toString();

async function call<T>(url: string, method: "GET" | "POST" = "GET", data?: unknown, params?: Record<string, string>): Promise<T> {
  const res = await client().request<T>({ url, method, ...(data !== undefined ? { data } : {}), ...(params ? { params } : {}) });
  return res.data;
}

export const iam = {
  getServiceAccount: (email: string) => call<ServiceAccount>(account(email)),
  disable: (email: string) => call<object>(`${account(email)}:disable`, "POST", {}),
  enable: (email: string) => call<object>(`${account(email)}:enable`, "POST", {}),
  getIamPolicy: (email: string) => call<IamPolicy>(`${account(email)}:getIamPolicy`, "POST", {}),
  /** Read-modify-write: `policy.etag` must be the one read, else IAM answers 409 ABORTED. */
  setIamPolicy: (email: string, policy: IamPolicy) => call<IamPolicy>(`${account(email)}:setIamPolicy`, "POST", { policy }),
  userManagedKeys: async (email: string) =>
    (await call<{ keys?: ServiceAccountKey[] }>(`${account(email)}/keys`, "GET", undefined, { keyTypes: "USER_MANAGED" })).keys ?? [],
  disableKey: (keyName: string) => call<object>(new URL(`v1/${keyName.replace(/^projects\/[^/]+\//, "projects/-/")}:disable`, root()).toString(), "POST", {}),
  enableKey: (keyName: string) => call<object>(new URL(`v1/${keyName.replace(/^projects\/[^/]+\//, "projects/-/")}:enable`, root()).toString(), "POST", {}),
};
