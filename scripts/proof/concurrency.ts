// Concurrency: 50 executes of one step, fired at once through the API's route handler against
// the simulator, with the same reviewed plan. Target: exactly one side effect, counted in the
// simulator's request log (`/_sim/requests?writes=true`), and every other call refused cleanly.
import { callRoute, userToken, type RouteHandler } from "@/app/api/v1/route-call";
import { getDb } from "@/lib/store";
import { POST as executeRoute } from "@/app/api/v1/incidents/[id]/steps/[stepId]/execute/route";
import { POST as planRoute } from "@/app/api/v1/incidents/[id]/steps/[stepId]/plan/route";
import { POST as openRoute } from "@/app/api/v1/incidents/route";
import { compromisedPod, PAYMENTS as CLUSTER, simRequestSeq, simWritesSince, startConsoleSim } from "./console-sim";
import type { Figure } from "./types";

const STEP = "cordon-node";
const CALLS = 50;

export const concurrency: Figure = {
  id: "concurrency",
  title: `${CALLS} concurrent executes of ${STEP} (one plan) through the API`,
  target: "exactly 1 side effect",
  async run({ log }) {
    const sim = await startConsoleSim();
    try {
      const db = await getDb();
      const token = await userToken(db, "proof-analyst@x.com", ["analyst"]);
      const pod = await compromisedPod(CLUSTER);
      const opened = await callRoute(openRoute as RouteHandler, "POST", "/api/v1/incidents", {}, token, {
        cluster: CLUSTER,
        namespace: "shop",
        pod,
        title: "proof: concurrency",
      });
      if (opened.status !== 201) throw new Error(`opening the incident answered ${opened.status}`);
      const id = opened.body.id as string;
      const targets = opened.body.targets as { node: string };
      const params = { id, stepId: STEP };
      const url = `/api/v1/incidents/${id}/steps/${STEP}`;
      const plan = await callRoute(planRoute as RouteHandler, "POST", `${url}/plan`, params, token, {});
      if (plan.status !== 200) throw new Error(`planning answered ${plan.status}`);
      const since = await simRequestSeq(sim);
      log(`concurrency: firing ${CALLS} executes of ${STEP} on node ${targets.node}`);
      const answers = await Promise.all(
        Array.from({ length: CALLS }, () => callRoute(executeRoute as RouteHandler, "POST", `${url}/execute`, params, token, { planHash: plan.body.planHash })),
      );
      // Re-plans at execute time use dry runs, which the log does not count as writes.
      const effects = await simWritesSince(sim, since);
      const statuses: Record<string, number> = {};
      for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      const succeeded = answers.filter((a) => a.status === 200 && a.body.outcome === "success").length;
      const serverErrors = answers.filter((a) => a.status >= 500).length;
      return {
        result: `${effects.length} side effect(s); answers ${Object.entries(statuses)
          .map(([s, n]) => `${n}×${s}`)
          .join(", ")}`,
        met: effects.length === 1 && succeeded === 1 && serverErrors === 0,
        details: {
          calls: CALLS,
          statuses,
          succeeded,
          sideEffects: effects,
        },
      };
    } finally {
      await sim.stop();
    }
  },
};
