import type { GcpJson } from "../state";

// IAM v1 service accounts as iam.googleapis.com keeps them: the account (enabled or
// disabled), its own IAM policy (who may act as it: roles/iam.workloadIdentityUser members are
// the KSAs that use it through Workload Identity) with an etag that changes on every write,
// and its keys (user-managed ones can be disabled, system-managed ones are Google's).

export interface SimServiceAccount {
  account: GcpJson;
  policy: { version: number; bindings: { role: string; members: string[]; condition?: GcpJson }[] };
  /** Bumped on every setIamPolicy; the etag is derived from it. */
  policySeq: number;
  keys: GcpJson[];
}

export class IamState {
  /** By email. */
  readonly accounts = new Map<string, SimServiceAccount>();
}

export function policyEtag(sa: SimServiceAccount): string {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(sa.policySeq) + 0x0005f0a1c2d3e4f0n);
  return b.toString("base64");
}

export function addServiceAccount(
  iam: IamState,
  project: string,
  opts: {
    email: string;
    displayName: string;
    uniqueId: string;
    members?: Record<string, string[]>;
    keys?: { id: string; type: "USER_MANAGED" | "SYSTEM_MANAGED"; validAfter: string }[];
  },
): SimServiceAccount {
  const sa: SimServiceAccount = {
    account: {
      name: `projects/${project}/serviceAccounts/${opts.email}`,
      projectId: project,
      uniqueId: opts.uniqueId,
      email: opts.email,
      displayName: opts.displayName,
      etag: "MDEwMjE5MjA=",
      oauth2ClientId: opts.uniqueId,
    },
    policy: { version: 1, bindings: Object.entries(opts.members ?? {}).map(([role, members]) => ({ role, members: [...members] })) },
    policySeq: 1,
    keys: (opts.keys ?? []).map((k) => ({
      name: `projects/${project}/serviceAccounts/${opts.email}/keys/${k.id}`,
      validAfterTime: k.validAfter,
      validBeforeTime:
        k.type === "USER_MANAGED" ? "9999-12-31T23:59:59Z" : new Date(Date.parse(k.validAfter) + 14 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z"),
      keyAlgorithm: "KEY_ALG_RSA_2048",
      keyOrigin: "GOOGLE_PROVIDED",
      keyType: k.type,
    })),
  };
  iam.accounts.set(opts.email, sa);
  return sa;
}
