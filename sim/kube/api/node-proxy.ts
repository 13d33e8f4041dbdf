import type { ServerResponse } from "node:http";
import { logJson } from "../../core/log";
import { methodNotAllowed, notFound } from "../errors";
import { containerStatus } from "../pods/containers";
import type { RequestContext } from "./objects";
import { sendObject } from "./respond";

// nodes/<node>/proxy/<path>: the API server passing a request through to the node's kubelet.
// The simulated kubelet answers /healthz, /configz (its configuration, feature gates included)
// and POST /checkpoint/<ns>/<pod>/<container> (KEP-2008, ContainerCheckpoint): on a cluster
// whose kubelets have the feature it writes the archive under /var/lib/kubelet/checkpoints and
// names it; elsewhere the handler is not registered, so the kubelet's mux answers a plain 404.

/** The kubelet's plain-text 404 (Go's http.Error: text/plain, nosniff). */
function plainNotFound(res: ServerResponse, message = "404 page not found"): void {
  res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
  res.end(`${message}\n`);
}

export function handleNodeProxy(ctx: RequestContext, path: string[]): void {
  const { cluster, world, res } = ctx;
  const node = cluster.store.get("nodes", undefined, ctx.name!);
  if (!node) throw notFound({ kind: "nodes", name: ctx.name! }, "nodes");
  const method = ctx.req.method ?? "GET";
  const [first, ...rest] = path;
  if (first === "healthz" && rest.length === 0) {
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("ok");
    return;
  }
  if (first === "configz" && rest.length === 0) {
    if (method !== "GET") throw methodNotAllowed();
    return sendObject(res, 200, {
      kubeletconfig: {
        enableServer: true,
        cgroupDriver: "systemd",
        containerRuntimeEndpoint: "unix:///run/containerd/containerd.sock",
        featureGates: { ContainerCheckpoint: cluster.kubeletCheckpoint, RotateKubeletServerCertificate: true },
      },
    });
  }
  if (first === "checkpoint" && rest.length === 3 && cluster.kubeletCheckpoint) {
    if (method !== "POST") throw methodNotAllowed();
    const [namespace, podName, container] = rest;
    const pod = cluster.store.get("pods", namespace, podName);
    if (!pod || pod.spec?.nodeName !== ctx.name || !containerStatus(pod, container)?.state?.running) {
      return plainNotFound(res, `checkpointing of ${namespace}/${podName}/${container} failed (container not found)`);
    }
    const at = world.clock.isoNow();
    const archive = `/var/lib/kubelet/checkpoints/checkpoint-${podName}_${namespace}-${container}-${at}.tar`;
    logJson({ event: "kubelet-checkpoint", cluster: cluster.name, node: ctx.name, pod: `${namespace}/${podName}`, container, archive });
    return sendObject(res, 200, { items: [archive] });
  }
  plainNotFound(res);
}
