import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import { registerSubresource, registerUpgradeHandler, type SubresourceContext, type UpgradeTarget } from "../api/subresources";
import { registerPodRunner } from "../controllers/kubelet";
import { isNcProbePod, startNcProbe } from "../netpol/ncprobe";
import { handleExecHttp, handleExecUpgrade } from "./exec";
import { handlePodLog } from "./log";

// Loaded by the API router (sim/kube/api/router.ts, OPTIONAL_MODULES) for its side effect:
// pods/log and pods/exec join the subresource registry, and the kubelet hands nc probe pods
// to the NetworkPolicy probe runner once they are Running.

registerSubresource("pods", "log", (c: SubresourceContext) => handlePodLog(c.world, c.cluster, c.req, c.res, c.namespace ?? "default", c.name, c.query));
registerSubresource("pods", "exec", (c: SubresourceContext) => handleExecHttp(c.world, c.cluster, c.req, c.res, c.namespace ?? "default", c.name, c.query));
registerUpgradeHandler("pods", "exec", (world: World, cluster: SimCluster, req: IncomingMessage, socket: Duplex, head: Buffer, t: UpgradeTarget) =>
  handleExecUpgrade(world, cluster, req, socket, head, t.namespace ?? "default", t.name, t.query),
);
registerPodRunner(isNcProbePod, (world, cluster, pod) => startNcProbe(world, cluster, pod));
