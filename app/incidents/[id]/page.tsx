import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { IncidentAlerts } from "@/components/alerts/alert-table";
import { ContainmentBoardPanel } from "@/components/containment/containment-board";
import { IncidentHeader } from "@/components/containment/incident-header";
import { IncidentNotAllowed } from "@/components/containment/incident-not-allowed";
import { IsolateNow } from "@/components/containment/isolate-now";
import { PreflightPanel } from "@/components/containment/preflight-panel";
import { ReleasePanel } from "@/components/containment/release-panel";
import { StageSection, stageAnchor } from "@/components/containment/stage-section";
import { TimelinePanel } from "@/components/containment/timeline-panel";
import { LeadPanel } from "@/components/review/lead-panel";
import { getCaller, hasRole, meetsRequirement } from "@/lib/auth";
import { containmentBoard } from "@/lib/containment/board";
import { incidentDetail, incidentTimeline } from "@/lib/containment/detail";
import { EXECUTE_ROLES, INCIDENT_ROLES, incidentParams } from "@/lib/containment/doors";
import { EVIDENCE_STEP } from "@/lib/containment/executor";
import { isHttpError } from "@/lib/http/errors";
import { alertsOfIncident } from "@/lib/alerts/store";
import { getDb } from "@/lib/store";

export const metadata: Metadata = { title: "Incident" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

async function load(id: string) {
  try {
    return await Promise.all([incidentDetail(id), incidentTimeline(id), containmentBoard(id), getDb().then((db) => alertsOfIncident(db, id))]);
  } catch (err) {
    if (isHttpError(err) && err.status === 404) notFound();
    throw err;
  }
}

/** The containment wizard: everything is read from the server on each render, so a reload resumes where the incident stands. */
export default async function IncidentPage({ params }: Props) {
  const { id } = await params;
  const caller = await getCaller();
  if (!caller) redirect(`/signin?callbackUrl=${encodeURIComponent(`/incidents/${id}`)}`);
  if (!meetsRequirement(caller, INCIDENT_ROLES)) return <IncidentNotAllowed title="Incident" />;
  if (!incidentParams.safeParse({ id }).success) notFound();

  const [detail, timeline, board, alerts] = await load(id);
  const { incident } = detail;
  const evidence = detail.stages.flatMap((s) => s.steps).find((s) => s.id === EVIDENCE_STEP);
  const evidenceDone = evidence?.status === "succeeded" || evidence?.status === "noop";
  // The executor wants both: the step's own role to run it and the approver role to override a lock.
  const canRun = meetsRequirement(caller, EXECUTE_ROLES);
  const canOverride = canRun && hasRole(caller, "approver");

  return (
    <div className="space-y-6">
      <IncidentHeader incident={incident} />
      <IsolateNow incidentId={incident.id} podName={incident.targets.pod} canRun={canRun} />
      <ContainmentBoardPanel incidentId={incident.id} initial={board} />
      <IncidentAlerts alerts={alerts} />
      <PreflightPanel preflight={detail.preflight} nodeIsolationAnchor={stageAnchor("node-network")} />
      <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-8">
          {detail.stages.map((s) => (
            <StageSection
              key={s.stage}
              incidentId={incident.id}
              stage={s.stage}
              title={s.title}
              steps={s.steps}
              targets={incident.targets}
              evidenceDone={evidenceDone}
              canRun={canRun}
              canOverride={canOverride}
            />
          ))}
          <ReleasePanel incidentId={incident.id} items={detail.release} byHand={detail.releaseByHand} podName={incident.targets.pod} canRun={canRun} />
          <LeadPanel incidentId={incident.id} caller={caller} />
        </div>
        <div className="xl:sticky xl:top-4 xl:self-start">
          <TimelinePanel incidentId={incident.id} initial={timeline} />
        </div>
      </div>
    </div>
  );
}
