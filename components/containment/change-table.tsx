import type { Change } from "@/lib/containment/types";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";

function show(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  return JSON.stringify(v, null, 2);
}

/** The plan as a diff: one row per change, before struck through in red, after in green. */
export function ChangeTable({ changes }: { changes: Change[] }) {
  if (!changes.length) return <p className="text-sm text-slate-600">No changes.</p>;
  return (
    <Table caption="Changes this plan makes">
      <THead>
        <tr>
          <Th>Target</Th>
          <Th>Action</Th>
          <Th>Field</Th>
          <Th>Before</Th>
          <Th>After</Th>
        </tr>
      </THead>
      <TBody>
        {changes.map((c, i) => (
          <tr key={`${c.target}-${c.field ?? ""}-${i}`}>
            <Td className="font-mono text-xs">
              {c.target}
              {c.note && <p className="mt-1 font-sans text-xs text-slate-600">{c.note}</p>}
            </Td>
            <Td>{c.action}</Td>
            <Td className="font-mono text-xs">{c.field ?? ""}</Td>
            <Td>
              {c.before !== undefined && (
                <pre className="max-w-xs whitespace-pre-wrap break-all bg-red-50 px-1 font-mono text-xs text-red-900">
                  <span className="sr-only">before: </span>- {show(c.before)}
                </pre>
              )}
            </Td>
            <Td>
              {c.after !== undefined && (
                <pre className="max-w-xs whitespace-pre-wrap break-all bg-emerald-50 px-1 font-mono text-xs text-emerald-900">
                  <span className="sr-only">after: </span>+ {show(c.after)}
                </pre>
              )}
            </Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
