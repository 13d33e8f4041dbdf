import Link from "next/link";
import type { ReactNode } from "react";
import type { Incident } from "@/lib/containment/types";
import { SeverityBadge } from "./severity-badge";

const podHref = (cluster: string, ns: string, name: string) =>
  `/clusters/${encodeURIComponent(cluster)}/pods/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="font-mono text-sm">{children}</dd>
    </div>
  );
}

const none = <span className="font-sans text-slate-500">none</span>;

/** Title, severity, status and every target Airlock resolved when the incident was opened. */
export function IncidentHeader({ incident }: { incident: Incident }) {
  const t = incident.targets;
  return (
    <header className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{incident.title}</h1>
        <SeverityBadge severity={incident.severity} />
        <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium">
          <span className="sr-only">Incident status: </span>
          {incident.status}
        </span>
      </div>
      <p className="text-sm text-slate-600">
        Opened by {incident.createdBy} at {incident.createdAt}
      </p>
      <section aria-labelledby="targets-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="targets-heading" className="mb-2 text-lg font-semibold">
          Targets
        </h2>
        <dl className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          <Row label="Cluster">{t.cluster}</Row>
          <Row label="Pod">
            <Link href={podHref(t.cluster, t.namespace, t.pod)}>
              {t.namespace}/{t.pod}
            </Link>
          </Row>
          <Row label="Node">{t.node ?? none}</Row>
          <Row label="VM / zone">{t.instance ? `${t.instance.project}/${t.instance.zone}/${t.instance.name}` : none}</Row>
          <Row label="Network">{t.network ?? none}</Row>
          <Row label="Owner chain">{t.ownerChain.length ? t.ownerChain.map((o) => `${o.kind}/${o.name}`).join(" → ") : none}</Row>
          <Row label="Services">{t.services.length ? t.services.join(", ") : none}</Row>
          <Row label="NetworkPolicies">{t.networkPolicies.length ? t.networkPolicies.join(", ") : none}</Row>
          <Row label="Containers">{t.containers.join(", ")}</Row>
        </dl>
      </section>
    </header>
  );
}
