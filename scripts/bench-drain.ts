// `npm run bench:drain`: on the simulator's scale scenario sized to 110 pods per node (GKE's
// default maximum), Airlock's drain-node (quarantined pod kept, evictions through the eviction
// API so PodDisruptionBudgets are honoured) against `kubectl drain --ignore-daemonsets
// --delete-emptydir-data` of a twin node in the same run, each timed from start to last pod gone.
// Numbers depend on the machine; nothing here asserts a limit.
//
//   npm run bench:drain [-- --nodes N]
import "./require-node.cjs";
import { BENCH_CALLER, benchWorld, flag, printTable, requireCli, secs, shellSeconds } from "./bench-support";

const PODS_PER_NODE = 110;
const NODES = Number(flag("nodes", "6"));

async function podsOn(cluster: string, node: string) {
  const { kubeApis } = await import("../lib/kube/clients");
  return (await kubeApis(cluster).core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;
}

async function main(): Promise<void> {
  requireCli("kubectl", ["version", "--client"]);
  const { sim } = await benchWorld(["--scenario", "scale", "--nodes", String(NODES), "--pods", String(NODES * PODS_PER_NODE)]);
  try {
    const { kubeApis, kubeContexts } = await import("../lib/kube/clients");
    const { openIncident } = await import("../lib/containment/incidents");
    const { planStep, executeStep } = await import("../lib/containment/executor");
    const cluster = kubeContexts()[0].name;
    const nodes = (await kubeApis(cluster).core.listNode({})).items.map((n) => n.metadata!.name!);
    const [ours, twin] = nodes;
    const before = { ours: (await podsOn(cluster, ours)).length, twin: (await podsOn(cluster, twin)).length };

    // kubectl, as the playbook runs it: it cordons, evicts and waits for every pod to be gone.
    const kubectl = await shellSeconds(sim, `kubectl --context ${cluster} drain ${twin} --ignore-daemonsets --delete-emptydir-data --timeout=600s`);
    const twinLeft = (await podsOn(cluster, twin)).length;

    // Airlock: an incident on a pod of the other node; what drain-node requires first is done untimed
    // (the label it spares, the cordon, protect-node for the autoscaler lock), then plan + execute.
    const pod = (await podsOn(cluster, ours))[0];
    const incident = await openIncident(BENCH_CALLER, { cluster, namespace: pod.metadata!.namespace!, pod: pod.metadata!.name!, title: "bench: drain" });
    for (const stepId of ["label-quarantine", "cordon-node", "protect-node"]) {
      const plan = await planStep(BENCH_CALLER, incident.id, stepId, {});
      await executeStep(BENCH_CALLER, incident.id, stepId, { planHash: plan.planHash, confirm: incident.targets.pod });
    }
    const t = performance.now();
    const plan = await planStep(BENCH_CALLER, incident.id, "drain-node", {});
    const run = await executeStep(BENCH_CALLER, incident.id, "drain-node", { planHash: plan.planHash, confirm: incident.targets.pod });
    const airlock = (performance.now() - t) / 1000;
    const left = await podsOn(cluster, ours);
    if (!run.verify?.holds) throw new Error(`drain-node does not hold: ${run.verify?.message}`);
    if (left.length !== 1 || left[0].metadata?.uid !== incident.targets.podUid)
      throw new Error(`expected only the quarantined pod on ${ours}, found ${left.length} pods`);

    console.log(`\nbench:drain on the scale scenario: ${NODES} nodes, ${PODS_PER_NODE} pods per node (${before.ours} on ${ours}, ${before.twin} on ${twin})\n`);
    printTable(
      ["drain, start to last pod gone", "pods moved", "time"],
      [
        [`kubectl drain --ignore-daemonsets --delete-emptydir-data (${twin})`, String(before.twin - twinLeft), secs(kubectl)],
        [`Airlock drain-node, plan + execute (${ours}; the quarantined pod kept)`, String(before.ours - left.length), secs(airlock)],
        ["Airlock / kubectl (goal ≤ 1.0)", "", (airlock / kubectl).toFixed(3)],
      ],
    );
    console.log(
      '\nBoth wait for every evicted pod to finish terminating within its grace period (30 s here). kubectl also waits on its own client-side rate limit (its -v=4 log says "Waited … due to client-side throttling") for the evictions and for the GET of each pod in every round of its wait. Airlock\'s figure includes its plan (a dry-run eviction per pod), the timeline entries and the verification.',
    );
  } finally {
    await sim.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench:drain: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
