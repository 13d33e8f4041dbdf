// Test support only (never imported by app code): the people of an approval, as database users
// with API tokens, and an incident on the simulator's compromised pod with evidence collected.
import { createToken, createUser } from "@/lib/auth";
import type { Caller, Role } from "@/lib/auth/roles";
import { toCaller } from "@/lib/auth/users";
import { executeStep, planStep } from "@/lib/containment/executor";
import { openIncident } from "@/lib/containment/incidents";
import { compromisedPod, PAYMENTS } from "@/lib/containment/steps/support/testing";
import type { Incident } from "@/lib/containment/types";
import type { Db } from "@/lib/store";

export type Person = { caller: Caller; token: string };

export async function person(db: Db, email: string, ...roles: Role[]): Promise<Person> {
  const user = await createUser(db, { email, roles });
  return { caller: toCaller(user, "token"), token: (await createToken(db, user.id, "test")).token };
}

/** The cast every approval test needs: who asks, who decides, who may do neither. */
export async function cast(db: Db) {
  return {
    analyst: await person(db, "analyst@x.com", "analyst"),
    lead: await person(db, "lead@x.com", "lead", "analyst"),
    approver: await person(db, "approver@x.com", "approver"),
    approver2: await person(db, "approver2@x.com", "approver"),
    // Holds the approver role and asks anyway: must still never decide their own request.
    leadApprover: await person(db, "lead-approver@x.com", "lead", "approver"),
    nobody: await person(db, "nobody@x.com"),
  };
}

/** An incident on the demo's compromised pod with collect-evidence done, so eradicate steps are unlocked. */
export async function incidentWithEvidence(by: Caller): Promise<Incident> {
  const incident = await openIncident(by, { cluster: PAYMENTS, namespace: "shop", pod: await compromisedPod(), title: "Miner in checkout" });
  const plan = await planStep(by, incident.id, "collect-evidence");
  await executeStep(by, incident.id, "collect-evidence", { planHash: plan.planHash });
  return incident;
}
