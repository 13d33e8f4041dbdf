import "server-only";
import { HttpError } from "@/lib/http/errors";
import { processSingleton } from "@/lib/process-singleton";
import { STEPS } from "./steps";
import { STAGES, type AnyStep, type StageId } from "./types";

// Tests register steps from their own module copy; the route handlers they call read this one.
const testSteps = processSingleton("containment.testSteps", () => ({ steps: [] as AnyStep[] }));

/** Every step: the modules under steps/, plus any a test registered. */
export function listSteps(): AnyStep[] {
  const extra = testSteps.steps;
  return [...STEPS.filter((s) => !extra.some((e) => e.id === s.id)), ...extra];
}

export function getStep(id: string): AnyStep | undefined {
  return listSteps().find((s) => s.id === id);
}

/** The step, or a 404 that names it: step ids come from URLs. */
export function requireStep(id: string): AnyStep {
  const step = getStep(id);
  if (!step) throw new HttpError(404, `No containment step "${id}"`);
  return step;
}

/** Steps grouped by stage, in playbook order; stages without steps are kept so the wizard shows them. */
export function stepsByStage(): { stage: StageId; title: string; steps: AnyStep[] }[] {
  const steps = listSteps();
  return STAGES.map((s) => ({ stage: s.id, title: s.title, steps: steps.filter((st) => st.stage === s.id) }));
}

/** Tests only: add (or replace by id) step definitions; undefined forgets them. */
export function setTestSteps(steps: AnyStep[] | undefined): void {
  testSteps.steps = steps ?? [];
}
