import type { Warning } from "../../types";

// Every eradicate step destroys evidence: the playbook says terminate only after live response.
export const EVIDENCE_LOSS: Warning = {
  level: "danger",
  code: "evidence-loss",
  message:
    "Evidence loss: terminating containers destroys their storage (docker/overlay2: everything; containerd/overlayfs: the read-write layer, only the image's read-only layers stay). Do this only after live response and evidence collection.",
};
