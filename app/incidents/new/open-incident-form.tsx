"use client";

import Link from "next/link";
import { useActionState } from "react";
import { ActionResult, FieldError } from "@/components/ui/action-result";
import { SubmitButton } from "@/components/ui/submit-button";
import { openIncidentAction } from "../actions/open-incident";

const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm";

function Field({ name, label, defaultValue, state }: { name: string; label: string; defaultValue?: string; state: Parameters<typeof FieldError>[0]["state"] }) {
  const err = state?.ok === false && state.fieldErrors?.[name];
  return (
    <div>
      <label htmlFor={`incident-${name}`} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={`incident-${name}`}
        name={name}
        required
        defaultValue={defaultValue}
        aria-invalid={err ? true : undefined}
        aria-describedby={err ? `incident-${name}-error` : undefined}
        className={input}
      />
      <FieldError state={state} name={name} id={`incident-${name}-error`} />
    </div>
  );
}

export function OpenIncidentForm({ defaults }: { defaults: { cluster: string; namespace: string; pod: string } }) {
  const [state, formAction] = useActionState(openIncidentAction, null);
  return (
    <form action={formAction} className="space-y-3">
      <Field name="title" label="Title" state={state} />
      <Field name="cluster" label="Cluster (kubeconfig context)" defaultValue={defaults.cluster} state={state} />
      <Field name="namespace" label="Namespace" defaultValue={defaults.namespace} state={state} />
      <Field name="pod" label="Pod" defaultValue={defaults.pod} state={state} />
      <div>
        <label htmlFor="incident-severity" className="block text-sm font-medium">
          Severity
        </label>
        <select id="incident-severity" name="severity" defaultValue="high" className={input}>
          <option value="low">low</option>
          <option value="medium">medium</option>
          <option value="high">high</option>
          <option value="critical">critical</option>
        </select>
      </div>
      <SubmitButton pendingLabel="Resolving targets…">Open incident</SubmitButton>
      <ActionResult
        state={state}
        success={(d) => (
          <p>
            Incident opened on {d.targets.namespace}/{d.targets.pod} (node {d.targets.node ?? "none"}).{" "}
            <Link href={`/incidents/${d.id}`} className="underline">
              Go to the incident
            </Link>
          </p>
        )}
      />
    </form>
  );
}
