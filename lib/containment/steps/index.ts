import "server-only";
import type { AnyStep } from "../types";
import { abandonNodeVm } from "./abandon-node-vm";
import { acquireFiles } from "./acquire-files";
import { applyDenyAll } from "./apply-deny-all";
import { checkpointContainer } from "./checkpoint-container";
import { collectEvidence } from "./collect-evidence";
import { cordonNode } from "./cordon-node";
import { debugContainer } from "./debug-container";
import { deleteControllerStep } from "./delete-controller";
import { deletePod } from "./delete-pod";
import { detachServices } from "./detach-services";
import { drainNode } from "./drain-node";
import { excludeFromPolicies } from "./exclude-from-policies";
import { firewallIsolate } from "./firewall-isolate";
import { labelQuarantine } from "./label-quarantine";
import { nodeRuntimeCommands } from "./node-runtime-commands";
import { orphanPod } from "./orphan-pod";
import { attestIsolation } from "./attest-isolation";
import { protectNode } from "./protect-node";
import { removeExternalIp } from "./remove-external-ip";
import { restartContainer } from "./restart-container";
import { revokeCredentials } from "./revoke-credentials";
import { scaleToZero } from "./scale-to-zero";
import { snapshotNodeDisk } from "./snapshot-node-disk";
import { tagNode } from "./tag-node";

/** Every step, in stage order and, within a stage, in the order the playbook (with its errata) runs them. */
export const STEPS: AnyStep[] = [
  collectEvidence,
  debugContainer,
  acquireFiles,
  checkpointContainer,
  snapshotNodeDisk,
  cordonNode,
  labelQuarantine,
  protectNode,
  abandonNodeVm,
  drainNode,
  orphanPod,
  excludeFromPolicies,
  applyDenyAll,
  attestIsolation,
  revokeCredentials,
  detachServices,
  tagNode,
  firewallIsolate,
  removeExternalIp,
  deletePod,
  scaleToZero,
  deleteControllerStep,
  restartContainer,
  nodeRuntimeCommands,
];
