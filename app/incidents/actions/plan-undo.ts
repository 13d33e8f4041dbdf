"use server";

import { action } from "@/lib/actions/safe-action";
import { INCIDENT_ROLES, stepParams } from "@/lib/containment/doors";
import { planUndo } from "@/lib/containment/executor";
import type { UndoPlanView } from "@/lib/containment/types";

/** The undo (release) plan of a step's latest run, for review: what it restores, its hash, whether it needs approval. */
export const planUndoAction = action({ schema: stepParams, role: INCIDENT_ROLES }, async (input, { caller }): Promise<UndoPlanView> =>
  planUndo(caller, input.id, input.stepId),
);
