"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { openIncidentAction } from "@/app/incidents/actions/open-incident";
import { ActionResult, FieldError, type ActionState } from "@/components/ui/action-result";
import { SubmitButton } from "@/components/ui/submit-button";

type Opened = { id: string };

const input = "mt-1 block w-full max-w-md rounded-md border border-slate-300 px-3 py-2 text-sm";

function Field({
  name,
  label,
  defaultValue,
  state,
  mono = false,
}: {
  name: string;
  label: string;
  defaultValue?: string;
  state: ActionState<Opened>;
  mono?: boolean;
}) {
  const invalid = state?.ok === false && Boolean(state.fieldErrors?.[name]?.length);
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
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `incident-${name}-error` : undefined}
        className={`${input} ${mono ? "font-mono" : ""}`}
      />
      <FieldError state={state} name={name} id={`incident-${name}-error`} />
    </div>
  );
}

/** Opens an incident on a pod (targets are resolved live by the engine), then goes to its wizard. */
export function OpenIncidentForm({ cluster, namespace, pod }: { cluster: string; namespace: string; pod: string }) {
  const router = useRouter();
  const [state, formAction] = useActionState<ActionState<Opened>, FormData>(async (_prev, fd) => {
    const r = await openIncidentAction(fd);
    if (r.ok) router.push(`/incidents/${encodeURIComponent(r.data.id)}`);
    return r.ok ? { ok: true, data: { id: r.data.id } } : r;
  }, null);
  return (
    <form action={formAction} className="space-y-4">
      <Field name="cluster" label="Cluster" defaultValue={cluster} state={state} mono />
      <Field name="namespace" label="Namespace" defaultValue={namespace} state={state} mono />
      <Field name="pod" label="Pod" defaultValue={pod} state={state} mono />
      <Field name="title" label="Title" defaultValue={pod ? `Compromised pod ${pod}` : ""} state={state} />
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
      <SubmitButton pendingLabel="Opening… (resolving targets)">Open incident</SubmitButton>
      <ActionResult state={state} success={() => <p>Incident opened; loading its wizard…</p>} />
    </form>
  );
}
