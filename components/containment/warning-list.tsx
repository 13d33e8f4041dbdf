import type { Warning } from "@/lib/containment/types";

const STYLE: Record<Warning["level"], { box: string; label: string }> = {
  danger: { box: "border-red-400 bg-red-50 text-red-950", label: "Danger" },
  caution: { box: "border-amber-400 bg-amber-50 text-amber-950", label: "Caution" },
  info: { box: "border-sky-300 bg-sky-50 text-sky-950", label: "Note" },
};

const ORDER: Record<Warning["level"], number> = { danger: 0, caution: 1, info: 2 };

/** Warnings, most severe first, so evidence loss and "no enforcement" cannot scroll out of sight. */
export function WarningList({ warnings, label = "Warnings" }: { warnings: Warning[]; label?: string }) {
  if (!warnings.length) return null;
  const sorted = [...warnings].sort((a, b) => ORDER[a.level] - ORDER[b.level]);
  return (
    <ul aria-label={label} className="space-y-2">
      {sorted.map((w, i) => (
        <li key={`${w.code}-${i}`} className={`rounded-md border-l-4 px-3 py-2 text-sm ${STYLE[w.level].box}`} data-code={w.code}>
          <strong className="mr-1">{STYLE[w.level].label}:</strong>
          <span className="mr-1 font-mono text-xs">[{w.code}]</span>
          {w.message}
        </li>
      ))}
    </ul>
  );
}
