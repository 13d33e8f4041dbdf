import type { StepSummary } from "@/lib/containment/detail";
import type { IncidentTargets, StageId } from "@/lib/containment/types";
import { StepCard } from "./step-card";

export const stageAnchor = (stage: StageId) => `stage-${stage}`;

/** One playbook stage: its heading and its steps, in the order the engine lists them. */
export function StageSection({
  incidentId,
  stage,
  title,
  steps,
  targets,
  evidenceDone,
  canRun,
  canOverride,
}: {
  incidentId: string;
  stage: StageId;
  title: string;
  steps: StepSummary[];
  targets: IncidentTargets;
  evidenceDone: boolean;
  canRun: boolean;
  canOverride: boolean;
}) {
  const headingId = `${stageAnchor(stage)}-heading`;
  return (
    <section id={stageAnchor(stage)} aria-labelledby={headingId} className="scroll-mt-4 space-y-3">
      <h2 id={headingId} className="text-lg font-semibold">
        {title} <span className="text-sm font-normal text-slate-500">({stage})</span>
      </h2>
      {steps.length === 0 && <p className="text-sm text-slate-600">No steps in this stage.</p>}
      {steps.map((s) => (
        <StepCard key={s.id} incidentId={incidentId} step={s} targets={targets} evidenceDone={evidenceDone} canRun={canRun} canOverride={canOverride} />
      ))}
    </section>
  );
}
