import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";

/** A readable table shell: caption for screen readers, sticky header, zebra rows. */
export function Table({ caption, children, captionVisible = false }: { caption: string; children: ReactNode; captionVisible?: boolean }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className={captionVisible ? "px-3 py-2 text-left font-medium text-slate-700" : "sr-only"}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export function THead({ children }: { children: ReactNode }) {
  return <thead className="sticky top-0 bg-slate-100 text-left text-xs uppercase tracking-wide text-slate-600">{children}</thead>;
}

export function TBody({ children }: { children: ReactNode }) {
  return <tbody className="divide-y divide-slate-100 [&>tr:nth-child(even)]:bg-slate-50">{children}</tbody>;
}

export function Th({ className = "", ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" className={`px-3 py-2 font-semibold ${className}`} {...rest} />;
}

export function Td({ className = "", ...rest }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={`px-3 py-2 align-top text-slate-800 ${className}`} {...rest} />;
}

export function EmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="px-3 py-6 text-center text-slate-500">
        {children}
      </td>
    </tr>
  );
}
