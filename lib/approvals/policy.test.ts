import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config";
import { approvalSettingsFromEnv, approvalsRequired, DEFAULT_POLICY, parseApprovalPolicy, undoApprovalsRequired } from "./policy-schema";
import { unknownPolicySteps } from "./policy";

const SECRET = { NEXTAUTH_SECRET: "x".repeat(32) };

function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...SECRET, ...env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  return [];
}

it("by default gates every destructive step with one approver and nothing else", () => {
  expect(approvalSettingsFromEnv({})).toEqual({
    policy: DEFAULT_POLICY,
    ttlMinutes: 30,
    singleUse: true,
    protectedNamespaces: ["kube-system"],
    webhookUrl: undefined,
    slackWebhookUrl: undefined,
  });
  expect(approvalsRequired(DEFAULT_POLICY, { id: "delete-pod", risk: "destructive" })).toBe(1);
  expect(approvalsRequired(DEFAULT_POLICY, { id: "drain-node", risk: "disruptive" })).toBe(0);
  expect(approvalsRequired(DEFAULT_POLICY, { id: "cordon-node", risk: "reversible" })).toBe(0);
});

it("configures per risk and per step id, the step id winning", () => {
  const p = parseApprovalPolicy(
    JSON.stringify({ risks: { destructive: 1, disruptive: 0 }, steps: { "delete-controller": 2, "drain-node": 1, "delete-pod": 0 } }),
    "APPROVAL_POLICY",
  );
  expect(approvalsRequired(p, { id: "delete-controller", risk: "destructive" })).toBe(2);
  expect(approvalsRequired(p, { id: "drain-node", risk: "disruptive" })).toBe(1);
  expect(approvalsRequired(p, { id: "orphan-pod", risk: "disruptive" })).toBe(0);
  expect(approvalsRequired(p, { id: "delete-pod", risk: "destructive" })).toBe(0);
  expect(approvalsRequired(p, { id: "scale-to-zero", risk: "destructive" })).toBe(1);
  // Naming only steps keeps the destructive default.
  expect(approvalsRequired(parseApprovalPolicy('{"steps":{"drain-node":1}}', "X"), { id: "delete-pod", risk: "destructive" })).toBe(1);
});

it("refuses a bad policy at start with messages naming the variable and the field", () => {
  expect(configProblems({ APPROVAL_POLICY: "{nope" })[0]).toMatch(/^APPROVAL_POLICY is not valid JSON/);
  expect(configProblems({ APPROVAL_POLICY: '{"risks":{"destructive":3}}' })[0]).toMatch(/^APPROVAL_POLICY: risks\.destructive: at most 2 approvals/);
  expect(configProblems({ APPROVAL_POLICY: '{"risks":{"scary":1}}' })[0]).toMatch(/APPROVAL_POLICY: risks.*risk must be one of/);
  expect(configProblems({ APPROVAL_POLICY: '{"steps":{"Delete Pod":1}}' })[0]).toMatch(/APPROVAL_POLICY: steps.*step id/);
  expect(configProblems({ APPROVAL_POLICY: '{"step":{"delete-pod":1}}' })[0]).toMatch(/APPROVAL_POLICY: .*step/);
  expect(configProblems({ APPROVAL_POLICY: "{}", APPROVAL_POLICY_FILE: "/tmp/x.json" })[0]).toMatch(/not both/);
  expect(configProblems({ APPROVAL_TTL_MINUTES: "0" })[0]).toMatch(/^APPROVAL_TTL_MINUTES must be a whole number/);
  expect(configProblems({ NOTIFY_WEBHOOK_URL: "ftp://x" })[0]).toMatch(/^NOTIFY_WEBHOOK_URL must be an http\(s\) URL/);
  expect(configProblems({ NOTIFY_SLACK_WEBHOOK_URL: "hooks.slack.com" })[0]).toMatch(/^NOTIFY_SLACK_WEBHOOK_URL/);
  expect(configProblems({ APPROVAL_POLICY: '{"steps":{"delete-controller":2}}', APPROVAL_TTL_MINUTES: "45" })).toEqual([]);
});

it("reads the policy from APPROVAL_POLICY_FILE and names the file when it is wrong", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airlock-policy-"));
  const good = path.join(dir, "policy.json");
  fs.writeFileSync(good, '{"steps":{"delete-controller":2}}');
  expect(approvalSettingsFromEnv({ APPROVAL_POLICY_FILE: good, APPROVAL_TTL_MINUTES: "10" })).toMatchObject({
    policy: { steps: { "delete-controller": 2 } },
    ttlMinutes: 10,
  });
  const bad = path.join(dir, "bad.json");
  fs.writeFileSync(bad, '{"risks":{"destructive":-1}}');
  expect(configProblems({ APPROVAL_POLICY_FILE: bad })[0]).toMatch(/^APPROVAL_POLICY_FILE \(.*bad\.json\): risks\.destructive: cannot be negative/);
  expect(configProblems({ APPROVAL_POLICY_FILE: path.join(dir, "missing.json") })[0]).toMatch(/^APPROVAL_POLICY_FILE: cannot read .*missing\.json \(ENOENT\)/);
  fs.rmSync(dir, { recursive: true, force: true });
});

it("names policy step ids that no step has", () => {
  expect(unknownPolicySteps(parseApprovalPolicy('{"steps":{"delet-pod":1,"delete-pod":2}}', "X"), ["delete-pod", "drain-node"])).toEqual(["delet-pod"]);
});

it("gates releases of network, node-network and credentials isolations by default, configurable per stage and step", () => {
  expect(undoApprovalsRequired(DEFAULT_POLICY, { id: "firewall-isolate", stage: "node-network" })).toBe(1);
  expect(undoApprovalsRequired(DEFAULT_POLICY, { id: "apply-deny-all", stage: "network" })).toBe(1);
  expect(undoApprovalsRequired(DEFAULT_POLICY, { id: "revoke-credentials", stage: "credentials" })).toBe(1);
  expect(undoApprovalsRequired(DEFAULT_POLICY, { id: "cordon-node", stage: "isolate" })).toBe(0);
  const p = parseApprovalPolicy(JSON.stringify({ undo: { stages: { network: 2 }, steps: { "cordon-node": 1 } } }), "APPROVAL_POLICY");
  expect(undoApprovalsRequired(p, { id: "apply-deny-all", stage: "network" })).toBe(2);
  expect(undoApprovalsRequired(p, { id: "tag-node", stage: "node-network" })).toBe(1);
  expect(undoApprovalsRequired(p, { id: "cordon-node", stage: "isolate" })).toBe(1);
  expect(() => parseApprovalPolicy('{"undo":{"stages":{"netwerk":1}}}', "APPROVAL_POLICY")).toThrow(/undo\.stages\.netwerk: unknown stage/);
});

it("a plan raised to destructive needs what destructive needs, even when its step's own entry says less", () => {
  expect(approvalsRequired(DEFAULT_POLICY, { id: "drain-node", risk: "disruptive" }, "destructive")).toBe(1);
  const p = parseApprovalPolicy(JSON.stringify({ steps: { "drain-node": 0 } }), "APPROVAL_POLICY");
  expect(approvalsRequired(p, { id: "drain-node", risk: "disruptive" }, "destructive")).toBe(1);
});

it("validates PROTECTED_NAMESPACES and APPROVAL_SINGLE_USE at start", () => {
  expect(approvalSettingsFromEnv({ PROTECTED_NAMESPACES: " vault, payments-core ", APPROVAL_SINGLE_USE: "false" })).toMatchObject({
    protectedNamespaces: ["kube-system", "vault", "payments-core"],
    singleUse: false,
  });
  expect(configProblems({ PROTECTED_NAMESPACES: "vault,Bad_NS" })[0]).toMatch(
    /^PROTECTED_NAMESPACES must be a comma-separated list of namespace names \(not Bad_NS\)/,
  );
  expect(configProblems({ APPROVAL_SINGLE_USE: "yes" })[0]).toMatch(/^APPROVAL_SINGLE_USE must be true or false/);
});
