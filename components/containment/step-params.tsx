import type { IncidentTargets } from "@/lib/containment/types";

const field = "block w-full max-w-sm rounded-md border border-slate-300 px-3 py-1.5 text-sm";

/** The inputs a step's plan takes; names match paramsFromForm. Nothing for steps without params. */
export function StepParamsFields({
  stepId,
  targets,
  fieldErrors,
  onChange,
}: {
  stepId: string;
  targets: IncidentTargets;
  fieldErrors?: Record<string, string[]>;
  onChange: () => void;
}) {
  const id = (n: string) => `${stepId}-param-${n}`;
  const err = (n: string) =>
    fieldErrors?.[n]?.length ? (
      <p id={id(`${n}-error`)} className="mt-1 text-sm text-red-700">
        {fieldErrors[n].join(" ")}
      </p>
    ) : null;
  const described = (n: string) => (fieldErrors?.[n]?.length ? id(`${n}-error`) : undefined);

  switch (stepId) {
    case "collect-evidence":
      return (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="recollect" onChange={onChange} />
          Collect again even if evidence was already stored
        </label>
      );
    case "drain-node":
      return (
        <div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="force" onChange={onChange} aria-describedby={id("force-help")} />
            Force: delete pods without a controller
          </label>
          <p id={id("force-help")} className="mt-1 text-xs text-slate-600">
            Like <code>kubectl drain --force</code>: bare pods are deleted for good, not rescheduled.
          </p>
        </div>
      );
    case "firewall-isolate":
      return (
        <div className="space-y-3">
          <div>
            <label htmlFor={id("sshSourceRange")} className="block text-sm font-medium">
              SSH source range
            </label>
            <input
              id={id("sshSourceRange")}
              name="sshSourceRange"
              required
              placeholder="203.0.113.7/32"
              className={`${field} mt-1 font-mono`}
              onChange={onChange}
              aria-invalid={described("sshSourceRange") ? true : undefined}
              aria-describedby={[id("ssh-help"), described("sshSourceRange")].filter(Boolean).join(" ")}
            />
            <p id={id("ssh-help")} className="mt-1 text-xs text-slate-600">
              The investigator&apos;s address (a single IP or a narrow CIDR; never 0.0.0.0/0): the only source allowed to reach the node on tcp:22.
            </p>
            {err("sshSourceRange")}
          </div>
          <fieldset>
            <legend className="text-sm font-medium">Protocols to deny</legend>
            <label className="mr-4 inline-flex items-center gap-2 text-sm">
              <input type="radio" name="protocol" value="all" defaultChecked onChange={onChange} />
              all (default: also UDP and ICMP)
            </label>
            <label className="inline-flex items-center gap-2 text-sm">
              <input type="radio" name="protocol" value="tcp" onChange={onChange} />
              tcp only (the playbook&apos;s variant)
            </label>
          </fieldset>
        </div>
      );
    case "restart-container":
      return (
        <div>
          <label htmlFor={id("container")} className="block text-sm font-medium">
            Container
          </label>
          <select id={id("container")} name="container" className={`${field} mt-1`} onChange={onChange}>
            {targets.containers.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          {err("container")}
        </div>
      );
    case "detach-services":
      if (!targets.services.length) return <p className="text-sm text-slate-600">No Service selected the pod when the incident was opened.</p>;
      return (
        <div className="space-y-2">
          {targets.services.map((svc) => (
            <fieldset key={svc}>
              <legend className="text-sm font-medium">
                Service <code>{svc}</code>
              </legend>
              <label className="mr-4 inline-flex items-center gap-2 text-sm">
                <input type="radio" name={`mode.${svc}`} value="patch" defaultChecked onChange={onChange} />
                Patch: stop routing to this pod only
              </label>
              <label className="inline-flex items-center gap-2 text-sm">
                <input type="radio" name={`mode.${svc}`} value="delete" onChange={onChange} />
                Delete the Service (recreated on release)
              </label>
            </fieldset>
          ))}
        </div>
      );
    default:
      return null;
  }
}
