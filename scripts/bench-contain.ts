// `npm run bench:contain`: the network containment of the demo's compromised pod and its node,
//   (a) as the playbook does it: its commands (label, policy patch, deny-all apply, add-tags,
//       three firewall rules) run one after another with the real kubectl and gcloud;
//   (b) through Airlock's runbook API's service layer: isolate-pod and isolate-node, plan and
//       execute each (what the route handlers call; the loopback HTTP hop is not included);
//   (c) alert posted → pod-network isolation verified, with ALERT_AUTO_RUNBOOK=isolate-pod: a
//       Falcosidekick alert posted to the Falco intake (in-process, as the route handler calls it
//       once the shared secret is checked: the door's next-auth import has no react-server build) opens the incident,
//       collects evidence and runs isolate-pod by policy; the clock stops when the containment
//       board shows the pod's ingress in effect on the attestation's word.
// The NetworkPolicy propagation window is waited out by (b) and (c) before their check and reported apart.
// Numbers depend on the machine; nothing here asserts a limit.
//
//   npm run bench:contain [-- --propagation SECONDS]
import "./require-node.cjs";
import type { Caller } from "../lib/auth/roles";
import { ISOLATION_CHECK_STEP } from "../lib/containment/runbooks/definitions";
import type { RunbookPlanView, RunbookResult } from "../lib/containment/runbooks/engine";
import { PAYMENTS, simPost } from "../sim/test/harness";
import { BENCH_CALLER, benchWorld, flag, printTable, requireCli, secs, shellSeconds } from "./bench-support";

const SSH = "203.0.113.7/32";
// Longer than the simulator's --netpol-delay: the check runs once the policy is in effect.
const PROPAGATION = flag("propagation", "6")!;
/** The console's alert settings for (c): Falco alerts from the payments nodes, critical ones open incidents and isolate. */
const ALERT_ENV = {
  ALERT_FALCO_CLUSTERS: JSON.stringify({ "gke-payments-*": PAYMENTS }),
  ALERT_AUTO_OPEN: "critical",
  ALERT_AUTO_RUNBOOK: "isolate-pod",
};

async function compromisedPod(): Promise<string> {
  const simConsole = await import("../lib/clusters/sim-console");
  return simConsole.compromisedPod(PAYMENTS);
}

async function engine() {
  const { openIncident } = await import("../lib/containment/incidents");
  const { planStep, executeStep } = await import("../lib/containment/executor");
  const { planRunbook, executeRunbook } = await import("../lib/containment/runbooks/engine");
  return { openIncident, planStep, executeStep, planRunbook, executeRunbook };
}
type Engine = Awaited<ReturnType<typeof engine>>;

async function openIncident(e: Engine, title: string): Promise<{ id: string; pod: string }> {
  const pod = await compromisedPod();
  const incident = await e.openIncident(BENCH_CALLER, { cluster: PAYMENTS, namespace: "shop", pod, title });
  return { id: incident.id, pod };
}

const NODE_PARAMS = { "firewall-isolate": { sshSourceRange: SSH } };

/** The playbook's commands, exactly as the plans print them for a person to paste. */
async function playbookCommands(e: Engine): Promise<string[]> {
  const { id } = await openIncident(e, "bench: the playbook's commands");
  const pod = await e.planRunbook(BENCH_CALLER, id, "isolate-pod", {});
  const node = await e.planRunbook(BENCH_CALLER, id, "isolate-node", NODE_PARAMS);
  const step = (plan: RunbookPlanView, stepId: string) => plan.steps.find((s) => s.stepId === stepId)!;
  return [
    step(pod, "label-quarantine").commands[0],
    ...step(pod, "exclude-from-policies").commands,
    step(pod, "apply-deny-all").commands[0],
    step(node, "tag-node").commands[0],
    ...step(node, "firewall-isolate").commands,
  ];
}

async function runStep(e: Engine, id: string, stepId: string): Promise<void> {
  const plan = await e.planStep(BENCH_CALLER, id, stepId, {});
  await e.executeStep(BENCH_CALLER, id, stepId, { planHash: plan.planHash });
}

/** One runbook as its two API calls: plan, then execute with the reviewed hash and the one confirmation. Wall time of both. */
async function runbook(e: Engine, incident: { id: string; pod: string }, runbookId: string, params: Record<string, Record<string, unknown>>) {
  const t = performance.now();
  const plan = await e.planRunbook(BENCH_CALLER, incident.id, runbookId, params);
  const result = await e.executeRunbook(BENCH_CALLER, incident.id, runbookId, { planHash: plan.planHash, confirm: incident.pod, params }, {});
  return { seconds: (performance.now() - t) / 1000, result };
}

/** Who the shared secret stands for once the door has checked it. */
const FALCO_SENDER: Caller = { id: "bench:falco", email: "falcosidekick (bench)", name: null, roles: ["ingest"], via: "token" };

type AlertFigure = { seconds: number; answered: number; check: number; waited: number };

/**
 * (c) One Falcosidekick alert about the compromised pod, posted to the Falco intake, on a
 * database with no incident yet (so policy opens one): evidence, then isolate-pod by policy, then
 * the board read that records isolation-verified. Wall time less the propagation window waited.
 */
async function benchAlertToVerified(): Promise<AlertFigure> {
  const { kubeApis } = await import("../lib/kube/clients");
  const { ingest } = await import("../lib/alerts/intake");
  const { falcoAlert, postAlert } = await import("../app/api/v1/alerts/testing");
  const { autoRunbookSettled } = await import("../lib/alerts/auto-runbook");
  const { containmentBoard } = await import("../lib/containment/board");
  const pod = await compromisedPod();
  const node = (await kubeApis(PAYMENTS).core.readNamespacedPod({ namespace: "shop", name: pod })).spec?.nodeName ?? "";

  const t = performance.now();
  const res = await postAlert((req) => ingest(req, "falco", FALCO_SENDER), "/api/v1/alerts/falco", falcoAlert({ pod, node }), {});
  const answered = (performance.now() - t) / 1000;
  if (res.status !== 201 || !res.body.runbook?.started) throw new Error(`the alert was answered ${res.status}: ${JSON.stringify(res.body)}`);
  const incidentId = res.body.incidentId as string;
  const outcome = await autoRunbookSettled(incidentId);
  if (outcome?.state !== "contained") throw new Error(`isolate-pod by policy ended ${outcome?.state}: ${outcome?.message}`);
  const ingress = (await containmentBoard(incidentId)).rows.find((r) => r.layer === "pod-ingress");
  if (ingress?.state !== "in-effect") throw new Error(`the board shows pod ingress ${ingress?.state}: ${ingress?.why}`);
  const total = (performance.now() - t) / 1000;
  const waited = "propagation" in outcome ? (outcome.propagation?.waitedMs ?? 0) / 1000 : 0;
  const check = "steps" in outcome ? (outcome.steps.find((s) => s.stepId === ISOLATION_CHECK_STEP)?.ms ?? 0) / 1000 : 0;
  return { seconds: total - waited, answered, check, waited };
}

async function main(): Promise<void> {
  requireCli("kubectl", ["version", "--client"]);
  requireCli("gcloud", ["version"]);
  const { sim } = await benchWorld(["--scenario", "demo", "--netpol-delay", "5"], { NETPOL_PROPAGATION_SECONDS: PROPAGATION, ...ALERT_ENV });
  try {
    const e = await engine();

    // (c) first, while the database has no incident on the pod (an alert would join one).
    const c = await benchAlertToVerified();
    await simPost(sim, "/_sim/reset");

    // (a) The playbook by hand: each command waits for the one before, start-up included.
    const commands = await playbookCommands(e);
    const perCommand: number[] = [];
    for (const c of commands) perCommand.push(await shellSeconds(sim, c));
    const a = perCommand.reduce((x, y) => x + y, 0);

    // (b) The same world again, through the runbook API. Evidence first (isolate-node requires it): not timed.
    await simPost(sim, "/_sim/reset");
    const incident = await openIncident(e, "bench: the runbook API");
    await runStep(e, incident.id, "collect-evidence");
    await runStep(e, incident.id, "snapshot-node-disk");
    const pod = await runbook(e, incident, "isolate-pod", {});
    const node = await runbook(e, incident, "isolate-node", NODE_PARAMS);
    for (const x of [pod, node]) if (x.result.state !== "contained") throw new Error(`${x.result.runbookId} ended ${x.result.state}: ${x.result.message}`);
    const waited = (pod.result.propagation?.waitedMs ?? 0) / 1000;
    const b = pod.seconds + node.seconds - waited;
    const stepSeconds = (res: RunbookResult, stepId: string) => (res.steps.find((s) => s.stepId === stepId)?.ms ?? 0) / 1000;
    const check = stepSeconds(pod.result, ISOLATION_CHECK_STEP);
    const protect = stepSeconds(node.result, "protect-node");

    console.log(
      `\nbench:contain on the demo simulator (${commands.length} playbook commands; NETPOL_PROPAGATION_SECONDS=${PROPAGATION}, simulator delay 5 s)\n`,
    );
    printTable(
      ["measure", "time"],
      [
        [
          `(a) playbook commands one after another (kubectl ×${commands.filter((x) => x.startsWith("kubectl")).length}, gcloud ×${commands.filter((x) => x.startsWith("gcloud")).length})`,
          secs(a),
        ],
        ["(b) runbook API: isolate-pod + isolate-node, plan + execute each", secs(b)],
        ["    of which the isolation check (the playbook has none)", secs(check)],
        ["    of which protect-node (the playbook has none)", secs(protect)],
        ["(b)/(a) (goal ≤ 0.2)", (b / a).toFixed(3)],
        ["(b)/(a) without the check and protect-node", ((b - check - protect) / a).toFixed(3)],
        ["NetworkPolicy propagation window (waited by (b), excluded above)", secs(waited)],
        ["(c) alert posted → pod-network isolation verified, auto-run (goal ≤ 5 s)", secs(c.seconds)],
        ["    of which the alert's answer (intake, incident, collect-evidence)", secs(c.answered)],
        [`    of which the isolation check (${ISOLATION_CHECK_STEP})`, secs(c.check)],
        ["NetworkPolicy propagation window (waited by (c), excluded above)", secs(c.waited)],
      ],
    );
    console.log("\n(a) per command:");
    commands.forEach((cmd, i) => console.log(`  ${secs(perCommand[i]).padStart(8)}  ${cmd.split("\n")[0].slice(0, 110)}`));
    console.log(
      "\n(b) runs every step through the executor (intent, result and verify on the timeline for each), re-plans before executing, and verifies; (a) runs the commands only.",
    );
  } finally {
    await sim.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench:contain: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
