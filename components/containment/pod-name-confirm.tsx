import type { ReactNode } from "react";

/**
 * The type-the-pod-name field in front of a disruptive step or its undo. `help`, when given,
 * stands under the label and describes the input.
 */
export function PodNameConfirm({
  id,
  value,
  onChange,
  name,
  help,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  name?: string;
  help?: ReactNode;
}) {
  const helpId = `${id}-help`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        Type the pod name to confirm
      </label>
      {help && (
        <p id={helpId} className="text-xs text-slate-600">
          {help}
        </p>
      )}
      <input
        id={id}
        name={name}
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={help ? helpId : undefined}
        className="mt-1 block w-full max-w-md rounded-md border border-slate-300 px-3 py-1.5 font-mono text-sm"
      />
    </div>
  );
}
