/* eslint-disable @typescript-eslint/no-explicit-any */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import type { KObject } from "../types";
import { isNcProbePod, startNcProbe } from "../netpol/ncprobe";
import { handleExecHttp, handleExecUpgrade } from "./exec";
import { handlePodLog } from "./log";

// Hooks pods/log, pods/exec and the nc probe runner into the API router's subresource
// registry and the kubelet. Those modules are other engineers' and load lazily: when one is
// missing the simulator still starts, and that feature is reported as not installed.

const SUBRESOURCES = "../api/subresources";
const KUBELET = "../controllers/kubelet";

export interface InstallReport {
  subresources: boolean;
  upgrade: boolean;
  podRunner: boolean;
}

let installed: Promise<InstallReport> | undefined;

/** The shapes sim/kube/api/subresources.ts hands handlers (kept structural on purpose). */
export interface SubresourceContext {
  world: World;
  cluster: SimCluster;
  req: IncomingMessage;
  res: ServerResponse;
  namespace: string | undefined;
  name: string;
  query: URLSearchParams;
}

export interface UpgradeTarget {
  namespace: string | undefined;
  name: string;
  query: URLSearchParams;
}

export const podLogHandler = (c: SubresourceContext) => handlePodLog(c.world, c.cluster, c.req, c.res, c.namespace ?? "default", c.name, c.query);
export const podExecHttpHandler = (c: SubresourceContext) => handleExecHttp(c.world, c.cluster, c.req, c.res, c.namespace ?? "default", c.name, c.query);
export const podExecUpgradeHandler = (world: World, cluster: SimCluster, req: IncomingMessage, socket: Duplex, head: Buffer, t: UpgradeTarget) =>
  handleExecUpgrade(world, cluster, req, socket, head, t.namespace ?? "default", t.name, t.query);

export const ncProbeRunner = (world: World, cluster: SimCluster, pod: KObject) => startNcProbe(world, cluster, pod);

async function optional(specifier: string): Promise<any> {
  try {
    return await import(/* @vite-ignore */ specifier);
  } catch {
    return undefined;
  }
}

const done: InstallReport = { subresources: false, upgrade: false, podRunner: false };

/** Idempotent; registers whatever is still missing, so calling again after a module lands works. */
export function installPodFeatures(): Promise<InstallReport> {
  if (installed) return installed;
  installed = (async () => {
    if (!done.subresources || !done.upgrade) {
      const sub = await optional(SUBRESOURCES);
      if (!done.subresources && typeof sub?.registerSubresource === "function") {
        sub.registerSubresource("pods", "log", podLogHandler);
        sub.registerSubresource("pods", "exec", podExecHttpHandler);
        done.subresources = true;
      }
      if (!done.upgrade && typeof sub?.registerUpgradeHandler === "function") {
        sub.registerUpgradeHandler("pods", "exec", podExecUpgradeHandler);
        done.upgrade = true;
      }
    }
    if (!done.podRunner) {
      const kubelet = await optional(KUBELET);
      if (typeof kubelet?.registerPodRunner === "function") {
        kubelet.registerPodRunner(isNcProbePod, ncProbeRunner);
        done.podRunner = true;
      }
    }
    const report = { ...done };
    if (!report.subresources || !report.upgrade || !report.podRunner) installed = undefined;
    return report;
  })();
  return installed;
}
