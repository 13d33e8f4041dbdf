import type { ReactNode } from "react";

const TONES = {
  green: "bg-emerald-100 text-emerald-900",
  red: "bg-red-100 text-red-900",
  amber: "bg-amber-100 text-amber-900",
  slate: "bg-slate-100 text-slate-800",
} as const;

export function Badge({ tone = "slate", children, title }: { tone?: keyof typeof TONES; children: ReactNode; title?: string }) {
  return (
    <span title={title} className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${TONES[tone]}`}>
      {children}
    </span>
  );
}
