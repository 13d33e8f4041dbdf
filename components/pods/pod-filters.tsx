"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { labelSelectorProblem } from "@/lib/clusters/selectors";

export type PodFilterValues = { namespace: string; labelSelector: string; node: string; phase: string };

const PHASES = ["", "Pending", "Running", "Succeeded", "Failed", "Unknown"];

/** The pods page's filters; applied on submit (each change is a server-side query, not a client filter). */
export function PodFilters({ value, onApply }: { value: PodFilterValues; onApply: (v: PodFilterValues) => void }) {
  const [draft, setDraft] = useState(value);
  const problem = labelSelectorProblem(draft.labelSelector);
  const set = (k: keyof PodFilterValues) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!problem) onApply({ ...draft, namespace: draft.namespace.trim(), labelSelector: draft.labelSelector.trim(), node: draft.node.trim() });
  };
  const field = "mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  return (
    <form role="search" aria-label="Filter pods" onSubmit={submit} className="grid gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-5">
      <label className="text-sm font-medium text-slate-700">
        Namespace
        <input className={field} value={draft.namespace} onChange={set("namespace")} placeholder="all namespaces" />
      </label>
      <label className="text-sm font-medium text-slate-700">
        Label selector
        <input
          className={field}
          value={draft.labelSelector}
          onChange={set("labelSelector")}
          placeholder="app=checkout,tier!=db"
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? "label-selector-problem" : undefined}
        />
        {problem && (
          <span id="label-selector-problem" className="mt-1 block text-xs text-red-800">
            {problem}
          </span>
        )}
      </label>
      <label className="text-sm font-medium text-slate-700">
        Node
        <input className={field} value={draft.node} onChange={set("node")} placeholder="any node" />
      </label>
      <label className="text-sm font-medium text-slate-700">
        Phase
        <select className={field} value={draft.phase} onChange={set("phase")}>
          {PHASES.map((p) => (
            <option key={p} value={p}>
              {p || "any phase"}
            </option>
          ))}
        </select>
      </label>
      <div className="flex items-end">
        <Button type="submit" disabled={Boolean(problem)}>
          Apply filters
        </Button>
      </div>
    </form>
  );
}
