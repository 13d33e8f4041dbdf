import { buttonClass } from "@/components/ui/button";
import { OUTCOMES } from "@/lib/timeline-view/outcome";

export type FilterValues = Partial<Record<"incidentId" | "actor" | "stepId" | "kind" | "outcome" | "from" | "to", string>>;

const field = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";

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
    <form method="get" action="/timeline" aria-label="Timeline filters" className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4">
      <div>
        <label htmlFor="f-incident" className="block text-sm font-medium">
          Incident
        </label>
        <select id="f-incident" name="incidentId" defaultValue={values.incidentId ?? ""} className={field}>
          <option value="">All incidents</option>
          {incidents.map((i) => (
            <option key={i.id} value={i.id}>
              {i.title} ({i.id.slice(0, 8)})
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="f-actor" className="block text-sm font-medium">
          Actor
        </label>
        <input id="f-actor" name="actor" type="text" placeholder="analyst@example.com" defaultValue={values.actor ?? ""} className={field} />
      </div>
      <div>
        <label htmlFor="f-step" className="block text-sm font-medium">
          Step
        </label>
        <select id="f-step" name="stepId" defaultValue={values.stepId ?? ""} className={field}>
          <option value="">Any step</option>
          {steps.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title} ({s.id})
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="f-kind" className="block text-sm font-medium">
          Kind
        </label>
        <select id="f-kind" name="kind" defaultValue={values.kind ?? ""} className={field}>
          <option value="">Any kind</option>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="f-outcome" className="block text-sm font-medium">
          Outcome
        </label>
        <select id="f-outcome" name="outcome" defaultValue={values.outcome ?? ""} className={field}>
          <option value="">Any outcome</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="f-from" className="block text-sm font-medium">
          From (UTC)
        </label>
        <input id="f-from" name="from" type="datetime-local" defaultValue={values.from ?? ""} className={field} />
      </div>
      <div>
        <label htmlFor="f-to" className="block text-sm font-medium">
          To (UTC)
        </label>
        <input id="f-to" name="to" type="datetime-local" defaultValue={values.to ?? ""} className={field} />
      </div>
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
