import "server-only";
import { PassThrough } from "node:stream";
import { z } from "zod";
import { Exec, type V1Pod, type V1Status } from "@kubernetes/client-node";
import { HttpError } from "@/lib/http/errors";
import { defineStep, type StepContext } from "../types";
import { kubectl } from "./support/commands";
import { EVIDENCE_LOSS } from "./support/eradicate";
import { apis, kubeMessage, podGone, pollFor, readIncidentPod } from "./support/kube";

// Playbook: `kubectl exec -it <pod> -c <container> -- /bin/sh -c "kill 1"`. PID 1 exits, the
// kubelet restarts the container (new container, fresh writable layer).

const params = z.object({ container: z.string().min(1).optional() });
type Params = z.output<typeof params>;
const COMMAND = ["/bin/sh", "-c", "kill 1"];

function chooseContainer(ctx: StepContext<Params>, pod: V1Pod): string | null {
  const wanted = ctx.params.container;
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  if (wanted) return names.includes(wanted) ? wanted : null;
  return names.length === 1 ? names[0] : null;
}

function restarts(pod: V1Pod, container: string): number {
  return pod.status?.containerStatuses?.find((c) => c.name === container)?.restartCount ?? 0;
}

/** Runs the command over the exec WebSocket and resolves with the Status the API server sends at the end. */
async function execKill(ctx: StepContext, container: string): Promise<V1Status | null> {
  const t = ctx.incident.targets;
  const out = new PassThrough();
  const err = new PassThrough();
  out.resume();
  err.resume();
  return new Promise<V1Status | null>((resolve, reject) => {
    let settled = false;
    const done = (s: V1Status | null) => {
      if (!settled) {
        settled = true;
        resolve(s);
      }
    };
    new Exec(apis(ctx).kc)
      .exec(t.namespace, t.pod, container, COMMAND, out, err, null, false, (status) => done(status))
      .then((ws) => {
        // PID 1 dying may close the stream before a Status arrives: that is the expected outcome.
        ws.on("close", () => done(null));
        ws.on("error", () => done(null));
      })
      .catch((e) => reject(new HttpError(502, `Exec into ${t.pod}/${container} failed: ${kubeMessage(e)}`)));
  });
}

type Data = { container: string; restartCountBefore?: number };

const record = z.object({ container: z.string(), restartCountBefore: z.number() });
type RunRecord = z.output<typeof record>;

export const restartContainer = defineStep<Data, RunRecord>()({
  id: "restart-container",
  stage: "eradicate",
  title: "Restart a container",
  risk: "destructive",
  role: "analyst",
  summary: 'Runs /bin/sh -c "kill 1" in the chosen container through exec; the kubelet restarts it with a fresh writable layer.',
  params,
  record,
  ui: { form: [{ kind: "select", name: "container", label: "Container", from: "containers" }] },
  needs: {
    kube: [
      { verb: "create", resource: "pods", subresource: "exec" },
      // client-node execs over WebSocket, a GET upgrade: authorized as get before Kubernetes 1.35.
      { verb: "get", resource: "pods", subresource: "exec" },
      { verb: "get", resource: "pods" },
    ],
  },

  async plan(ctx) {
    const t = ctx.incident.targets;
    const pod = await readIncidentPod(ctx);
    if (!pod) return { changes: [], commands: [], warnings: [EVIDENCE_LOSS], blocked: podGone(ctx) };
    const container = chooseContainer(ctx, pod);
    const names = (pod.spec?.containers ?? []).map((c) => c.name);
    if (!container) {
      return {
        changes: [],
        commands: [],
        warnings: [EVIDENCE_LOSS],
        blocked: `Choose the container to restart (${names.join(", ")}).`,
      };
    }
    const count = restarts(pod, container);
    const commands = [`${kubectl(t, t.namespace, "exec", "-it", t.pod, "-c", container, "--")} /bin/sh -c "kill 1"`];
    const prior = ctx.priorRecord();
    if (prior?.container === container && count > (prior.restartCountBefore ?? Infinity)) {
      return { changes: [], commands, warnings: [EVIDENCE_LOSS], noop: true, data: { container } };
    }
    return {
      changes: [
        {
          target: `Pod ${t.namespace}/${t.pod} container ${container}`,
          action: "exec",
          field: "status.containerStatuses.restartCount",
          before: count,
          after: count + 1,
        },
      ],
      commands,
      warnings: [
        EVIDENCE_LOSS,
        {
          level: "caution",
          code: "no-shell",
          message: "Needs /bin/sh in the image; distroless images have none. If the container ignores SIGTERM as PID 1, nothing happens.",
        },
      ],
      data: { container, restartCountBefore: count },
    };
  },

  async execute(ctx, plan) {
    const t = ctx.incident.targets;
    const container = plan.data.container;
    const pod = await readIncidentPod(ctx);
    if (!pod) throw new HttpError(404, podGone(ctx));
    const before = restarts(pod, container);
    const prior = ctx.priorRecord();
    if (prior?.container === container && before > (prior.restartCountBefore ?? Infinity)) {
      return { outcome: "noop", message: `Container ${container} was already restarted (restartCount ${before}).`, record: prior };
    }
    const planned = plan.data.restartCountBefore ?? before;
    if (before > planned) {
      return {
        outcome: "noop",
        message: `Container ${container} already restarted since the plan (restartCount ${before}).`,
        record: { container, restartCountBefore: planned },
      };
    }
    const status = await execKill(ctx, container);
    if (status && status.status === "Failure" && status.reason !== "NonZeroExitCode") {
      throw new HttpError(502, `kill 1 in ${t.pod}/${container} failed: ${status.message ?? status.reason ?? "unknown reason"}`);
    }
    const after = await pollFor(
      async () => {
        const p = await readIncidentPod(ctx);
        const n = p ? restarts(p, container) : before;
        return n > before ? n : undefined;
      },
      30,
      500,
    );
    return {
      outcome: "success",
      message:
        after !== undefined
          ? `Container ${container} restarted (restartCount ${before} → ${after}).`
          : `kill 1 sent to ${container}; the restart has not shown yet (verify will check).`,
      record: { container, restartCountBefore: before },
    };
  },

  async verify(ctx) {
    const prior = ctx.priorRecord();
    const pod = await readIncidentPod(ctx);
    if (!pod) return { holds: false, message: podGone(ctx) };
    const container = prior?.container ?? ctx.params.container ?? chooseContainer(ctx, pod);
    if (!container) return { holds: false, message: "No container chosen." };
    const now = restarts(pod, container);
    const before = prior?.restartCountBefore;
    if (before === undefined) return { holds: false, message: `Container ${container} has restartCount ${now}; no earlier count recorded.` };
    return now > before
      ? { holds: true, message: `Container ${container} restarted (restartCount ${before} → ${now}).` }
      : { holds: false, message: `Container ${container} has not restarted (restartCount ${now}).` };
  },
});
