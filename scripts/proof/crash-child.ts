// The console process the crashes figure kills: executes one reviewed plan through the executor,
// against the simulator and the figure's SQLite file (both from the environment it inherits),
// with AIRLOCK_PROOF=1 and AIRLOCK_CRASH_AT=<step>:<point> set, so the executor's crash point
// SIGKILLs this process mid-step. Reaching the end means the crash point never fired: exit 3.
// Input: one JSON argument { caller, incidentId, stepId, planHash, confirm, params }.
import type { Caller } from "@/lib/auth";
import { executeStep } from "@/lib/containment/executor";
import { approveAll } from "./faults";

type Job = { caller: Caller; incidentId: string; stepId: string; planHash: string; confirm: string; params?: Record<string, unknown> };

async function main() {
  const job = JSON.parse(process.argv[2]) as Job;
  await executeStep(
    job.caller,
    job.incidentId,
    job.stepId,
    { planHash: job.planHash, confirm: job.confirm, params: job.params },
    approveAll("proof-approver@x.com"),
  );
  process.stderr.write(`crash-child: ${job.stepId} finished without reaching ${process.env.AIRLOCK_CRASH_AT}\n`);
  process.exit(3);
}

main().catch((e: Error) => {
  process.stderr.write(`crash-child: ${e.message}\n`);
  process.exit(4);
});
