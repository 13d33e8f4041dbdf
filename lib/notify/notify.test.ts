import { captureLogsForTests } from "@/lib/observe/logger";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { flushNotifications, jsonPayload, notify, setNotifyTimingForTests, slackPayload, type ApprovalNotice } from ".";
import type { ApprovalView } from "@/lib/approvals/types";

/** A receiver on 127.0.0.1 that answers 500 to the first `failures` posts, then 200. */
function receiver(failures: number) {
  const bodies: unknown[] = [];
  let calls = 0;
  let hold: Promise<void> = Promise.resolve();
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", async () => {
      calls++;
      await hold;
      if (calls <= failures) {
        res.writeHead(500).end("try later");
        return;
      }
      bodies.push(JSON.parse(text));
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  return {
    bodies,
    calls: () => calls,
    holdUntil(p: Promise<void>) {
      hold = p;
    },
    async start(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/T000/B000/sekrit-path-token`;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const approval: ApprovalView = {
  id: "6f1c1a52-9f0e-4d7e-9d6e-2b8c3f1a0b11",
  incidentId: "inc-1",
  incident: { title: "Miner <in> checkout", severity: "high", cluster: "gke_p_z_payments", namespace: "shop", pod: "checkout-x" },
  stepId: "delete-pod",
  stepTitle: "Delete the pod",
  planHash: "a".repeat(64),
  plan: {
    stepId: "delete-pod",
    planHash: "a".repeat(64),
    risk: "destructive",
    changes: [],
    commands: [],
    warnings: [],
    requiresApproval: true,
    requiresConfirmation: true,
  },
  params: {},
  reason: "miner & friends",
  requestedBy: "analyst@x.com",
  requestedRole: "analyst",
  requestedAt: "2030-01-01T00:00:00.000Z",
  expiresAt: "2030-01-01T00:30:00.000Z",
  requiredApprovals: 1,
  status: "pending",
  decidedAt: null,
  decisions: [],
};
const requested: ApprovalNotice = { kind: "approval-requested", approval, actor: "analyst@x.com" };

let logged: string[] = [];
beforeAll(() => setNotifyTimingForTests({ baseDelayMs: 1, timeoutMs: 2_000 }));
afterAll(() => setNotifyTimingForTests(undefined));
afterEach(() => {
  delete process.env.NOTIFY_WEBHOOK_URL;
  delete process.env.NOTIFY_SLACK_WEBHOOK_URL;
  vi.restoreAllMocks();
});
let restoreLogs = () => {};
afterEach(() => restoreLogs());
function captureLogs() {
  const capture = captureLogsForTests();
  logged = capture.lines;
  restoreLogs = capture.restore;
}

it("retries a webhook that fails twice, then delivers the JSON payload", async () => {
  const hook = receiver(2);
  process.env.NOTIFY_WEBHOOK_URL = await hook.start();
  captureLogs();
  notify(requested);
  await flushNotifications();
  expect(hook.calls()).toBe(3);
  expect(hook.bodies).toEqual([
    expect.objectContaining({
      event: "approval-requested",
      approvalId: approval.id,
      incidentId: "inc-1",
      stepId: "delete-pod",
      planHash: approval.planHash,
      requestedBy: "analyst@x.com",
      reason: "miner & friends",
      status: "pending",
      target: "gke_p_z_payments shop/checkout-x",
    }),
  ]);
  expect(logged).toEqual([]);
  await hook.stop();
});

it("sends Slack a {text, blocks} payload with user text escaped", async () => {
  const slack = receiver(2);
  process.env.NOTIFY_SLACK_WEBHOOK_URL = await slack.start();
  notify({ kind: "approval-rejected", approval: { ...approval, status: "rejected" }, actor: "approver@x.com", comment: "<!channel> no" });
  await flushNotifications();
  expect(slack.calls()).toBe(3);
  const body = slack.bodies[0] as { text: string; blocks: { type: string; text?: { text: string } }[] };
  expect(body.text).toBe(":no_entry: approver@x.com rejected *Delete the pod* on incident *Miner &lt;in&gt; checkout*");
  expect(body.blocks[0]).toEqual({ type: "section", text: { type: "mrkdwn", text: body.text } });
  expect(body.blocks[1].text?.text).toContain("Comment: &lt;!channel&gt; no");
  expect(body.blocks[1].text?.text).toContain("Reason: miner &amp; friends");
  await slack.stop();
});

it("returns before the receiver answers: delivery never holds up the caller", async () => {
  const hook = receiver(0);
  process.env.NOTIFY_WEBHOOK_URL = await hook.start();
  let release!: () => void;
  hook.holdUntil(new Promise<void>((r) => (release = r)));
  notify({
    kind: "step-failed",
    incidentId: "inc-1",
    incidentTitle: "Miner",
    stepId: "drain-node",
    stepTitle: "Drain the node",
    actor: "analyst@x.com",
    message: "PDB blocked eviction",
  });
  expect(hook.bodies).toEqual([]);
  release();
  await flushNotifications();
  expect(hook.bodies).toEqual([expect.objectContaining({ event: "step-failed", stepId: "drain-node", message: "PDB blocked eviction" })]);
  await hook.stop();
});

it("gives up after bounded attempts and logs without the URL or the exception text", async () => {
  const hook = receiver(100);
  const url = await hook.start();
  process.env.NOTIFY_SLACK_WEBHOOK_URL = url;
  // And a receiver that is not there at all: connection refused.
  const gone = receiver(0);
  process.env.NOTIFY_WEBHOOK_URL = await gone.start();
  await gone.stop();
  captureLogs();
  notify(requested);
  await flushNotifications();
  expect(hook.calls()).toBe(4);
  expect(logged).toHaveLength(2);
  for (const line of logged) {
    expect(line).not.toContain("sekrit");
    expect(line).not.toContain("127.0.0.1");
    expect(JSON.parse(line)).toMatchObject({ level: "warn", msg: "notification not delivered", event: "approval-requested", attempts: 4 });
  }
  expect(logged.map((l) => JSON.parse(l))).toEqual(
    expect.arrayContaining([expect.objectContaining({ target: "slack", status: 500 }), expect.objectContaining({ target: "webhook", error: "ECONNREFUSED" })]),
  );
  await hook.stop();
});

it("builds payloads without a console link unless NEXTAUTH_URL is set", () => {
  const saved = process.env.NEXTAUTH_URL;
  delete process.env.NEXTAUTH_URL;
  expect(jsonPayload(requested).link).toBeNull();
  process.env.NEXTAUTH_URL = "https://airlock.example.com";
  expect(jsonPayload(requested).link).toBe("https://airlock.example.com/approvals");
  expect(JSON.stringify(slackPayload(requested).blocks)).toContain("<https://airlock.example.com/approvals|Open in Airlock>");
  if (saved === undefined) delete process.env.NEXTAUTH_URL;
  else process.env.NEXTAUTH_URL = saved;
});

it("announces a new alert on both channels: flat JSON fields, and Slack text that says policy opened the incident", () => {
  const n = {
    kind: "alert-received" as const,
    alertId: "a-1",
    source: "falco",
    rule: "Detect <outbound> miner",
    severity: "critical",
    target: "gke_p_z_payments shop/checkout-x",
    incidentId: "inc-9",
    incidentOpened: true,
    actor: "falcosidekick (shared secret)",
  };
  expect(jsonPayload(n, new Date("2030-01-01T00:00:00Z"))).toMatchObject({
    event: "alert-received",
    actor: "falcosidekick (shared secret)",
    alertId: "a-1",
    rule: "Detect <outbound> miner",
    severity: "critical",
    target: "gke_p_z_payments shop/checkout-x",
    incidentId: "inc-9",
    incidentOpened: true,
  });
  const slack = slackPayload(n);
  expect(slack.text).toContain("Detect &lt;outbound&gt; miner");
  expect(slack.text).toContain("incident opened and evidence collected by policy");
});
