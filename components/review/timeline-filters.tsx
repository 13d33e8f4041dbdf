import type { ReactNode } from "react";
import { buttonClass } from "@/components/ui/button";
import { OUTCOME_WORDS, OUTCOMES } from "@/lib/timeline-view/outcome";

export type FilterValues = Partial<Record<"incidentId" | "actor" | "stepId" | "kind" | "outcome" | "from" | "to", string>>;

const field = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";

/** A labelled filter: the label names the control with this id. */
function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
    </div>
  );
}

/** A labelled select whose first, empty choice means no filter; options are [value, text] pairs. */
function SelectField({
  id,
  label,
  name,
  value,
  any,
  options,
}: {
  id: string;
  label: string;
  name: string;
  value?: string;
  any: string;
  options: [string, string][];
}) {
  return (
    <Field id={id} label={label}>
      <select id={id} name={name} defaultValue={value ?? ""} className={field}>
        <option value="">{any}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A plain GET form: the filters live in the URL, so a filtered view can be linked and reloaded. */
export function TimelineFilters({
  values,
  incidents,
  steps,
  kinds,
}: {
  values: FilterValues;
  incidents: { id: string; title: string }[];
  steps: { id: string; title: string }[];
  kinds: string[];
}) {
  return (
    <form
      method="get"
      action="/timeline"
      aria-label="Timeline filters"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4"
    >
      <SelectField
        id="f-incident"
        label="Incident"
        name="incidentId"
        value={values.incidentId}
        any="All incidents"
        options={incidents.map((i) => [i.id, `${i.title} (${i.id.slice(0, 8)})`])}
      />
      <Field id="f-actor" label="Actor">
        <input id="f-actor" name="actor" type="text" placeholder="analyst@example.com" defaultValue={values.actor ?? ""} className={field} />
      </Field>
      <SelectField id="f-step" label="Step" name="stepId" value={values.stepId} any="Any step" options={steps.map((s) => [s.id, `${s.title} (${s.id})`])} />
      <SelectField id="f-kind" label="Kind" name="kind" value={values.kind} any="Any kind" options={kinds.map((k) => [k, k])} />
      <SelectField
        id="f-outcome"
        label="Outcome"
        name="outcome"
        value={values.outcome}
        any="Any outcome"
        options={OUTCOMES.map((o) => [o, OUTCOME_WORDS[o]])}
      />
      <Field id="f-from" label="From (UTC)">
        <input id="f-from" name="from" type="datetime-local" defaultValue={values.from ?? ""} className={field} />
      </Field>
      <Field id="f-to" label="To (UTC)">
        <input id="f-to" name="to" type="datetime-local" defaultValue={values.to ?? ""} className={field} />
      </Field>
      <div className="flex items-end gap-2">
        <button type="submit" className={buttonClass("primary", "sm")}>
          Apply filters
        </button>
        <a href="/timeline" className={buttonClass("ghost", "sm")}>
          Clear
        </a>
      </div>
    </form>
  );
}
