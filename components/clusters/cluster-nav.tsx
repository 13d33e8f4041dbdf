import Link from "next/link";
import { clusterHref } from "./format";

const TABS = [
  ["", "Overview"],
  ["/nodes", "Nodes"],
  ["/pods", "Pods"],
  ["/services", "Services"],
  ["/networkpolicies", "Network policies"],
] as const;

/** The cluster's sections; `current` marks the page with aria-current for screen readers and tests. */
export function ClusterNav({ cluster, current }: { cluster: string; current: (typeof TABS)[number][0] }) {
  return (
    <nav aria-label="Cluster sections" className="flex flex-wrap gap-1 border-b border-slate-200 pb-2 text-sm">
      <Link href="/clusters" className="rounded-md px-2.5 py-1 text-slate-600 hover:bg-slate-100">
        All clusters
      </Link>
      {TABS.map(([sub, label]) => (
        <Link
          key={sub}
          href={clusterHref(cluster, sub)}
          aria-current={sub === current ? "page" : undefined}
          className={`rounded-md px-2.5 py-1 ${sub === current ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}
        >
          {label}
        </Link>
      ))}
    </nav>
  );
}
