import type { Preflight } from "@/lib/containment/preflight";
import { needLabel } from "@/lib/containment/preflight-rules";
import { WarningList } from "./warning-list";

function List({ label, items }: { label: string; items: string[] }) {
  if (!items.length) return null;
  return (
    <div>
      <dt className="font-medium">{label}</dt>
      <dd>
        <ul className="ml-5 list-disc font-mono text-xs">
          {items.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      </dd>
    </div>
  );
}

const yesNo = (v: boolean | null) => (v === null ? "unknown" : v ? "yes" : "no");

/**
 * What is true before the first step: enforcement (and never "enable it now"), the policies and
 * budgets that would defeat or hold a step, what a drain skips or loses, auto-repair, and the
 * permissions Airlock's own identities lack, per step.
 */
export function PreflightPanel({ preflight, nodeIsolationAnchor }: { preflight: Preflight; nodeIsolationAnchor: string }) {
  const { enforcement } = preflight;
  const deniedKube = preflight.kubePermissions.filter((k) => !k.allowed).map((k) => `${needLabel(k.need)}${k.reason ? ` (${k.reason})` : ""}`);
  const deniedGcp = preflight.gcpPermissions.filter((g) => g.granted === false).map((g) => g.permission);
  const unverifiable = preflight.gcpPermissions.filter((g) => g.granted === null).map((g) => g.permission);
  const stepsNotReady = preflight.steps.filter((s) => !s.ok);
  return (
    <section aria-labelledby="preflight-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="preflight-heading" className="text-lg font-semibold">
        Preflight
      </h2>
      <p className="text-xs text-slate-500">Checked live at {preflight.computedAt}.</p>
      <div
        className={`rounded-md border px-3 py-2 text-sm ${
          enforcement.enforced === true
            ? "border-emerald-300 bg-emerald-50"
            : enforcement.enforced === false
              ? "border-red-400 bg-red-50"
              : "border-amber-300 bg-amber-50"
        }`}
      >
        <p>
          <strong>NetworkPolicy enforced: {yesNo(enforcement.enforced)}</strong> ({enforcement.reason})
        </p>
        {enforcement.enforced !== true && (
          <p className="mt-1">
            <strong>Do not enable network policy now:</strong> enabling it recreates every node in every pool and destroys their evidence. Use{" "}
            <a href={`#${nodeIsolationAnchor}`}>node isolation</a> (tag the node&apos;s VM and apply the quarantine firewall rules) instead.
          </p>
        )}
      </div>
      <dl className="grid gap-3 text-sm sm:grid-cols-2">
        <div>
          <dt className="font-medium">Autopilot</dt>
          <dd>{yesNo(preflight.autopilot)}</dd>
        </div>
        <div>
          <dt className="font-medium">Node auto-repair</dt>
          <dd>{yesNo(preflight.autoRepair)}</dd>
        </div>
        <List label="Policies that would defeat a deny-all" items={preflight.defeatingPolicies.map((d) => `${d.name} (${d.directions.join(", ")})`)} />
        <List
          label="Disruption budgets that would hold the drain"
          items={preflight.blockingPdbs.map((b) => `${b.namespace}/${b.name}: ${b.pods.join(", ")}`)}
        />
        <List label="DaemonSet pods (stay on the node)" items={preflight.nodePods?.daemonSet ?? []} />
        <List label="Pods with emptyDir (data lost if drained)" items={preflight.nodePods?.emptyDir ?? []} />
        <List label="Bare pods (need force; not recreated)" items={preflight.nodePods?.bare ?? []} />
        <List label="Mirror pods (skipped)" items={preflight.nodePods?.mirror ?? []} />
        <List label="Kubernetes permissions Airlock lacks" items={deniedKube} />
        <List label="Google Cloud permissions Airlock lacks" items={deniedGcp} />
        <List label="Google Cloud permissions not verifiable in advance" items={unverifiable} />
      </dl>
      <WarningList warnings={preflight.findings} label="Preflight findings" />
      {stepsNotReady.length > 0 && (
        <div className="text-sm">
          <h3 className="font-medium">Steps that cannot succeed now</h3>
          <ul className="ml-5 list-disc">
            {stepsNotReady.map((s) => (
              <li key={s.stepId}>
                <code>{s.stepId}</code>: {s.reasons.join(" ")}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
