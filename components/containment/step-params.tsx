import { Fragment, type ReactNode } from "react";
import type { IncidentTargets } from "@/lib/containment/types";
import type { FormField } from "@/lib/containment/ui";
import { targetChoices } from "./params";

const input = "block w-full max-w-sm rounded-md border border-slate-300 px-3 py-1.5 text-sm";

/** Descriptor text: `backticks` are code, `{target}` is the target a per-target field is for. */
function rich(text: string, target?: string): ReactNode {
  return text.split("`").map((part, i) => {
    const filled = target === undefined ? part : part.replaceAll("{target}", target);
    return i % 2 ? <code key={i}>{filled}</code> : <Fragment key={i}>{filled}</Fragment>;
  });
}

/** The inputs of a step's plan form, from its descriptor; names match paramsFromForm. Nothing for steps without a form. */
export function StepParamsFields({
  stepId,
  fields,
  targets,
  fieldErrors,
  onChange,
}: {
  stepId: string;
  fields: readonly FormField[];
  targets: IncidentTargets;
  fieldErrors?: Record<string, string[]>;
  onChange: () => void;
}) {
  if (!fields.length) return null;
  const id = (n: string) => `${stepId}-param-${n}`;
  const errors = (n: string) => (fieldErrors?.[n]?.length ? fieldErrors[n] : null);
  const err = (n: string) => {
    const e = errors(n);
    return e ? (
      <p id={id(`${n}-error`)} className="mt-1 text-sm text-red-700">
        {e.join(" ")}
      </p>
    ) : null;
  };
  const helpId = (n: string) => id(`${n}-help`);
  const help = (n: string, text?: string) =>
    text ? (
      <p id={helpId(n)} className="mt-1 text-xs text-slate-600">
        {rich(text)}
      </p>
    ) : null;
  const describedBy = (n: string, text?: string) => [text ? helpId(n) : null, errors(n) ? id(`${n}-error`) : null].filter(Boolean).join(" ") || undefined;

  const field = (f: FormField): ReactNode => {
    switch (f.kind) {
      case "checkbox":
        return (
          <div>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name={f.name} onChange={onChange} aria-describedby={describedBy(f.name, f.help)} />
              {rich(f.label)}
            </label>
            {help(f.name, f.help)}
            {err(f.name)}
          </div>
        );
      case "text":
        return (
          <div>
            <label htmlFor={id(f.name)} className="block text-sm font-medium">
              {rich(f.label)}
            </label>
            <input
              id={id(f.name)}
              name={f.name}
              required={f.required}
              placeholder={f.placeholder}
              className={`${input} mt-1${f.monospace ? " font-mono" : ""}`}
              onChange={onChange}
              aria-invalid={errors(f.name) ? true : undefined}
              aria-describedby={describedBy(f.name, f.help)}
            />
            {help(f.name, f.help)}
            {err(f.name)}
          </div>
        );
      case "radio":
        return (
          <fieldset>
            <legend className="text-sm font-medium">{rich(f.legend)}</legend>
            {f.options.map((o, i) => (
              <label key={o.value} className={`${i < f.options.length - 1 ? "mr-4 " : ""}inline-flex items-center gap-2 text-sm`}>
                <input type="radio" name={f.name} value={o.value} defaultChecked={o.value === f.default} onChange={onChange} />
                {rich(o.label)}
              </label>
            ))}
            {err(f.name)}
          </fieldset>
        );
      case "select":
        return (
          <div>
            <label htmlFor={id(f.name)} className="block text-sm font-medium">
              {rich(f.label)}
            </label>
            <select id={id(f.name)} name={f.name} className={`${input} mt-1`} onChange={onChange}>
              {targetChoices(targets, f.from).map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
            {err(f.name)}
          </div>
        );
      case "radio-each": {
        const each = targetChoices(targets, f.from);
        if (!each.length) return <p className="text-sm text-slate-600">{rich(f.empty)}</p>;
        return (
          <div className="space-y-2">
            {each.map((target) => (
              <fieldset key={target}>
                <legend className="text-sm font-medium">{rich(f.legend, target)}</legend>
                {f.options.map((o, i) => (
                  <label key={o.value} className={`${i < f.options.length - 1 ? "mr-4 " : ""}inline-flex items-center gap-2 text-sm`}>
                    <input type="radio" name={`${f.name}.${target}`} value={o.value} defaultChecked={o.value === f.default} onChange={onChange} />
                    {rich(o.label)}
                  </label>
                ))}
              </fieldset>
            ))}
            {err(f.name)}
          </div>
        );
      }
    }
  };

  return (
    <div className="space-y-3">
      {fields.map((f) => (
        <Fragment key={f.name}>{field(f)}</Fragment>
      ))}
    </div>
  );
}
