/** The namespace box above a namespaced list (services, network policies): a plain GET form. */
export function NamespaceFilter({ label, namespace }: { label: string; namespace: string | undefined }) {
  return (
    <form method="get" className="flex items-end gap-2 text-sm" aria-label={label}>
      <label className="font-medium text-slate-700">
        Namespace
        <input name="namespace" defaultValue={namespace ?? ""} placeholder="all namespaces" className="ml-2 rounded-md border border-slate-300 px-2 py-1" />
      </label>
      <button type="submit" className="rounded-md border border-slate-300 px-3 py-1">
        Apply
      </button>
    </form>
  );
}
