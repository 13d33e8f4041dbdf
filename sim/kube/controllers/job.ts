import type { KObject, StoreEvent } from "../types";
import type { Controller, ControllerManager } from "./manager";
import { recordEvent } from "../events";
import { controllerOf, deepEqual, isTerminating, ownerRefTo } from "./labels";
import { podFromTemplate } from "./podtemplate";

// Jobs, minimally: keep `parallelism` pods running until `completions` have succeeded, then
// mark the Job Complete. (The kubelet finishes Job pods a few seconds after they start.)

const SOURCE = { component: "job-controller" };

export class JobController implements Controller {
  readonly name = "job";

  constructor(private readonly m: ControllerManager) {}

  resyncAll(): void {
    for (const j of this.m.store.scan("batch/jobs")) this.m.enqueue(this, key(j));
  }

  observe(e: StoreEvent, previous?: KObject): void {
    if (e.resource === "batch/jobs") {
      if (e.type !== "DELETED") this.m.enqueue(this, key(e.object));
    } else if (e.resource === "pods") {
      for (const pod of [previous, e.object]) {
        const ref = pod && controllerOf(pod);
        if (ref?.kind === "Job") this.m.enqueue(this, `${pod!.metadata.namespace}/${ref.name}`);
      }
    }
  }

  sync(k: string): void {
    const [ns, name] = k.split("/");
    const job = this.m.store.get("batch/jobs", ns, name);
    if (!job) return;
    const { world, cluster, store } = this.m;
    const completions = (job.spec?.completions as number | undefined) ?? 1;
    const parallelism = (job.spec?.parallelism as number | undefined) ?? 1;
    const pods = this.m.dependentsOf(job.metadata.uid!, "pods").filter((p) => controllerOf(p)?.uid === job.metadata.uid);
    const succeeded = pods.filter((p) => p.status?.phase === "Succeeded").length;
    const failed = pods.filter((p) => p.status?.phase === "Failed").length;
    let active = pods.filter((p) => !isTerminating(p) && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed").length;
    const done = succeeded >= completions;
    if (!done && !isTerminating(job) && !job.spec?.suspend) {
      const want = Math.min(parallelism, completions - succeeded);
      for (; active < want; active++) {
        let podName: string;
        do podName = `${name}-${world.random.suffix(5)}`;
        while (store.get("pods", ns, podName));
        const uid = job.metadata.uid!;
        const labels = { "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name, "controller-uid": uid, "job-name": name };
        const template = structuredClone(job.spec.template);
        template.spec.restartPolicy ??= "Never";
        store.create("pods", podFromTemplate(template, podName, ns, ownerRefTo(job), { labels }));
        recordEvent(world, cluster, job, "Normal", "SuccessfulCreate", `Created pod: ${podName}`, SOURCE);
      }
    }
    const now = world.clock.isoNow();
    const status: Record<string, unknown> = { ...(job.status ?? {}) };
    status.startTime ??= now;
    status.active = active || undefined;
    status.succeeded = succeeded || undefined;
    status.failed = failed || undefined;
    status.ready = 0;
    status.terminating = 0;
    if (done && !status.completionTime) {
      status.completionTime = now;
      status.conditions = [
        {
          type: "SuccessCriteriaMet",
          status: "True",
          lastProbeTime: now,
          lastTransitionTime: now,
          reason: "CompletionsReached",
          message: "Reached expected number of succeeded pods",
        },
        {
          type: "Complete",
          status: "True",
          lastProbeTime: now,
          lastTransitionTime: now,
          reason: "CompletionsReached",
          message: "Reached expected number of succeeded pods",
        },
      ];
      recordEvent(world, cluster, job, "Normal", "Completed", "Job completed", SOURCE);
    }
    for (const f of Object.keys(status)) if (status[f] === undefined) delete status[f];
    if (deepEqual(status, job.status)) return;
    const next = structuredClone(job);
    next.status = status;
    delete next.metadata.resourceVersion;
    store.update("batch/jobs", next);
  }
}

function key(o: KObject): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}
