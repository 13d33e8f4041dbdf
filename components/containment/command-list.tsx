import { CopyButton } from "./copy-button";

/** The equivalent kubectl/gcloud commands, in order, each paste-able, with one Copy for all. */
export function CommandList({ commands }: { commands: string[] }) {
  if (!commands.length) return null;
  const all = commands.join("\n\n");
  return (
    <div className="space-y-2">
      <div className="flex items-center justify-between gap-2">
        <h4 className="text-sm font-semibold">Equivalent commands</h4>
        <CopyButton text={all} label="Copy commands" />
      </div>
      {/* Wraps long commands instead of widening the page; scrolls within itself, so focusable. */}
      <pre
        role="region"
        tabIndex={0}
        aria-label="Equivalent commands"
        className="max-h-72 overflow-auto whitespace-pre-wrap break-words rounded-md bg-slate-900 p-3 text-xs leading-relaxed text-slate-100"
      >
        {all}
      </pre>
    </div>
  );
}
