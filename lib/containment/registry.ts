import "server-only";
import { HttpError } from "@/lib/http/errors";
import { STEPS } from "./steps";
import { STAGES, type StageId, type StepDefinition } from "./types";

const TEST_STEPS = Symbol.for("airlock.containment.testSteps");
type Holder = { [TEST_STEPS]?: StepDefinition[] };

/** Every step: the modules under steps/, plus any a test registered. */
export function listSteps(): StepDefinition[] {
  const extra = (globalThis as Holder)[TEST_STEPS] ?? [];
  return [...STEPS.filter((s) => !extra.some((e) => e.id === s.id)), ...extra];
}

export function getStep(id: string): StepDefinition | undefined {
  return listSteps().find((s) => s.id === id);
}

/** The step, or a 404 that names it: step ids come from URLs. */
export function requireStep(id: string): StepDefinition {
  const step = getStep(id);
  if (!step) throw new HttpError(404, `No containment step "${id}"`);
  return step;
}

/** Steps grouped by stage, in playbook order; stages without steps are kept so the wizard shows them. */
export function stepsByStage(): { stage: StageId; title: string; steps: StepDefinition[] }[] {
  const steps = listSteps();
  return STAGES.map((s) => ({ stage: s.id, title: s.title, steps: steps.filter((st) => st.stage === s.id) }));
}

/** Tests only: add (or replace by id) step definitions; undefined forgets them. */
export function setTestSteps(steps: StepDefinition[] | undefined): void {
  if (steps) (globalThis as Holder)[TEST_STEPS] = steps;
  else delete (globalThis as Holder)[TEST_STEPS];
}
